import type { Channel, Message } from '../message.js';

export interface CustomerRecord {
  id: string;
  displayName?: string;
  createdAt: string;
}

export interface ConversationRecord {
  id: string;
  customerId: string;
  channel: Channel;
  /** The platform's address of the conversation (phone number, Teams conversation id, web conversation id). */
  conversationKey: string;
  createdAt: string;
  updatedAt: string;
}

/** An event the runtime feeds a conversation's machine that did not come from a chat message. */
export interface ConversationEvent {
  type: string;
  [key: string]: unknown;
}

/** One inbound item, journaled before anything acts on it (DESIGN.md invariants 1 and 3). */
export type JournalPayload = { kind: 'message'; message: Message } | { kind: 'event'; event: ConversationEvent };

export interface JournalEntry {
  seq: number;
  id: string;
  conversationId: string;
  channel: Channel;
  externalId: string;
  payload: JournalPayload;
  status: 'pending' | 'processed';
  receivedAt: string;
}

/** What an adapter's request becomes in the journal; the store resolves the conversation and customer. */
export interface JournalRequest {
  id: string;
  channel: Channel;
  externalId: string;
  conversationKey: string;
  customerKey: string;
  customerName?: string;
  receivedAt: string;
  /** false: refuse (result without a conversation) instead of opening a conversation for an unknown key. */
  createIfMissing?: boolean;
  /** Built once the conversation id is known, so the stored message carries it. */
  payload: (conversationId: string) => JournalPayload;
}

export type JournalResult =
  | { entry: JournalEntry; isDuplicate: boolean; conversation: ConversationRecord; isTurnCommitted?: boolean }
  | { entry?: undefined; isDuplicate: false; conversation?: undefined };

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

export interface OutboxEntry {
  seq: number;
  id: string;
  conversationId: string;
  channel: Channel;
  replyTo?: string;
  message: Message;
  status: OutboxStatus;
  attempts: number;
  /** Epoch milliseconds before which delivery must not be retried. */
  nextAttemptAt: number;
  lastError?: string;
}

export interface SnapshotRecord {
  conversationId: string;
  flowVersion: string;
  snapshot: unknown;
  updatedAt: string;
}

/** Everything one conversation turn produced, committed atomically (snapshot + outbox + transcript + journal mark). */
export interface TurnCommit {
  journalSeq: number;
  conversationId: string;
  flowVersion: string;
  snapshot: unknown;
  replies: Message[];
  replyTo?: string;
  /** Per-reply status overrides: 'delivered' (delivered on commit) or 'dead' (nowhere to deliver it). */
  replyStatuses?: ReadonlyMap<string, 'delivered' | 'dead'>;
  /** Timers the turn started (with their absolute deadline) or cancelled. */
  timers?: Array<{ name: string; dueAt: number } | { name: string; cancel: true }>;
}

export interface TimerRecord {
  conversationId: string;
  name: string;
  /** Epoch milliseconds. */
  dueAt: number;
}

export interface DeliveryUpdate {
  outboxId: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  error?: string;
  externalId?: string;
}

/**
 * One unit of work, written in one transaction. The runtime collects the journal inserts, finished turns and
 * delivery results of one event-loop tick into a batch (group commit), so a busy server pays for one commit per tick
 * instead of three per message.
 */
export interface WriteBatch {
  journal: JournalRequest[];
  turns: TurnCommit[];
  deliveries: DeliveryUpdate[];
}

export interface OpenConversationRequest {
  /** Use this id for a new conversation (a channel that hands ids to its clients); generated when absent. */
  conversationId?: string;
  channel: Channel;
  conversationKey: string;
  customerKey: string;
  customerName?: string;
}

/** How a chat customer is known on a channel (a phone number on SMS, a browser id on the web, an AAD id on Teams). */
export interface CustomerIdentity {
  channel: Channel;
  customerKey: string;
}

/** The shop customer (orders system) a chat customer proved to be, and how. */
export interface ShopLink {
  shopCustomerId: string;
  verifiedBy: 'phone' | 'email';
  linkedAt: string;
}

/** A satisfaction score: CSAT 1-5 after a resolved handoff, NPS 0-10 on request. */
export interface FeedbackRecord {
  id: string;
  conversationId: string;
  customerId: string;
  kind: 'csat' | 'nps';
  score: number;
  comment?: string;
  createdAt: string;
}

/** A yes or no a customer gave to one use of their data (for example "personalization"). */
export interface ConsentRecord {
  purpose: string;
  isGranted: boolean;
  decidedAt: string;
}

/** Everything the store holds about one customer, across conversations and channels (for "export my data"). */
export interface CustomerData {
  customer: CustomerRecord;
  identities: CustomerIdentity[];
  conversations: Array<ConversationRecord & { messages: Message[] }>;
  feedback: FeedbackRecord[];
  consents: ConsentRecord[];
  shopLink?: ShopLink;
  timers: TimerRecord[];
  /** Facts channels keep about the customer's addresses (quick-reply choices, Teams references, SMS opt-out). */
  channelState: Array<{ channel: Channel; key: string }>;
}

/** What an erasure removed. */
export interface ErasureSummary {
  customerId: string;
  conversationIds: string[];
  messages: number;
  feedback: number;
  /** Channel state entries removed; entries kept for legal reasons (SMS opt-outs) are not counted. */
  channelState: number;
}

/**
 * Channel state kept when a customer's data is erased: an SMS opt-out must outlive the data, or the next import
 * of the number would text someone who said STOP (TCPA / carrier rules).
 */
export const RETAINED_CHANNEL_STATE_PREFIXES: readonly string[] = ['suppressed:'];

/** Durable key-value facts one channel keeps about its platform (opt-outs, conversation references). */
export interface ChannelState {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`, with their values. */
  list<T = unknown>(prefix: string): Promise<Array<{ key: string; value: T }>>;
}

/**
 * Where Frontdesk keeps everything that must survive a restart. The embedded SQLite implementation is the default;
 * nothing outside `src/store` knows which implementation is in use.
 */
export interface Store {
  readonly kind: string;
  /**
   * Writes a batch in one transaction. `inlineTurn`, when given, is called for each newly journaled entry inside the
   * transaction; a turn it returns (one that finished synchronously) is committed in the same transaction.
   */
  writeBatch(batch: WriteBatch, inlineTurn?: (entry: JournalEntry) => TurnCommit | undefined): Promise<JournalResult[]>;
  openConversation(request: OpenConversationRequest): Promise<{ conversation: ConversationRecord; isNew: boolean }>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  getCustomer(id: string): Promise<CustomerRecord | undefined>;
  loadSnapshot(conversationId: string): Promise<SnapshotRecord | undefined>;
  findJournal(channel: Channel, externalId: string): Promise<JournalEntry | undefined>;
  pendingJournal(): Promise<JournalEntry[]>;
  undeliveredOutbox(): Promise<OutboxEntry[]>;
  repliesTo(messageId: string): Promise<Message[]>;
  transcript(conversationId: string, options?: { limit?: number }): Promise<Message[]>;
  channelState(channel: Channel): ChannelState;
  loadTimers(): Promise<TimerRecord[]>;
  /** The channel identities of a customer (to match an SMS number against the shop's customers, to export). */
  customerIdentities(customerId: string): Promise<CustomerIdentity[]>;
  /** Records which shop customer this chat customer proved to be; orders are shown only through this link. */
  linkShopCustomer(customerId: string, link: Omit<ShopLink, 'linkedAt'>): Promise<void>;
  shopLinkOf(customerId: string): Promise<ShopLink | undefined>;
  recordFeedback(feedback: Omit<FeedbackRecord, 'id' | 'createdAt'> & { createdAt?: string }): Promise<FeedbackRecord>;
  /** Records the customer's yes or no to "Did that answer your question?" after a knowledge answer. */
  recordAnswerCheck(check: { conversationId: string; question: string; source?: string; wasHelpful: boolean }): Promise<void>;
  answerChecksOf(conversationId: string): Promise<Array<{ question: string; source?: string; wasHelpful: boolean; createdAt: string }>>;
  feedbackOf(filter: { conversationId: string } | { customerId: string }): Promise<FeedbackRecord[]>;
  /** true or false once the customer answered for this purpose; undefined if never asked. */
  hasConsent(customerId: string, purpose: string): Promise<boolean | undefined>;
  recordConsent(customerId: string, purpose: string, isGranted: boolean): Promise<void>;
  /** Everything about a customer, across conversations and channels; undefined for an unknown (or erased) customer. */
  customerData(customerId: string): Promise<CustomerData | undefined>;
  /**
   * Erases a customer: profile, identities, conversations with their messages, journal and outbox rows, snapshots,
   * timers, feedback, consents, shop link and channel state keyed by their addresses, except
   * RETAINED_CHANNEL_STATE_PREFIXES (SMS opt-outs). Live actors and armed timers are the caller's to drop.
   */
  eraseCustomer(customerId: string): Promise<ErasureSummary>;
  close(): Promise<void>;
}
