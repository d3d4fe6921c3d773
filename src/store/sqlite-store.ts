import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { FrontdeskError } from '../errors.js';
import type { Channel, Message } from '../message.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import type {
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

interface JournalRow {
  seq: number;
  id: string;
  conversation_id: string;
  channel: Channel;
  external_id: string;
  payload: string;
  status: 'pending' | 'processed';
  received_at: string;
}

interface ConversationRow {
  id: string;
  customer_id: string;
  channel: Channel;
  conversation_key: string;
  created_at: string;
  updated_at: string;
}

interface OutboxRow {
  seq: number;
  id: string;
  conversation_id: string;
  channel: Channel;
  reply_to: string | null;
  message: string;
  status: OutboxEntry['status'];
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

const toJournalEntry = (row: JournalRow): JournalEntry => ({
  seq: row.seq,
  id: row.id,
  conversationId: row.conversation_id,
  channel: row.channel,
  externalId: row.external_id,
  payload: JSON.parse(row.payload),
  status: row.status,
  receivedAt: row.received_at,
});

const toConversation = (row: ConversationRow): ConversationRecord => ({
  id: row.id,
  customerId: row.customer_id,
  channel: row.channel,
  conversationKey: row.conversation_key,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toOutboxEntry = (row: OutboxRow): OutboxEntry => ({
  seq: row.seq,
  id: row.id,
  conversationId: row.conversation_id,
  channel: row.channel,
  replyTo: row.reply_to ?? undefined,
  message: JSON.parse(row.message),
  status: row.status,
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
    touchConversation: db.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?'),
    getCustomer: db.prepare<[string], { id: string; display_name: string | null; created_at: string }>('SELECT * FROM customers WHERE id = ?'),
    insertJournal: db.prepare('INSERT INTO journal (id, conversation_id, channel, external_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, external_id) DO NOTHING'),
    findJournal: db.prepare<[Channel, string], JournalRow>('SELECT * FROM journal WHERE channel = ? AND external_id = ?'),
    pendingJournal: db.prepare<[], JournalRow>("SELECT * FROM journal WHERE status = 'pending' ORDER BY seq"),
    markProcessed: db.prepare("UPDATE journal SET status = 'processed', processed_at = ? WHERE seq = ?"),
    insertTranscript: db.prepare('INSERT INTO messages (id, conversation_id, role, message, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING'),
    upsertSnapshot: db.prepare('INSERT INTO snapshots (conversation_id, flow_version, snapshot, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET flow_version = excluded.flow_version, snapshot = excluded.snapshot, updated_at = excluded.updated_at'),
    loadSnapshot: db.prepare<[string], { conversation_id: string; flow_version: string; snapshot: string; updated_at: string }>('SELECT * FROM snapshots WHERE conversation_id = ?'),
    insertOutbox: db.prepare('INSERT INTO outbox (id, conversation_id, channel, reply_to, message, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    updateOutbox: db.prepare('UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, external_id = COALESCE(?, external_id), delivered_at = CASE WHEN ? = \'delivered\' THEN ? ELSE delivered_at END WHERE id = ?'),
    undeliveredOutbox: db.prepare<[], OutboxRow>("SELECT * FROM outbox WHERE status = 'pending' ORDER BY seq"),
    repliesTo: db.prepare<[string], { message: string }>('SELECT message FROM outbox WHERE reply_to = ? ORDER BY seq'),
    transcript: db.prepare<[string, number], { message: string }>('SELECT message FROM (SELECT seq, message FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq'),
  };

  /** Finds the conversation for (channel, key), creating it and its customer on first contact. */
  function resolveConversation(request: OpenConversationRequest, now: string): { conversation: ConversationRecord; isNew: boolean } {
    const existing = statements.findConversation.get(request.channel, request.conversationKey);
    if (existing) return { conversation: toConversation(existing), isNew: false };
    let customerId = statements.findIdentity.get(request.channel, request.customerKey)?.customer_id;
    if (!customerId) {
      customerId = `cu_${randomUUID()}`;
      statements.insertCustomer.run(customerId, request.customerName ?? null, now);
      statements.insertIdentity.run(request.channel, request.customerKey, customerId);
    }
    const conversation: ConversationRecord = {
      id: request.conversationId ?? `c_${randomUUID()}`,
      customerId,
      channel: request.channel,
      conversationKey: request.conversationKey,
      createdAt: now,
      updatedAt: now,
    };
    statements.insertConversation.run(conversation.id, customerId, conversation.channel, conversation.conversationKey, now, now);
    return { conversation, isNew: true };
  }

  const insertTranscript = (message: Message) =>
    statements.insertTranscript.run(message.id, message.conversationId, message.role, JSON.stringify(message), message.createdAt);

  const runBatch = db.transaction((batch: WriteBatch): JournalResult[] => {
    const now = new Date().toISOString();
    const results: JournalResult[] = [];
    for (const request of batch.journal) {
      if (request.createIfMissing === false && !statements.findConversation.get(request.channel, request.conversationKey)) {
        results.push({ isDuplicate: false });
        continue;
      }
      const { conversation } = resolveConversation(request, now);
      const payload = request.payload(conversation.id);
      const inserted = statements.insertJournal.run(request.id, conversation.id, request.channel, request.externalId, JSON.stringify(payload), request.receivedAt);
      if (inserted.changes === 0) {
        results.push({ entry: toJournalEntry(statements.findJournal.get(request.channel, request.externalId)!), isDuplicate: true, conversation });
        continue;
      }
      if (payload.kind === 'message') insertTranscript(payload.message);
      statements.touchConversation.run(now, conversation.id);
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
        statements.insertOutbox.run(reply.id, turn.conversationId, reply.channel, turn.replyTo ?? null, JSON.stringify(reply), reply.createdAt);
        insertTranscript(reply);
      }
    }
    for (const update of batch.deliveries) {
      statements.updateOutbox.run(update.status, update.attempts, update.nextAttemptAt, update.error ?? null, update.externalId ?? null, update.status, now, update.outboxId);
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
      const row = statements.findJournal.get(channel, externalId);
      return row && toJournalEntry(row);
    }),
    pendingJournal: () => wrap('read the journal', () => statements.pendingJournal.all().map(toJournalEntry)),
    undeliveredOutbox: () => wrap('read the outbox', () => statements.undeliveredOutbox.all().map(toOutboxEntry)),
    repliesTo: (messageId) => wrap('read replies', () => statements.repliesTo.all(messageId).map((row) => JSON.parse(row.message) as Message)),
    transcript: (conversationId, transcriptOptions) => wrap('read a transcript', () =>
      statements.transcript.all(conversationId, transcriptOptions?.limit ?? 1000).map((row) => JSON.parse(row.message) as Message)),
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
