import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { FrontdeskError } from '../errors.js';
import type { KnowledgeFileRecord, KnowledgeStore, NewChunk } from '../knowledge/knowledge-store.js';
import type { StoredChunk } from '../knowledge/types.js';
import { knowledgeMigrations } from './sqlite-knowledge-migrations.js';

interface ChunkRow {
  id: number;
  source: string;
  ordinal: number;
  kind: StoredChunk['kind'];
  heading: string | null;
  text: string;
  search_text: string;
  content_hash: string;
  faq: string | null;
  url: string | null;
  is_suspicious: number;
}

const toChunk = (row: ChunkRow): StoredChunk => ({
  id: row.id,
  source: row.source,
  ordinal: row.ordinal,
  kind: row.kind,
  heading: row.heading ?? undefined,
  text: row.text,
  searchText: row.search_text,
  contentHash: row.content_hash,
  faq: row.faq ? (JSON.parse(row.faq) as StoredChunk['faq']) : undefined,
  url: row.url ?? undefined,
  isSuspicious: row.is_suspicious === 1,
});

/** FTS5 query syntax treats many characters as operators: each term is quoted, so a customer's text is only ever data. */
const quoteTerm = (term: string) => `"${term.replace(/"/g, '""')}"`;

/**
 * The knowledge store in its own SQLite file (`<data>/knowledge.db`, WAL), apart from conversations: it can be
 * deleted and rebuilt from `knowledge/` at any time without touching a transcript.
 *
 * @example
 * const store = createSqliteKnowledgeStore({ file: '.data/knowledge.db' });
 * store.keywordSearch(['shipping', 'cost'], 10);
 */
export function createSqliteKnowledgeStore(options: { file: string }): KnowledgeStore {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(options.file);
  } catch (cause) {
    throw new FrontdeskError('store_failed', `Could not open the knowledge database ${options.file}: ${(cause as Error).message}. Check that FRONTDESK_DATA_DIR is writable.`, { cause });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const statements = {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM knowledge_meta WHERE key = ?'),
    setMeta: db.prepare<[string, string]>('INSERT INTO knowledge_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    listFiles: db.prepare<[], { source: string; file_hash: string; chunk_count: number }>('SELECT source, file_hash, chunk_count FROM knowledge_files ORDER BY source'),
    chunksOf: db.prepare<[string], ChunkRow>('SELECT * FROM knowledge_chunks WHERE source = ? ORDER BY ordinal'),
    idsOf: db.prepare<[string], { id: number }>('SELECT id FROM knowledge_chunks WHERE source = ?'),
    allChunks: db.prepare<[], ChunkRow>('SELECT * FROM knowledge_chunks ORDER BY source, ordinal'),
    chunkCount: db.prepare<[], { count: number }>('SELECT count(*) AS count FROM knowledge_chunks'),
    insertChunk: db.prepare<[string, number, string, string | null, string, string, string, string | null, string | null, number]>(
      'INSERT INTO knowledge_chunks (source, ordinal, kind, heading, text, search_text, content_hash, faq, url, is_suspicious) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertFts: db.prepare<[number, string, string]>('INSERT INTO knowledge_fts (rowid, heading, body) VALUES (?, ?, ?)'),
    renumber: db.prepare<[number, string | null, number]>('UPDATE knowledge_chunks SET ordinal = ?, heading = ? WHERE id = ?'),
    deleteChunk: db.prepare<[number]>('DELETE FROM knowledge_chunks WHERE id = ?'),
    deleteFts: db.prepare<[number]>('DELETE FROM knowledge_fts WHERE rowid = ?'),
    upsertFile: db.prepare<[string, string, number, string]>(
      'INSERT INTO knowledge_files (source, file_hash, chunk_count, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET file_hash = excluded.file_hash, chunk_count = excluded.chunk_count, updated_at = excluded.updated_at',
    ),
    deleteFile: db.prepare<[string]>('DELETE FROM knowledge_files WHERE source = ?'),
    documentFrequency: db.prepare<[string], { count: number }>('SELECT count(*) AS count FROM knowledge_fts WHERE knowledge_fts MATCH ?'),
    // Heading matches count double: a question or section title that names the topic is strong evidence.
    keywordSearch: db.prepare<[string, number], { id: number; score: number }>('SELECT rowid AS id, bm25(knowledge_fts, 2.0, 1.0) AS score FROM knowledge_fts WHERE knowledge_fts MATCH ? ORDER BY score LIMIT ?'),
  };
  const frequencyCache = new Map<string, number>();
  const chunksByIds = new Map<number, Database.Statement<number[], ChunkRow>>();

  const removeIds = (ids: readonly number[]) => {
    for (const id of ids) {
      statements.deleteChunk.run(id);
      statements.deleteFts.run(id);
    }
  };

  const replaceFile = db.transaction((source: string, fileHash: string, kept: Array<{ id: number; ordinal: number; heading?: string }>, added: NewChunk[]) => {
    const keptIds = new Set(kept.map((entry) => entry.id));
    const removedIds = statements.idsOf.all(source).map((row) => row.id).filter((id) => !keptIds.has(id));
    removeIds(removedIds);
    for (const entry of kept) statements.renumber.run(entry.ordinal, entry.heading ?? null, entry.id);
    const addedIds: number[] = [];
    for (const { chunk, contentHash, ordinal, isSuspicious } of added) {
      const result = statements.insertChunk.run(source, ordinal, chunk.kind, chunk.heading ?? null, chunk.text, chunk.searchText, contentHash, chunk.faq ? JSON.stringify(chunk.faq) : null, chunk.url ?? null, isSuspicious ? 1 : 0);
      const id = Number(result.lastInsertRowid);
      statements.insertFts.run(id, chunk.heading ?? '', chunk.searchText);
      addedIds.push(id);
    }
    statements.upsertFile.run(source, fileHash, kept.length + added.length, new Date().toISOString());
    frequencyCache.clear();
    return { addedIds, removedIds };
  });

  const removeFile = db.transaction((source: string) => {
    const ids = statements.idsOf.all(source).map((row) => row.id);
    removeIds(ids);
    statements.deleteFile.run(source);
    frequencyCache.clear();
    return ids;
  });

  return {
    getMeta: (key) => statements.getMeta.get(key)?.value,
    setMeta: (key, value) => void statements.setMeta.run(key, value),
    listFiles: (): KnowledgeFileRecord[] => statements.listFiles.all().map((row) => ({ source: row.source, fileHash: row.file_hash, chunkCount: row.chunk_count })),
    chunksOf: (source) => statements.chunksOf.all(source).map(toChunk),
    replaceFile: (source, fileHash, kept, added) => replaceFile(source, fileHash, kept, added),
    removeFile: (source) => removeFile(source),
    getChunks(ids) {
      if (ids.length === 0) return [];
      // One statement per list length, prepared once: preparing on every question cost about 4 % of an FAQ turn.
      let byIds = chunksByIds.get(ids.length);
      if (!byIds) chunksByIds.set(ids.length, (byIds = db.prepare<number[], ChunkRow>(`SELECT * FROM knowledge_chunks WHERE id IN (${ids.map(() => '?').join(',')})`)));
      const rows = byIds.all(...ids);
      const byId = new Map(rows.map((row) => [row.id, toChunk(row)]));
      return ids.map((id) => byId.get(id)).filter((chunk): chunk is StoredChunk => chunk !== undefined);
    },
    allChunks: () => statements.allChunks.all().map(toChunk),
    chunkCount: () => statements.chunkCount.get()!.count,
    keywordSearch(terms, limit) {
      if (terms.length === 0) return [];
      const rows = statements.keywordSearch.all(terms.map(quoteTerm).join(' OR '), limit);
      return rows.map((row, index) => ({ id: row.id, rank: index + 1, bm25: -row.score }));
    },
    documentFrequency(term) {
      let count = frequencyCache.get(term);
      if (count === undefined) {
        count = statements.documentFrequency.get(quoteTerm(term))!.count;
        frequencyCache.set(term, count);
      }
      return count;
    },
    clear() {
      db.exec('DELETE FROM knowledge_chunks; DELETE FROM knowledge_fts; DELETE FROM knowledge_files;');
      frequencyCache.clear();
    },
    close: () => db.close(),
  };
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare<[], { version: number }>('SELECT version FROM schema_migrations').all().map((row) => row.version));
  for (const migration of knowledgeMigrations) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, new Date().toISOString());
    })();
  }
}
