/**
 * Frontdesk's public API: the only module flows and adapters import.
 */
export { Message, InboundMessage, Channel, Role, QuickReply, ProductCard, Attachment, Citation, type ReplyContent, type StaffNotification, type HandoffReason } from './message.js';
export { createId } from './ids.js';
export { FrontdeskError, isFrontdeskError, type ErrorCode } from './errors.js';
export type { ChannelAdapter, RouteRegistrar, RouteHandler, HttpRequest, HttpResponse, SendReceipt } from './channel.js';
export { defineChannel, discoverChannels, type ChannelPlugin, type ChannelContext } from './channel-plugin.js';
export { readConfig, readEnv, ConfigSchema, type FrontdeskConfig } from './config.js';
export { createLogger, type Logger } from './logger.js';
export { flow, attachReplySink, slotExtractors, serviceNames, type ServiceName, type KnowledgeAnswer, type RecommendationsResult, type HandoffResult, type ProfileResult, type FlowMachine } from './flow/flow.js';
export { defineFlow, defineRouter, type FlowDefinition, type RouterDefinition } from './flow/define-flow.js';
export { loadFlows, type FlowSet } from './flow/load-flows.js';
export { createTriggerMatcher } from './flow/trigger-matcher.js';
export type { FlowContext, FlowEvent, FlowInput, IntentMatch, CustomerProfile } from './flow/types.js';
export { createGateway, type Gateway, type ReceiveResult } from './gateway/gateway.js';
export { createDelivery, DeliveryError, type Delivery } from './delivery/delivery.js';
export { createConversationRuntime, isSnapshotCompatible, type ConversationRuntime, type ServiceImplementations, type ServiceCallContext } from './runtime/conversation-runtime.js';
export { createBatchWriter } from './runtime/batch-writer.js';
export { createHttpServer, parseJsonBody, PAGE_CONTENT_SECURITY_POLICY, type HttpServer } from './server/http-server.js';
export { createSqliteStore, type SqliteStoreOptions } from './store/sqlite-store.js';
export type { Store, ChannelState, ConversationRecord, CustomerRecord, JournalEntry, OutboxEntry, SnapshotRecord } from './store/store.js';
export { createFrontdesk, type Frontdesk, type FrontdeskOptions } from './app.js';
export { parseBusinessHours, type BusinessHours } from './handoff/business-hours.js';
export type { HandoffOutcome } from './handoff/handoff-service.js';
export { scoreSentiment } from './sentiment/sentiment.js';
// --- knowledge (issue 4) ---
export { openKnowledgeBase, KnowledgeBase, type IngestSummary, type IngestProgress, type SearchOptions } from './knowledge/knowledge-base.js';
export { createEmbedder, type Embedder } from './knowledge/embedder.js';
export { OfflineEmbeddings } from './knowledge/embeddings/offline-embeddings.js';
export { createMessageRouter, type MessageRouter, type FaqEntry } from './knowledge/message-router.js';
export { createKnowledgeService, type KnowledgeService } from './knowledge/knowledge-service.js';
export { answerExtractively, DEFAULT_ANSWER_THRESHOLD, type AnswerWithPassages } from './knowledge/extractive-answer.js';
export { createLlmAnswerer, type LlmAnswerer } from './knowledge/llm-answer.js';
export { setUpKnowledge, type KnowledgeSetup } from './knowledge/setup.js';
export { loadKnowledgeFile, listKnowledgeFiles } from './knowledge/loaders/index.js';
export { createSqliteKnowledgeStore } from './store/sqlite-knowledge-store.js';
export type { KnowledgeStore } from './knowledge/knowledge-store.js';
export type { KnowledgeChunk, Passage, ChunkKind } from './knowledge/types.js';
// --- end knowledge ---
// --- orders, feedback, privacy (issue 5) ---
export { createCsvOrdersService, createOrderServices, normalizeEmail, normalizeOrderNumber, normalizePhone, type OrdersService, type ShopCustomer, type ShopOrder, type OrderLookupInput, type OrderLookupResult, type OrderSummary } from './orders/index.js';
export { createPrivacyServices, askConsent, consentSlot, EXPORT_FORMAT, type DataExport, type DataSummary, type AskConsentOptions } from './privacy/index.js';
export { createFeedbackService, parseScore, type FeedbackInput } from './feedback/index.js';
export { RETAINED_CHANNEL_STATE_PREFIXES, type CustomerData, type CustomerIdentity, type ErasureSummary, type FeedbackRecord, type ConsentRecord, type ShopLink } from './store/store.js';
// --- end orders, feedback, privacy ---
