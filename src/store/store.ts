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
  | { entry: JournalEntry; isDuplicate: boolean; conversation: ConversationRecord }
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
  replyStatuses?: Record<string, 'delivered' | 'dead'>;
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
  writeBatch(batch: WriteBatch): Promise<JournalResult[]>;
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
  close(): Promise<void>;
}
