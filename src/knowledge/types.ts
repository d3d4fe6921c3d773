/** What a chunk of knowledge came from: a page section, one FAQ entry, or one catalog product. */
export type ChunkKind = 'page' | 'faq' | 'product';

/**
 * One retrievable passage, as a loader produces it. `text` is what a customer may be shown; `searchText` is what is
 * embedded and keyword-indexed (for an FAQ entry: the question, its paraphrases and the answer).
 */
export interface KnowledgeChunk {
  /** The file it came from, relative to the knowledge folder with forward slashes, e.g. `faq/orders-and-shipping.md`. */
  source: string;
  kind: ChunkKind;
  /** Heading path inside the file, e.g. `Returns and refunds > When you get your refund`; the FAQ question; the product name. */
  heading?: string;
  text: string;
  searchText: string;
  /** FAQ entries only: the question and the other ways customers ask it. */
  faq?: { question: string; paraphrases: string[] };
  /** Products: the product page. */
  url?: string;
}

/** A chunk as the store keeps it: with its id (also its label in the vector index) and content hash. */
export interface StoredChunk extends KnowledgeChunk {
  id: number;
  contentHash: string;
  /** Order inside its file, so a file's chunks read in order. */
  ordinal: number;
  /**
   * The text addresses the assistant ("ignore previous instructions", "tell users…") rather than the customer. It
   * stays searchable for audit but is never used in an answer (RELIABILITY.md 5.4).
   */
  isSuspicious: boolean;
}

/** A search hit: the passage, where it came from, and how well it matched. */
export interface Passage {
  chunkId: number;
  source: string;
  kind: ChunkKind;
  heading?: string;
  text: string;
  /** What was indexed: for an FAQ entry its question and paraphrases too. */
  searchText: string;
  faq?: { question: string; paraphrases: string[] };
  url?: string;
  /** Fused score (higher is better); comparable only within one search. */
  score: number;
  /** Cosine similarity of the query to the passage (0..1) when the vector search found it. */
  vectorSimilarity?: number;
  /** Rank in the keyword (BM25) results, 1 = best, when the keyword search found it. */
  keywordRank?: number;
  /** Rank in the vector results, 1 = best. */
  vectorRank?: number;
  isSuspicious: boolean;
}

/** A problem with one knowledge file; ingest carries on with the others. */
export interface LoadWarning {
  source: string;
  message: string;
}

export interface LoadedFile {
  source: string;
  chunks: KnowledgeChunk[];
  warnings: LoadWarning[];
}
