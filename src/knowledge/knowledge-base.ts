import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSqliteKnowledgeStore } from '../store/sqlite-knowledge-store.js';
import type { Embedder } from './embedder.js';
import type { KnowledgeStore, NewChunk } from './knowledge-store.js';
import { slugify, type FaqEntry } from './message-router.js';
import { listKnowledgeFiles, loadKnowledgeFile } from './loaders/index.js';
import { looksLikeInstructions } from './suspicious.js';
import { contentTerms } from './terms.js';
import type { KnowledgeChunk, LoadWarning, Passage, StoredChunk } from './types.js';
import { VectorIndex } from './vector-index.js';

export interface IngestProgress {
  phase: 'reading' | 'embedding' | 'saving';
  done: number;
  total: number;
  source?: string;
}

export interface IngestSummary {
  /** Knowledge files found (catalogs, pages, FAQ lists, text, HTML); other files are skipped or warned about. */
  files: number;
  filesChanged: number;
  filesRemoved: number;
  chunksAdded: number;
  chunksUnchanged: number;
  chunksRemoved: number;
  /** Texts sent to the embedder in this run. */
  embedded: number;
  warnings: LoadWarning[];
  seconds: number;
  /** Why everything was rebuilt, when it was (first run, another embedder, a missing or stale index). */
  rebuiltBecause?: string;
  embedderId: string;
}

export interface SearchOptions {
  /** Passages to return (default 5). */
  limit?: number;
  /** How vector and keyword results are combined (default 'rrf', chosen by measurement: docs/knowledge.md). */
  fusion?: 'rrf' | 'blend' | 'vector' | 'keyword';
  /** Candidates taken from each side before fusing (default 20). */
  candidates?: number;
}

export interface KnowledgeBaseOptions {
  /** FRONTDESK_DATA_DIR: the database is `<data>/knowledge.db`, the vectors `<data>/knowledge/vectors.hnsw`. */
  dataDirectory: string;
  embedder: Embedder;
}

/** Reciprocal rank fusion constant (Cormack et al. 2009): 60 is the usual value and was not worse here. */
const RRF_K = 60;

const hashOf = (value: string | Buffer) => createHash('sha256').update(value).digest('hex');
const chunkHash = (chunk: KnowledgeChunk) => hashOf(JSON.stringify([chunk.kind, chunk.heading ?? '', chunk.text, chunk.searchText, chunk.faq ?? null, chunk.url ?? '']));

/**
 * The knowledge base on disk: chunk metadata and BM25 in SQLite, vectors in hnswlib, both under the data folder.
 * `ingest` brings it up to date with a knowledge folder, re-embedding only what changed; `search` is hybrid.
 *
 * @example
 * const knowledge = openKnowledgeBase({ dataDirectory: '.data', embedder: await createEmbedder(process.env) });
 * const summary = await knowledge.ingest('knowledge');
 * const passages = await knowledge.search('how much is shipping?');
 */
export class KnowledgeBase {
  readonly store: KnowledgeStore;
  readonly embedder: Embedder;
  private index: VectorIndex;
  private readonly indexPath: string;
  private readonly sidecarPath: string;
  private staleReason: string | undefined;

  constructor(options: KnowledgeBaseOptions) {
    this.embedder = options.embedder;
    const folder = join(options.dataDirectory, 'knowledge');
    mkdirSync(folder, { recursive: true });
    this.indexPath = join(folder, 'vectors.hnsw');
    this.sidecarPath = join(folder, 'vectors.json');
    this.store = createSqliteKnowledgeStore({ file: join(options.dataDirectory, 'knowledge.db') });
    const builtWith = this.store.getMeta('embedder');
    const dimensions = Number(this.store.getMeta('dimensions') ?? 0);
    const generation = this.store.getMeta('generation');
    const sidecar = existsSync(this.sidecarPath) ? (JSON.parse(readFileSync(this.sidecarPath, 'utf8')) as { generation?: string }) : {};
    const loaded = builtWith === this.embedder.id && dimensions === this.embedder.dimensions ? VectorIndex.load(this.indexPath, dimensions) : undefined;
    if (builtWith === undefined) this.staleReason = 'first ingest';
    else if (builtWith !== this.embedder.id || dimensions !== this.embedder.dimensions) this.staleReason = `the embedder changed (${builtWith}, ${dimensions} dimensions → ${this.embedder.id}, ${this.embedder.dimensions} dimensions)`;
    else if (!loaded) this.staleReason = 'the vector index is missing or unreadable';
    // The index file and the database are written one after the other; a crash between them leaves different generations.
    else if (sidecar.generation !== generation) this.staleReason = 'the vector index and the database are from different runs';
    this.index = !this.staleReason && loaded ? loaded : VectorIndex.create(this.embedder.dimensions);
  }

  /** Whether search can be used before an ingest (an index built by this embedder exists). */
  get isReady(): boolean {
    return this.staleReason === undefined;
  }

  get size(): number {
    return this.store.chunkCount();
  }

  /**
   * Brings the knowledge base up to date with `directory`: new and changed files are loaded and only their new or
   * changed chunks embedded; chunks of deleted files are removed. Everything is rebuilt when the embedder changed.
   */
  async ingest(directory: string, options: { onProgress?: (progress: IngestProgress) => void } = {}): Promise<IngestSummary> {
    const started = performance.now();
    const progress = options.onProgress ?? (() => undefined);
    const rebuiltBecause = this.staleReason;
    if (rebuiltBecause) {
      this.store.clear();
      this.index = VectorIndex.create(this.embedder.dimensions);
      rmSync(this.indexPath, { force: true });
    }
    const summary: IngestSummary = { files: 0, filesChanged: 0, filesRemoved: 0, chunksAdded: 0, chunksUnchanged: 0, chunksRemoved: 0, embedded: 0, warnings: [], seconds: 0, rebuiltBecause, embedderId: this.embedder.id };
    const known = new Map(this.store.listFiles().map((file) => [file.source, file]));
    const files = existsSync(directory) ? listKnowledgeFiles(directory) : [];
    if (!existsSync(directory)) summary.warnings.push({ source: directory, message: 'the knowledge folder does not exist; nothing to ingest. Create it, or set FRONTDESK_KNOWLEDGE_DIR.' });
    const seen = new Set<string>();
    let isChanged = Boolean(rebuiltBecause);

    for (const [position, file] of files.entries()) {
      progress({ phase: 'reading', done: position, total: files.length, source: file.source });
      let bytes: Buffer | undefined;
      try {
        bytes = await readFile(file.path);
      } catch {
        bytes = undefined; // loadKnowledgeFile reads again and turns the error into a warning naming the file
      }
      const fileHash = bytes ? hashOf(bytes) : '';
      const previous = known.get(file.source);
      if (previous && bytes && previous.fileHash === fileHash) {
        seen.add(file.source);
        summary.files++;
        summary.chunksUnchanged += previous.chunkCount;
        continue;
      }
      const loaded = await loadKnowledgeFile(file, bytes);
      summary.warnings.push(...loaded.warnings);
      if (!loaded.isKnowledge) continue;
      seen.add(file.source);
      summary.files++;
      summary.filesChanged++;
      const existing = new Map<string, StoredChunk[]>();
      for (const chunk of this.store.chunksOf(file.source)) existing.set(chunk.contentHash, [...(existing.get(chunk.contentHash) ?? []), chunk]);
      const kept: Array<{ id: number; ordinal: number; heading?: string }> = [];
      const added: NewChunk[] = [];
      loaded.chunks.forEach((chunk, ordinal) => {
        const contentHash = chunkHash(chunk);
        const reusable = existing.get(contentHash)?.shift();
        if (reusable) kept.push({ id: reusable.id, ordinal, heading: chunk.heading });
        else {
          const isSuspicious = looksLikeInstructions(chunk.searchText);
          if (isSuspicious) summary.warnings.push({ source: file.source, message: `${chunk.heading ? `"${chunk.heading}"` : 'a passage'} reads like instructions to the assistant (a possible prompt injection); it is never used in answers. Rewrite it as information for customers.` });
          added.push({ chunk, contentHash, ordinal, isSuspicious });
        }
      });
      let vectors: number[][] = [];
      if (added.length > 0) {
        progress({ phase: 'embedding', done: position, total: files.length, source: file.source });
        try {
          vectors = await this.embedder.embeddings.embedDocuments(added.map((entry) => entry.chunk.searchText));
          if (vectors.length !== added.length || vectors.some((vector) => vector.length !== this.embedder.dimensions)) {
            throw new Error(`the embedder returned ${vectors.length} vectors of ${vectors[0]?.length ?? 0} dimensions for ${added.length} texts (expected ${this.embedder.dimensions})`);
          }
        } catch (error) {
          // The file keeps its previous chunks and hash, so the next ingest tries it again.
          summary.warnings.push({ source: file.source, message: `could not be embedded (${(error as Error).message}); its previous version stays in use and the next ingest retries it.` });
          continue;
        }
        summary.embedded += added.length;
      }
      const { addedIds, removedIds } = this.store.replaceFile(file.source, fileHash, kept, added);
      for (const id of removedIds) this.index.remove(id);
      addedIds.forEach((id, index) => this.index.add(id, vectors[index]!));
      summary.chunksAdded += addedIds.length;
      summary.chunksUnchanged += kept.length;
      summary.chunksRemoved += removedIds.length;
      isChanged = true;
    }

    for (const source of known.keys()) {
      if (seen.has(source)) continue;
      const removed = this.store.removeFile(source);
      for (const id of removed) this.index.remove(id);
      summary.chunksRemoved += removed.length;
      summary.filesRemoved++;
      isChanged = true;
    }

    if (isChanged || !existsSync(this.indexPath)) {
      progress({ phase: 'saving', done: files.length, total: files.length });
      const generation = randomUUID();
      this.index.save(this.indexPath);
      writeFileSync(this.sidecarPath, JSON.stringify({ generation, embedder: this.embedder.id, dimensions: this.embedder.dimensions }));
      this.store.setMeta('embedder', this.embedder.id);
      this.store.setMeta('dimensions', String(this.embedder.dimensions));
      this.store.setMeta('generation', generation);
    }
    this.staleReason = undefined;
    progress({ phase: 'saving', done: files.length, total: files.length });
    summary.seconds = (performance.now() - started) / 1000;
    return summary;
  }

  /**
   * Hybrid search: vector kNN and BM25 keyword results, fused. Passages come back best first with their scores,
   * source file and heading path.
   */
  async search(query: string, options: SearchOptions = {}): Promise<Passage[]> {
    const limit = options.limit ?? 5;
    const candidates = options.candidates ?? 20;
    const fusion = options.fusion ?? 'rrf';
    const terms = contentTerms(query).slice(0, 16);
    const vectorHits = fusion === 'keyword' ? [] : this.index.search(await this.embedder.embeddings.embedQuery(query), candidates);
    const keywordHits = fusion === 'vector' ? [] : this.store.keywordSearch(terms, candidates);
    const entries = new Map<number, { score: number; vectorSimilarity?: number; vectorRank?: number; keywordRank?: number; bm25?: number }>();
    const entry = (id: number) => {
      let found = entries.get(id);
      if (!found) entries.set(id, (found = { score: 0 }));
      return found;
    };
    vectorHits.forEach((hit, index) => Object.assign(entry(hit.label), { vectorSimilarity: hit.similarity, vectorRank: index + 1 }));
    keywordHits.forEach((hit) => Object.assign(entry(hit.id), { keywordRank: hit.rank, bm25: hit.bm25 }));
    const maxBm25 = Math.max(0, ...keywordHits.map((hit) => hit.bm25));
    const similarities = vectorHits.map((hit) => hit.similarity);
    const minSimilarity = Math.min(...similarities);
    const maxSimilarity = Math.max(...similarities);
    for (const value of entries.values()) {
      if (fusion === 'rrf') value.score = (value.vectorRank ? 1 / (RRF_K + value.vectorRank) : 0) + (value.keywordRank ? 1 / (RRF_K + value.keywordRank) : 0);
      else if (fusion === 'vector') value.score = value.vectorSimilarity ?? 0;
      else if (fusion === 'keyword') value.score = value.bm25 ?? 0;
      else {
        const vectorPart = value.vectorSimilarity === undefined || maxSimilarity <= minSimilarity ? 0 : (value.vectorSimilarity - minSimilarity) / (maxSimilarity - minSimilarity);
        const keywordPart = value.bm25 === undefined || maxBm25 === 0 ? 0 : value.bm25 / maxBm25;
        value.score = 0.5 * vectorPart + 0.5 * keywordPart;
      }
    }
    const best = [...entries].sort((a, b) => b[1].score - a[1].score).slice(0, limit);
    const chunks = new Map(this.store.getChunks(best.map(([id]) => id)).map((chunk) => [chunk.id, chunk]));
    return best
      .filter(([id]) => chunks.has(id))
      .map(([id, value]): Passage => {
        const chunk = chunks.get(id)!;
        return {
          chunkId: id,
          source: chunk.source,
          kind: chunk.kind,
          heading: chunk.heading,
          text: chunk.text,
          faq: chunk.faq,
          url: chunk.url,
          score: value.score,
          vectorSimilarity: value.vectorSimilarity,
          vectorRank: value.vectorRank,
          keywordRank: value.keywordRank,
          isSuspicious: chunk.isSuspicious,
          searchText: chunk.searchText,
        };
      });
  }

  /** Every FAQ entry, for the router to learn (suspicious entries excluded: they must not steer routing either). */
  faqEntries(): FaqEntry[] {
    return this.faqChunks().map(({ entry }) => entry);
  }

  /** The stored chunk of an FAQ entry, by the id the router gives it. */
  faqChunk(id: string): StoredChunk | undefined {
    return this.faqChunks().find(({ entry }) => entry.id === id)?.chunk;
  }

  private faqCache: { generation: string | undefined; entries: Array<{ entry: FaqEntry; chunk: StoredChunk }> } | undefined;
  private faqChunks(): Array<{ entry: FaqEntry; chunk: StoredChunk }> {
    const generation = this.store.getMeta('generation');
    if (this.faqCache && this.faqCache.generation === generation) return this.faqCache.entries;
    const entries = this.store
      .allChunks()
      .filter((chunk) => chunk.kind === 'faq' && chunk.faq && !chunk.isSuspicious)
      .map((chunk) => ({ chunk, entry: { id: `${chunk.source}#${slugify(chunk.faq!.question)}`, question: chunk.faq!.question, paraphrases: chunk.faq!.paraphrases, source: chunk.source } }));
    this.faqCache = { generation, entries };
    return entries;
  }

  /**
   * The business's own web hosts, from the URLs and email addresses in its knowledge: the only hosts an LLM answer
   * may link to.
   */
  hosts(): string[] {
    const hosts = new Set<string>();
    for (const chunk of this.store.allChunks()) {
      if (chunk.isSuspicious) continue;
      const text = `${chunk.text}\n${chunk.url ?? ''}`;
      for (const match of text.matchAll(/https?:\/\/([a-z0-9.-]+)/gi)) hosts.add(match[1]!.toLowerCase());
      for (const match of text.matchAll(/[a-z0-9._%+-]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi)) hosts.add(match[1]!.toLowerCase());
    }
    return [...hosts].sort();
  }

  close(): void {
    this.store.close();
  }
}

export function openKnowledgeBase(options: KnowledgeBaseOptions): KnowledgeBase {
  return new KnowledgeBase(options);
}
