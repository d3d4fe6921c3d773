import Database from 'better-sqlite3';
import { FrontdeskError } from '../errors.js';
import type { AnalyticsConversation, AnalyticsFeedback, AnalyticsItem, AnalyticsReader } from '../analytics/types.js';

interface ConversationRow {
  id: string;
  customer_id: string;
  channel: string;
  conversation_key: string;
  created_at: string;
  display_name: string | null;
}

interface ItemRow {
  seq: number;
  conversation_id: string;
  channel: string;
  direction: 'in' | 'out';
  kind: 'message' | 'event';
  body: string;
  created_at: string;
}

const STARTED = 'WITH started AS (SELECT conversation_id, MIN(created_at) AS started_at FROM items GROUP BY conversation_id)';
const CONVERSATION_COLUMNS = 'c.id, c.customer_id, c.channel, c.conversation_key, COALESCE(s.started_at, c.created_at) AS created_at, cu.display_name';

const parseBody = (body: string): AnalyticsItem['body'] => {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? (parsed as AnalyticsItem['body']) : {};
  } catch {
    return {};
  }
};

/**
 * The dashboard's reads, on their own read-only connection to the store's SQLite file: WAL lets it read while the
 * store writes, and a read-only handle cannot change a row even by mistake. Opened on first use, so the store has
 * created and migrated the file first.
 *
 * @example
 * const reader = createSqliteAnalyticsReader({ file: '.data/frontdesk.db' });
 * const conversations = await reader.conversationsSince('2025-03-01T00:00:00.000Z');
 */
export function createSqliteAnalyticsReader(options: { file: string }): AnalyticsReader {
  let db: Database.Database | undefined;
  let statements: ReturnType<typeof prepare> | undefined;

  const prepare = (connection: Database.Database) => {
    const hasFeedbackTable = connection.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'feedback'").get() !== undefined;
    return {
      conversationsSince: connection.prepare<[string], ConversationRow>(`${STARTED} SELECT ${CONVERSATION_COLUMNS} FROM conversations c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN started s ON s.conversation_id = c.id WHERE COALESCE(s.started_at, c.created_at) >= ? ORDER BY COALESCE(s.started_at, c.created_at), c.id`),
      itemsSince: connection.prepare<[string], ItemRow>(`${STARTED} SELECT i.seq, i.conversation_id, i.channel, i.direction, i.kind, i.body, i.created_at FROM items i WHERE i.conversation_id IN (SELECT c.id FROM conversations c LEFT JOIN started s ON s.conversation_id = c.id WHERE COALESCE(s.started_at, c.created_at) >= ?) ORDER BY i.seq`),
      conversation: connection.prepare<[string], ConversationRow>(`${STARTED} SELECT ${CONVERSATION_COLUMNS} FROM conversations c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN started s ON s.conversation_id = c.id WHERE c.id = ?`),
      itemsOf: connection.prepare<[string], ItemRow>('SELECT seq, conversation_id, channel, direction, kind, body, created_at FROM items WHERE conversation_id = ? ORDER BY seq'),
      // Before the feedback table existed, CSAT answers were only in the staff console's "feedback" notifications.
      feedback: hasFeedbackTable
        ? connection.prepare<[string], { conversation_id: string; kind: 'csat' | 'nps'; score: number; created_at: string }>('SELECT conversation_id, kind, score, created_at FROM feedback WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id')
        : undefined,
      staffFeedback: connection.prepare<[string], ItemRow>(`SELECT seq, conversation_id, channel, direction, kind, body, created_at FROM items WHERE direction = 'out' AND body LIKE '%"feedback"%' AND conversation_id IN (SELECT value FROM json_each(?)) ORDER BY seq`),
    };
  };

  const open = () => {
    if (statements) return statements;
    try {
      db = new Database(options.file, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      statements = prepare(db);
      return statements;
    } catch (cause) {
      db?.close();
      db = undefined;
      throw new FrontdeskError('store_failed', `The dashboard could not open the SQLite database at ${options.file} read-only. Start Frontdesk once so it creates the file, and check FRONTDESK_DATA_DIR.`, { cause });
    }
  };

  const toItem = (row: ItemRow): AnalyticsItem => ({ seq: row.seq, channel: row.channel, direction: row.direction, kind: row.kind, body: parseBody(row.body), createdAt: row.created_at });
  const toConversation = (row: ConversationRow, items: AnalyticsItem[]): AnalyticsConversation => ({
    id: row.id,
    channel: row.channel,
    customerId: row.customer_id,
    ...(row.display_name !== null && { customerName: row.display_name }),
    conversationKey: row.conversation_key,
    createdAt: row.created_at,
    items,
  });

  return {
    async conversationsSince(since) {
      const query = open();
      // One read transaction, so conversations and items come from the same moment of a store that keeps writing.
      return db!.transaction(() => {
        const rows = query.conversationsSince.all(since);
        const items = new Map<string, AnalyticsItem[]>(rows.map((row) => [row.id, []]));
        for (const row of query.itemsSince.all(since)) items.get(row.conversation_id)?.push(toItem(row));
        return rows.map((row) => toConversation(row, items.get(row.id)!));
      })();
    },
    async conversation(id) {
      const query = open();
      const row = query.conversation.get(id);
      return row && toConversation(row, query.itemsOf.all(id).map(toItem));
    },
    async feedbackOf(conversationIds) {
      const query = open();
      const ids = JSON.stringify(conversationIds);
      if (query.feedback) return query.feedback.all(ids).map((row): AnalyticsFeedback => ({ conversationId: row.conversation_id, kind: row.kind, score: row.score, createdAt: row.created_at }));
      return query.staffFeedback.all(ids).flatMap((row): AnalyticsFeedback[] => {
        const staff = (parseBody(row.body).channelData as { staff?: { event?: string; score?: unknown } } | undefined)?.staff;
        const score = Number(staff?.score);
        return staff?.event === 'feedback' && Number.isInteger(score) && score >= 1 && score <= 5 ? [{ conversationId: row.conversation_id, kind: 'csat', score, createdAt: row.created_at }] : [];
      });
    },
    close() {
      db?.close();
      db = undefined;
      statements = undefined;
    },
  };
}
