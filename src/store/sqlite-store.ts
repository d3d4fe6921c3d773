import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createId } from '../ids.js';
import { FrontdeskError } from '../errors.js';
import type { Channel, Message } from '../message.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import type {
  ChannelState,
  ConversationRecord,
  CustomerRecord,
  JournalEntry,
  JournalResult,
  OpenConversationRequest,
  OutboxEntry,
  SnapshotRecord,
  Store,
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

  const statements = {
    findConversation: db.prepare<[Channel, string], ConversationRow>('SELECT * FROM conversations WHERE channel = ? AND conversation_key = ?'),
    getConversation: db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
    findIdentity: db.prepare<[Channel, string], { customer_id: string }>('SELECT customer_id FROM customer_identities WHERE channel = ? AND customer_key = ?'),
    insertCustomer: db.prepare('INSERT INTO customers (id, display_name, created_at) VALUES (?, ?, ?)'),
    insertIdentity: db.prepare('INSERT INTO customer_identities (channel, customer_key, customer_id) VALUES (?, ?, ?)'),
    insertConversation: db.prepare('INSERT INTO conversations (id, customer_id, channel, conversation_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
    getCustomer: db.prepare<[string], { id: string; display_name: string | null; created_at: string }>('SELECT * FROM customers WHERE id = ?'),
    insertInbound: db.prepare("INSERT INTO items (id, conversation_id, channel, direction, kind, external_id, body, status, created_at) VALUES (?, ?, ?, 'in', ?, ?, ?, 'pending', ?) ON CONFLICT (channel, external_id) WHERE direction = 'in' DO NOTHING"),
    findInbound: db.prepare<[Channel, string], ItemRow>("SELECT * FROM items WHERE channel = ? AND external_id = ? AND direction = 'in'"),
    pendingInbound: db.prepare<[], ItemRow>("SELECT * FROM items WHERE direction = 'in' AND status = 'pending' ORDER BY seq"),
    markProcessed: db.prepare("UPDATE items SET status = 'processed', settled_at = ? WHERE seq = ?"),
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
    loadSnapshot: db.prepare<[string], { conversation_id: string; flow_version: string; snapshot: string; updated_at: string }>('SELECT * FROM snapshots WHERE conversation_id = ?'),
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

  const runBatch = db.transaction((batch: WriteBatch): JournalResult[] => {
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
      const inserted = statements.insertInbound.run(request.id, conversation.id, request.channel, payload.kind, request.externalId, body, request.receivedAt);
      if (inserted.changes === 0) {
        results.push({ entry: toJournalEntry(statements.findInbound.get(request.channel, request.externalId)!), isDuplicate: true, conversation });
        continue;
      }
      results.push({
        entry: { seq: Number(inserted.lastInsertRowid), id: request.id, conversationId: conversation.id, channel: request.channel, externalId: request.externalId, payload, status: 'pending', receivedAt: request.receivedAt },
        isDuplicate: false,
        conversation,
      });
    }
    for (const turn of batch.turns) {
      statements.markProcessed.run(now, turn.journalSeq);
      statements.upsertSnapshot.run(turn.conversationId, turn.flowVersion, JSON.stringify(turn.snapshot), now);
      for (const reply of turn.replies) {
        const status = turn.replyStatuses?.[reply.id] ?? 'pending';
        statements.insertOutbound.run(reply.id, turn.conversationId, reply.channel, turn.replyTo ?? null, JSON.stringify(reply), status, reply.createdAt, status === 'pending' ? null : now);
      }
      for (const timer of turn.timers ?? []) {
        if ('cancel' in timer) statements.deleteTimer.run(turn.conversationId, timer.name);
        else statements.upsertTimer.run(turn.conversationId, timer.name, timer.dueAt);
      }
    }
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
    writeBatch: (batch) => wrap('write a batch', () => runBatch(batch)),
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
      if (db.open) db.close();
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
