/**
 * Frontdesk's public API: the only module flows and adapters import.
 */
export { Message, InboundMessage, Channel, Role, QuickReply, ProductCard, Attachment, Citation, type ReplyContent } from './message.js';
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
export { createHttpServer, parseJsonBody, type HttpServer } from './server/http-server.js';
export { createSqliteStore, type SqliteStoreOptions } from './store/sqlite-store.js';
export type { Store, ChannelState, ConversationRecord, CustomerRecord, JournalEntry, OutboxEntry, SnapshotRecord } from './store/store.js';
export { createFrontdesk, type Frontdesk, type FrontdeskOptions } from './app.js';
