import { createId } from '../ids.js';
import { FrontdeskError } from '../errors.js';
import { scoreSentiment } from '../sentiment/sentiment.js';
import type { InboundMessage, Message } from '../message.js';
import type { ConversationRuntime } from '../runtime/conversation-runtime.js';
import type { BatchWriter } from '../runtime/batch-writer.js';
import type { ConversationEvent, ConversationRecord, OpenConversationRequest, Store } from '../store/store.js';

export interface ReceiveResult {
  message: Message;
  conversation: ConversationRecord;
  /** True when the platform sent this external id before: no second turn runs. */
  isDuplicate: boolean;
  /** The bot's replies to this message, once committed. Webhooks that answer at once never wait for this. */
  replies: Promise<Message[]>;
}

/**
 * The single entrance for everything that happens in a conversation. It journals before anything acts (so the
 * platform's 2xx means "safe"), turns a platform retry into a no-op, and hands new items to the runtime.
 */
export interface Gateway {
  receive(inbound: InboundMessage): Promise<ReceiveResult>;
  /** Opens (or finds) a conversation; a new one gets a `conversation.started` event so the bot can greet. */
  openConversation(request: OpenConversationRequest & { greet?: boolean }): Promise<{ conversation: ConversationRecord; isNew: boolean; replies: Promise<Message[]> }>;
  /** Delivers a non-message event (a timer, a staff action) to a conversation, deduplicated by `externalId`. */
  dispatch(conversation: ConversationRecord, event: ConversationEvent, externalId: string): Promise<{ isDuplicate: boolean; replies: Promise<Message[]> }>;
  /** `dispatch` by conversation id (staff consoles and timers know the id, not the record). */
  dispatchTo(conversationId: string, event: ConversationEvent, externalId: string): Promise<{ isDuplicate: boolean; replies: Promise<Message[]> }>;
}

export interface GatewayOptions {
  writer: BatchWriter;
  runtime: ConversationRuntime;
  store: Store;
  now?: () => number;
  /** Channels whose conversations are opened explicitly (web): a message for an unknown one is refused, not a new conversation. */
  existingOnly?: ReadonlySet<string>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const { writer, runtime, store } = options;
  const now = options.now ?? Date.now;

  const gateway: Gateway = {
    async receive(inbound) {
      const id = createId('m');
      const receivedAt = inbound.receivedAt ?? new Date(now()).toISOString();
      let built: Message | undefined;
      const result = await writer.journal({
        id,
        channel: inbound.channel,
        externalId: inbound.externalId,
        conversationKey: inbound.conversationKey,
        customerKey: inbound.customerKey,
        customerName: inbound.customerName,
        receivedAt,
        createIfMissing: !options.existingOnly?.has(inbound.channel),
        payload: (conversationId) => {
          const role = inbound.role ?? 'customer';
          built = {
            id,
            conversationId,
            channel: inbound.channel,
            role,
            text: inbound.text,
            externalId: inbound.externalId,
            // Scored once, stored with the message: routing, handoff context and the dashboard all read it.
            ...(role === 'customer' && { sentiment: scoreSentiment(inbound.text) }),
            createdAt: receivedAt,
            ...(inbound.attachments && { attachments: inbound.attachments }),
            ...(inbound.channelData && { channelData: inbound.channelData }),
          };
          return { kind: 'message', message: built };
        },
      });
      if (!result.conversation) throw new FrontdeskError('not_found', 'That conversation does not exist.');
      if (result.isDuplicate) {
        const message = result.entry.payload.kind === 'message' ? result.entry.payload.message : built!;
        return { message, conversation: result.conversation, isDuplicate: true, replies: runtime.repliesTo(result.entry) };
      }
      return { message: built!, conversation: result.conversation, isDuplicate: false, replies: runtime.enqueue(result.entry) };
    },

    async openConversation(request) {
      const { conversation, isNew } = await store.openConversation(request);
      if (!isNew || request.greet === false) return { conversation, isNew, replies: Promise.resolve([]) };
      const { replies } = await gateway.dispatch(conversation, { type: 'conversation.started' }, `${conversation.id}:started`);
      return { conversation, isNew, replies };
    },

    async dispatch(conversation, event, externalId) {
      const result = await writer.journal({
        id: createId('e'),
        channel: conversation.channel,
        externalId,
        conversationKey: conversation.conversationKey,
        customerKey: conversation.customerId,
        receivedAt: new Date(now()).toISOString(),
        payload: () => ({ kind: 'event', event }),
      });
      if (!result.entry) throw new FrontdeskError('not_found', 'That conversation does not exist.');
      const replies = result.isDuplicate ? runtime.repliesTo(result.entry) : runtime.enqueue(result.entry);
      return { isDuplicate: result.isDuplicate, replies };
    },
    async dispatchTo(conversationId, event, externalId) {
      const conversation = await store.getConversation(conversationId);
      if (!conversation) throw new FrontdeskError('not_found', `Conversation ${conversationId} does not exist.`);
      return gateway.dispatch(conversation, event, externalId);
    },
  };
  return gateway;
}
