/**
 * Numbered schema migrations of the knowledge database (`<data>/knowledge.db`), applied in order at open. Never edit
 * a migration that has shipped: add the next one.
 */
export const knowledgeMigrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'knowledge chunks, files and keyword index',
    sql: `
      CREATE TABLE knowledge_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE knowledge_files (
        source TEXT PRIMARY KEY,
        file_hash TEXT NOT NULL,
        chunk_count INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- AUTOINCREMENT: a chunk id is also its label in the vector index, so ids must never be reused.
      CREATE TABLE knowledge_chunks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('page', 'faq', 'product')),
        heading TEXT,
        text TEXT NOT NULL,
        search_text TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        faq TEXT,
        url TEXT,
        is_suspicious INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX knowledge_chunks_source ON knowledge_chunks(source, ordinal);
      -- Porter stemming so "refunds" finds "refund"; rowid = knowledge_chunks.id.
      CREATE VIRTUAL TABLE knowledge_fts USING fts5(heading, body, tokenize = 'porter unicode61 remove_diacritics 2');
    `,
  },
];
