import type { KnowledgeChunk, StoredChunk } from './types.js';

/** A chunk about to be stored: what the loader produced plus what ingest computed. */
export interface NewChunk {
  chunk: KnowledgeChunk;
  contentHash: string;
  ordinal: number;
  isSuspicious: boolean;
}

/** A file the knowledge base holds, and the hash of the bytes it was built from. */
export interface KnowledgeFileRecord {
  source: string;
  fileHash: string;
  chunkCount: number;
}

/**
 * Chunk metadata and the keyword (BM25) index. One implementation today (SQLite, `src/store/sqlite-knowledge-store.ts`);
 * nothing outside `src/store` knows which. Synchronous because the embedded store is, and search is on the hot path.
 */
export interface KnowledgeStore {
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  listFiles(): KnowledgeFileRecord[];
  chunksOf(source: string): StoredChunk[];
  /**
   * Makes `source` hold exactly `kept` (existing chunk ids, renumbered) plus `added`, in one transaction; returns the
   * ids given to `added` (in order) and the ids that were removed.
   */
  replaceFile(source: string, fileHash: string, kept: Array<{ id: number; ordinal: number; heading?: string }>, added: NewChunk[]): { addedIds: number[]; removedIds: number[] };
  /** Forgets a file and its chunks; returns the removed chunk ids. */
  removeFile(source: string): number[];
  getChunks(ids: readonly number[]): StoredChunk[];
  allChunks(): StoredChunk[];
  chunkCount(): number;
  /** BM25 over heading and text; best first. `rank` is 1-based. */
  keywordSearch(terms: readonly string[], limit: number): Array<{ id: number; rank: number; bm25: number }>;
  /** How many chunks contain a term (for IDF), cached per store. */
  documentFrequency(term: string): number;
  /** Deletes every file, chunk and keyword entry (meta stays): before a rebuild. */
  clear(): void;
  close(): void;
}
