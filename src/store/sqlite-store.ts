import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { createId } from '../ids.js';
import { FrontdeskError } from '../errors.js';
import type { Channel, Message } from '../message.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';
import {
  RETAINED_CHANNEL_STATE_PREFIXES,
  type ChannelState,
  type ConsentRecord,
  type ConversationRecord,
  type CustomerData,
  type CustomerIdentity,
  type CustomerRecord,
  type ErasureSummary,
  type FeedbackRecord,
  type ShopLink,
  type TimerRecord,
  JournalEntry,
  JournalResult,
  OpenConversationRequest,
  OutboxEntry,
  SnapshotRecord,
  Store,
  TurnCommit,
  WriteBatch,
} from './store.js';

export interface SqliteStoreOptions {
  /** Path of the database file, or ':memory:'. */
  file: string;
  /**
   * 'normal' survives any process crash (WAL + synchronous=NORMAL); 'full' also survives power loss, at about three
   * times the commit cost (DESIGN.md invariant 3).
   */
  durability?: 'normal' | 'full';
  /**
   * Checkpoint the write-ahead log on a worker thread (see wal-checkpointer.ts) instead of inside a commit. On for
   * the server; ignored for ':memory:'.
   */
  checkpointInBackground?: boolean;
  /**
   * With the background checkpointer: the log length (pages) from which the log is started over; default 16,384
   * (64 MB). Each start-over stalls the event loop for one small checkpoint (1-2 ms measured since the worker syncs
   * what it copies), so a longer log means fewer stalls: at 1,000 msg/s one about every 2 s instead of every 0.64 s
   * with 4,096 pages (README, Benchmarks). The commits' own fallback limit is 2.5 times this.
   */
  walRestartPages?: number;
  /** Told when a background checkpoint fails (the automatic fallback still bounds the log). */
  onCheckpointError?: (message: string) => void;
}

interface ItemRow {
  seq: number;
  id: string;
  conversation_id: string;
  channel: Channel;
  direction: 'in' | 'out';
  kind: 'message' | 'event';
  external_id: string | null;
  reply_to: string | null;
  body: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: string;
}

interface ConversationRow {
  id: string;
  customer_id: string;
  channel: Channel;
  conversation_key: string;
  created_at: string;
  updated_at: string;
}

interface FeedbackRow {
  id: string;
  conversation_id: string;
  customer_id: string;
  kind: 'csat' | 'nps';
  score: number;
  comment: string | null;
  created_at: string;
}

const toFeedback = (row: FeedbackRow): FeedbackRecord => ({
  id: row.id,
  conversationId: row.conversation_id,
  customerId: row.customer_id,
  kind: row.kind,
  score: row.score,
  ...(row.comment !== null && { comment: row.comment }),
  createdAt: row.created_at,
});

const toJournalEntry = (row: ItemRow): JournalEntry => ({
  seq: row.seq,
  id: row.id,
  conversationId: row.conversation_id,
  channel: row.channel,
  externalId: row.external_id ?? '',
  payload: row.kind === 'message' ? { kind: 'message', message: JSON.parse(row.body) } : { kind: 'event', event: JSON.parse(row.body) },
  status: row.status === 'pending' ? 'pending' : 'processed',
  receivedAt: row.created_at,
});

const toConversation = (row: ConversationRow): ConversationRecord => ({
  id: row.id,
  customerId: row.customer_id,
  channel: row.channel,
  conversationKey: row.conversation_key,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toOutboxEntry = (row: ItemRow): OutboxEntry => ({
  seq: row.seq,
  id: row.id,
  conversationId: row.conversation_id,
  channel: row.channel,
  replyTo: row.reply_to ?? undefined,
  message: JSON.parse(row.body),
  status: row.status as OutboxEntry['status'],
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  lastError: row.last_error ?? undefined,
});

/**
 * The embedded default store: one SQLite file in WAL mode. Every statement is prepared once at start, because
 * per-message work that does not depend on the message is wasted work.
 *
 * @example
 * const store = createSqliteStore({ file: '.data/frontdesk.db' });
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(options.file);
  } catch (cause) {
    throw new FrontdeskError('store_failed', `Could not open the SQLite database at ${options.file}. Check that the folder is writable, or set FRONTDESK_DATA_DIR to one that is.`, { cause });
  }
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  let checkpointer: WalCheckpointer | undefined;
  let databaseFd: number | undefined;
  if (options.checkpointInBackground && options.file !== ':memory:') {
    databaseFd = openSync(options.file, 'r+');
    const restartPages = options.walRestartPages ?? 16_384;
    // The fallback limit (SQLite's own checkpoint inside a commit), reached only if the worker falls behind.
    db.pragma(`wal_autocheckpoint = ${Math.round(restartPages * 2.5)}`);
    checkpointer = startWalCheckpointer({
      file: options.file,
      databaseFd,
      walRestartPages: restartPages,
      onError: options.onCheckpointError,
      // Runs between turns, never inside a transaction. It copies only what was committed since the worker's last
      // pass and syncs it (1-2 ms measured at 1,000 msg/s), then the next commit starts the log over.
      onLogLong: () => {
        if (!db.open) return;
        try {
          db.pragma('wal_checkpoint(PASSIVE)');
        } catch (error) {
          options.onCheckpointError?.(error instanceof Error ? error.message : String(error));
        }
      },
    });
  }

  const statements = {
    findConversation: db.prepare<[Channel, string], ConversationRow>('SELECT * FROM conversations WHERE channel = ? AND conversation_key = ?'),
    getConversation: db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
    findIdentity: db.prepare<[Channel, string], { customer_id: string }>('SELECT customer_id FROM customer_identities WHERE channel = ? AND customer_key = ?'),
    insertCustomer: db.prepare('INSERT INTO customers (id, display_name, created_at) VALUES (?, ?, ?)'),
    insertIdentity: db.prepare('INSERT INTO customer_identities (channel, customer_key, customer_id) VALUES (?, ?, ?)'),
    insertConversation: db.prepare('INSERT INTO conversations (id, customer_id, channel, conversation_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
    getCustomer: db.prepare<[string], { id: string; display_name: string | null; created_at: string }>('SELECT * FROM customers WHERE id = ?'),
    insertInbound: db.prepare("INSERT INTO items (id, conversation_id, channel, direction, kind, external_id, body, status, created_at, settled_at) VALUES (?, ?, ?, 'in', ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, external_id) WHERE direction = 'in' DO NOTHING"),
    findInbound: db.prepare<[Channel, string], ItemRow>("SELECT * FROM items WHERE channel = ? AND external_id = ? AND direction = 'in'"),
    pendingInbound: db.prepare<[], ItemRow>("SELECT * FROM items WHERE direction = 'in' AND status = 'pending' ORDER BY seq"),
    markProcessed: db.prepare("UPDATE items SET status = 'processed', settled_at = ? WHERE seq = ?"),
    markPending: db.prepare("UPDATE items SET status = 'pending', settled_at = NULL WHERE seq = ?"),
    insertOutbound: db.prepare("INSERT INTO items (id, conversation_id, channel, direction, kind, reply_to, body, status, created_at, settled_at) VALUES (?, ?, ?, 'out', 'message', ?, ?, ?, ?, ?)"),
    updateOutbound: db.prepare("UPDATE items SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, external_id = COALESCE(?, external_id), settled_at = CASE WHEN ? = 'pending' THEN settled_at ELSE ? END WHERE id = ? AND direction = 'out'"),
    pendingOutbound: db.prepare<[], ItemRow>("SELECT * FROM items WHERE direction = 'out' AND status = 'pending' ORDER BY seq"),
    // Replies come after the message they answer, in the same conversation: walk that index rather than keep another.
    repliesTo: db.prepare<[string], { body: string }>("SELECT reply.body FROM items AS inbound JOIN items AS reply ON reply.conversation_id = inbound.conversation_id AND reply.seq > inbound.seq WHERE inbound.id = ? AND reply.direction = 'out' AND reply.reply_to = inbound.id ORDER BY reply.seq"),
    // The customer's transcript: what was said on the conversation's own channel (not the staff thread's notes).
    transcript: db.prepare<[string, number], { body: string }>("SELECT body FROM (SELECT items.seq, items.body FROM items JOIN conversations ON conversations.id = items.conversation_id WHERE items.conversation_id = ? AND items.kind = 'message' AND items.channel = conversations.channel ORDER BY items.seq DESC LIMIT ?) ORDER BY seq"),
    upsertTimer: db.prepare('INSERT INTO timers (conversation_id, name, due_at) VALUES (?, ?, ?) ON CONFLICT (conversation_id, name) DO UPDATE SET due_at = excluded.due_at'),
    deleteTimer: db.prepare('DELETE FROM timers WHERE conversation_id = ? AND name = ?'),
    loadTimers: db.prepare<[], { conversation_id: string; name: string; due_at: number }>('SELECT * FROM timers ORDER BY due_at'),
    upsertSnapshot: db.prepare('INSERT INTO snapshots (conversation_id, flow_version, snapshot, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET flow_version = excluded.flow_version, snapshot = excluded.snapshot, updated_at = excluded.updated_at'),
    getState: db.prepare<[string, string], { value: string }>('SELECT value FROM channel_state WHERE channel = ? AND key = ?'),
    setState: db.prepare('INSERT INTO channel_state (channel, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (channel, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at'),
    deleteState: db.prepare('DELETE FROM channel_state WHERE channel = ? AND key = ?'),
    listState: db.prepare<[string, string, string], { key: string; value: string }>('SELECT key, value FROM channel_state WHERE channel = ? AND key >= ? AND key < ? ORDER BY key'),
    insertAnswerCheck: db.prepare('INSERT INTO answer_checks (id, conversation_id, question, source, was_helpful, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    answerChecksOf: db.prepare<[string], { question: string; source: string | null; was_helpful: number; created_at: string }>('SELECT question, source, was_helpful, created_at FROM answer_checks WHERE conversation_id = ? ORDER BY created_at'),
    loadSnapshot: db.prepare<[string], { conversation_id: string; flow_version: string; snapshot: string; updated_at: string }>('SELECT * FROM snapshots WHERE conversation_id = ?'),
    identitiesOf: db.prepare<[string], { channel: Channel; customer_key: string }>('SELECT channel, customer_key FROM customer_identities WHERE customer_id = ? ORDER BY channel, customer_key'),
    conversationsOf: db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE customer_id = ? ORDER BY created_at, id'),
    // Every message of the conversation, the staff thread's notes included: an export must show all we hold.
    messagesOf: db.prepare<[string], { body: string }>("SELECT body FROM items WHERE conversation_id = ? AND kind = 'message' ORDER BY seq"),
    countMessagesOf: db.prepare<[string], { count: number }>("SELECT count(*) AS count FROM items JOIN conversations ON conversations.id = items.conversation_id WHERE conversations.customer_id = ? AND items.kind = 'message'"),
    timersOf: db.prepare<[string], { conversation_id: string; name: string; due_at: number }>('SELECT timers.* FROM timers JOIN conversations ON conversations.id = timers.conversation_id WHERE conversations.customer_id = ?'),
    upsertShopLink: db.prepare('INSERT INTO shop_links (customer_id, shop_customer_id, verified_by, linked_at) VALUES (?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET shop_customer_id = excluded.shop_customer_id, verified_by = excluded.verified_by, linked_at = excluded.linked_at'),
    getShopLink: db.prepare<[string], { shop_customer_id: string; verified_by: 'phone' | 'email'; linked_at: string }>('SELECT * FROM shop_links WHERE customer_id = ?'),
    insertFeedback: db.prepare('INSERT INTO feedback (id, conversation_id, customer_id, kind, score, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    feedbackOfConversation: db.prepare<[string], FeedbackRow>('SELECT * FROM feedback WHERE conversation_id = ? ORDER BY created_at, id'),
    feedbackOfCustomer: db.prepare<[string], FeedbackRow>('SELECT * FROM feedback WHERE customer_id = ? ORDER BY created_at, id'),
    getConsent: db.prepare<[string, string], { is_granted: number }>('SELECT is_granted FROM consents WHERE customer_id = ? AND purpose = ?'),
    upsertConsent: db.prepare('INSERT INTO consents (customer_id, purpose, is_granted, decided_at) VALUES (?, ?, ?, ?) ON CONFLICT (customer_id, purpose) DO UPDATE SET is_granted = excluded.is_granted, decided_at = excluded.decided_at'),
    consentsOf: db.prepare<[string], { purpose: string; is_granted: number; decided_at: string }>('SELECT * FROM consents WHERE customer_id = ? ORDER BY purpose'),
    // Channel state keyed by an address ends with ":<address>" (choices:+1555…, reference:<conversation id>).
    stateOfAddress: db.prepare<[Channel, number, string], { key: string }>('SELECT key FROM channel_state WHERE channel = ? AND substr(key, -?) = ?'),
    deleteCustomer: db.prepare('DELETE FROM customers WHERE id = ?'),
  };

  /** Finds the conversation for (channel, key), creating it and its customer on first contact. */
  function resolveConversation(request: OpenConversationRequest, now: string): { conversation: ConversationRecord; isNew: boolean } {
    const existing = statements.findConversation.get(request.channel, request.conversationKey);
    if (existing) return { conversation: toConversation(existing), isNew: false };
    let customerId = statements.findIdentity.get(request.channel, request.customerKey)?.customer_id;
    if (!customerId) {
      customerId = createId('cu');
      statements.insertCustomer.run(customerId, request.customerName ?? null, now);
      statements.insertIdentity.run(request.channel, request.customerKey, customerId);
    }
    const conversation: ConversationRecord = {
      id: request.conversationId ?? createId('c'),
      customerId,
      channel: request.channel,
      conversationKey: request.conversationKey,
      createdAt: now,
      updatedAt: now,
    };
    statements.insertConversation.run(conversation.id, customerId, conversation.channel, conversation.conversationKey, now, now);
    return { conversation, isNew: true };
  }

  const applyTurn = (turn: TurnCommit, now: string, isJournalRowProcessed = false) => {
    if (!isJournalRowProcessed) statements.markProcessed.run(now, turn.journalSeq);
    statements.upsertSnapshot.run(turn.conversationId, turn.flowVersion, JSON.stringify(turn.snapshot), now);
    for (const reply of turn.replies) {
      const status = turn.replyStatuses?.get(reply.id) ?? 'pending';
      statements.insertOutbound.run(reply.id, turn.conversationId, reply.channel, turn.replyTo ?? null, JSON.stringify(reply), status, reply.createdAt, status === 'pending' ? null : now);
    }
    for (const timer of turn.timers ?? []) {
      if ('cancel' in timer) statements.deleteTimer.run(turn.conversationId, timer.name);
      else statements.upsertTimer.run(turn.conversationId, timer.name, timer.dueAt);
    }
  };

  /** Channel state entries keyed by one of the customer's addresses (identities and conversation keys). */
  function channelStateOf(identities: CustomerIdentity[], conversations: ConversationRecord[]): Array<{ channel: Channel; key: string }> {
    const addresses = new Map<string, { channel: Channel; address: string }>();
    for (const identity of identities) addresses.set(`${identity.channel} ${identity.customerKey}`, { channel: identity.channel, address: identity.customerKey });
    for (const conversation of conversations) addresses.set(`${conversation.channel} ${conversation.conversationKey}`, { channel: conversation.channel, address: conversation.conversationKey });
    const found = new Map<string, { channel: Channel; key: string }>();
    for (const { channel, address } of addresses.values()) {
      const suffix = `:${address}`;
      for (const row of statements.stateOfAddress.all(channel, suffix.length, suffix)) found.set(`${channel} ${row.key}`, { channel, key: row.key });
    }
    return [...found.values()];
  }

  const readCustomerData = (customerId: string): CustomerData | undefined => {
    const customerRow = statements.getCustomer.get(customerId);
    if (!customerRow) return undefined;
    const identities = statements.identitiesOf.all(customerId).map((row) => ({ channel: row.channel, customerKey: row.customer_key }));
    const conversations = statements.conversationsOf.all(customerId).map(toConversation);
    const link = statements.getShopLink.get(customerId);
    return {
      customer: { id: customerRow.id, displayName: customerRow.display_name ?? undefined, createdAt: customerRow.created_at },
      identities,
      conversations: conversations.map((conversation) => ({ ...conversation, messages: statements.messagesOf.all(conversation.id).map((row) => JSON.parse(row.body) as Message) })),
      feedback: statements.feedbackOfCustomer.all(customerId).map(toFeedback),
      consents: statements.consentsOf.all(customerId).map((row): ConsentRecord => ({ purpose: row.purpose, isGranted: row.is_granted === 1, decidedAt: row.decided_at })),
      ...(link && { shopLink: { shopCustomerId: link.shop_customer_id, verifiedBy: link.verified_by, linkedAt: link.linked_at } }),
      timers: statements.timersOf.all(customerId).map((row): TimerRecord => ({ conversationId: row.conversation_id, name: row.name, dueAt: row.due_at })),
      channelState: channelStateOf(identities, conversations),
    };
  };

  const erase = db.transaction((customerId: string): ErasureSummary => {
    const identities = statements.identitiesOf.all(customerId).map((row) => ({ channel: row.channel, customerKey: row.customer_key }));
    const conversations = statements.conversationsOf.all(customerId).map(toConversation);
    const messages = statements.countMessagesOf.get(customerId)?.count ?? 0;
    const feedback = statements.feedbackOfCustomer.all(customerId).length;
    let channelState = 0;
    for (const entry of channelStateOf(identities, conversations)) {
      if (RETAINED_CHANNEL_STATE_PREFIXES.some((prefix) => entry.key.startsWith(prefix))) continue;
      channelState += statements.deleteState.run(entry.channel, entry.key).changes;
    }
    // Everything else hangs off the customer row: identities, conversations (and through them items, snapshots,
    // timers, feedback), consents and the shop link go with it (ON DELETE CASCADE, foreign_keys = ON).
    statements.deleteCustomer.run(customerId);
    return { customerId, conversationIds: conversations.map((conversation) => conversation.id), messages, feedback, channelState };
  });

  const runBatch = db.transaction((batch: WriteBatch, inlineTurn?: (entry: JournalEntry) => TurnCommit | undefined): JournalResult[] => {
    const now = new Date().toISOString();
    const results: JournalResult[] = [];
    for (const request of batch.journal) {
      const existing = statements.findConversation.get(request.channel, request.conversationKey);
      if (!existing && request.createIfMissing === false) {
        results.push({ isDuplicate: false });
        continue;
      }
      const conversation = existing ? toConversation(existing) : resolveConversation(request, now).conversation;
      const payload = request.payload(conversation.id);
      const body = JSON.stringify(payload.kind === 'message' ? payload.message : payload.event);
      // With an inline turn to try, the row goes in as processed: most turns finish inline, and writing it as pending
      // then updating it costs a second write of the row and of the pending index. The row exists before the turn
      // runs (services may read it); a turn that does not finish inline sets it back to pending in this same
      // transaction, so no commit ever shows a processed row without its turn.
      const isOptimistic = inlineTurn !== undefined;
      const inserted = statements.insertInbound.run(request.id, conversation.id, request.channel, payload.kind, request.externalId, body, isOptimistic ? 'processed' : 'pending', request.receivedAt, isOptimistic ? now : null);
      if (inserted.changes === 0) {
        results.push({ entry: toJournalEntry(statements.findInbound.get(request.channel, request.externalId)!), isDuplicate: true, conversation });
        continue;
      }
      const entry: JournalEntry = { seq: Number(inserted.lastInsertRowid), id: request.id, conversationId: conversation.id, channel: request.channel, externalId: request.externalId, payload, status: 'pending', receivedAt: request.receivedAt };
      // A turn that can finish at once commits with its journal row: one transaction and one write of the row's page.
      const turn = inlineTurn?.(entry);
      if (turn) applyTurn(turn, now, true);
      else if (isOptimistic) statements.markPending.run(entry.seq);
      results.push({ entry, isDuplicate: false, conversation, isTurnCommitted: turn !== undefined });
    }
    for (const turn of batch.turns) applyTurn(turn, now);
    for (const update of batch.deliveries) {
      statements.updateOutbound.run(update.status, update.attempts, update.nextAttemptAt, update.error ?? null, update.externalId ?? null, update.status, now, update.outboxId);
    }
    return results;
  });

  const wrap = <T>(what: string, action: () => T): Promise<T> => {
    try {
      return Promise.resolve(action());
    } catch (cause) {
      return Promise.reject(new FrontdeskError('store_failed', `SQLite failed to ${what}: ${(cause as Error).message}`, { cause }));
    }
  };

  return {
    kind: 'sqlite',
    writeBatch: (batch, inlineTurn) => wrap('write a batch', () => runBatch(batch, inlineTurn)),
    openConversation: (request) => wrap('open a conversation', () => db.transaction(() => resolveConversation(request, new Date().toISOString()))()),
    getConversation: (id) => wrap('read a conversation', () => {
      const row = statements.getConversation.get(id);
      return row && toConversation(row);
    }),
    getCustomer: (id) => wrap('read a customer', (): CustomerRecord | undefined => {
      const row = statements.getCustomer.get(id);
      return row && { id: row.id, displayName: row.display_name ?? undefined, createdAt: row.created_at };
    }),
    loadSnapshot: (conversationId) => wrap('load a snapshot', (): SnapshotRecord | undefined => {
      const row = statements.loadSnapshot.get(conversationId);
      return row && { conversationId: row.conversation_id, flowVersion: row.flow_version, snapshot: JSON.parse(row.snapshot), updatedAt: row.updated_at };
    }),
    findJournal: (channel, externalId) => wrap('read the journal', () => {
      const row = statements.findInbound.get(channel, externalId);
      return row && toJournalEntry(row);
    }),
    pendingJournal: () => wrap('read the journal', () => statements.pendingInbound.all().map(toJournalEntry)),
    undeliveredOutbox: () => wrap('read the outbox', () => statements.pendingOutbound.all().map(toOutboxEntry)),
    repliesTo: (messageId) => wrap('read replies', () => statements.repliesTo.all(messageId).map((row) => JSON.parse(row.body) as Message)),
    transcript: (conversationId, transcriptOptions) => wrap('read a transcript', () =>
      statements.transcript.all(conversationId, transcriptOptions?.limit ?? 1000).map((row) => JSON.parse(row.body) as Message)),
    loadTimers: () => wrap('read timers', () => statements.loadTimers.all().map((row) => ({ conversationId: row.conversation_id, name: row.name, dueAt: row.due_at }))),
    customerIdentities: (customerId) => wrap('read identities', () => statements.identitiesOf.all(customerId).map((row): CustomerIdentity => ({ channel: row.channel, customerKey: row.customer_key }))),
    linkShopCustomer: (customerId, link) => wrap('link a shop customer', () => void statements.upsertShopLink.run(customerId, link.shopCustomerId, link.verifiedBy, new Date().toISOString())),
    shopLinkOf: (customerId) => wrap('read a shop link', (): ShopLink | undefined => {
      const row = statements.getShopLink.get(customerId);
      return row && { shopCustomerId: row.shop_customer_id, verifiedBy: row.verified_by, linkedAt: row.linked_at };
    }),
    recordFeedback: (feedback) => wrap('record feedback', (): FeedbackRecord => {
      const record: FeedbackRecord = { id: createId('fb'), conversationId: feedback.conversationId, customerId: feedback.customerId, kind: feedback.kind, score: feedback.score, ...(feedback.comment !== undefined && { comment: feedback.comment }), createdAt: feedback.createdAt ?? new Date().toISOString() };
      statements.insertFeedback.run(record.id, record.conversationId, record.customerId, record.kind, record.score, record.comment ?? null, record.createdAt);
      return record;
    }),
    recordAnswerCheck: (check) => wrap('record an answer check', () => void statements.insertAnswerCheck.run(createId('ac'), check.conversationId, check.question.slice(0, 1000), check.source ?? null, check.wasHelpful ? 1 : 0, new Date().toISOString())),
    answerChecksOf: (conversationId) => wrap('read answer checks', () => statements.answerChecksOf.all(conversationId).map((row) => ({ question: row.question, ...(row.source && { source: row.source }), wasHelpful: row.was_helpful === 1, createdAt: row.created_at }))),
    feedbackOf: (filter) => wrap('read feedback', () =>
      ('conversationId' in filter ? statements.feedbackOfConversation.all(filter.conversationId) : statements.feedbackOfCustomer.all(filter.customerId)).map(toFeedback)),
    hasConsent: (customerId, purpose) => wrap('read a consent', () => {
      const row = statements.getConsent.get(customerId, purpose);
      return row === undefined ? undefined : row.is_granted === 1;
    }),
    recordConsent: (customerId, purpose, isGranted) => wrap('record a consent', () => void statements.upsertConsent.run(customerId, purpose, isGranted ? 1 : 0, new Date().toISOString())),
    customerData: (customerId) => wrap('read customer data', () => readCustomerData(customerId)),
    eraseCustomer: (customerId) => wrap('erase a customer', () => erase(customerId)),
    channelState: (channel): ChannelState => ({
      get: (key) => wrap('read channel state', () => {
        const row = statements.getState.get(channel, key);
        return row === undefined ? undefined : JSON.parse(row.value);
      }),
      set: (key, value) => wrap('write channel state', () => void statements.setState.run(channel, key, JSON.stringify(value), new Date().toISOString())),
      delete: (key) => wrap('delete channel state', () => void statements.deleteState.run(channel, key)),
      // Every key with the prefix sorts between the prefix and the prefix followed by the highest code point.
      list: (prefix) => wrap('list channel state', () => statements.listState.all(channel, prefix, `${prefix}\u{10FFFF}`).map((row) => ({ key: row.key, value: JSON.parse(row.value) }))),
    }),
    close: async () => {
      await checkpointer?.stop();
      if (db.open) db.close();
      // After the connection (see WalCheckpointerOptions.databaseFd).
      if (databaseFd !== undefined) closeSync(databaseFd);
      databaseFd = undefined;
    },
  };
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare<[], { version: number }>('SELECT version FROM schema_migrations').all().map((row) => row.version));
  for (const migration of sqliteMigrations) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, new Date().toISOString());
    })();
  }
}
