import { sentenceVector } from '../knowledge/embeddings/sentence-vector.js';
import type { WordVectors } from '../knowledge/embeddings/word-vectors.js';
import { charNgrams, wordTokens } from './text.js';

/** A sparse feature vector: parallel arrays of feature indices and values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface FeatureOptions {
  /** Largest word n-gram (1 = words only). Default 2. */
  maxWordNgram?: number;
  /** Character n-gram lengths inside word boundaries. Default [3, 5]; [0, 0] turns them off. */
  charNgramRange?: [number, number];
  /** Weight of each L2-normalised block in the concatenated vector. */
  wordWeight?: number;
  charWeight?: number;
  /** Weight of the SIF-averaged word-vector block (needs word vectors). Default 1. */
  vectorWeight?: number;
  /** SIF smoothing for the word-vector block. Default 1e-3. */
  sifSmoothing?: number;
  /**
   * Weight of the "similar training words" block: each token also votes, by cosine similarity, for its nearest
   * words in the training vocabulary, so "reimbursed" fires the features of "refund" when the examples never said
   * "reimbursed". Default 1; needs word vectors.
   */
  neighbourWeight?: number;
  /** How many similar training words each token votes for. Default 3. */
  neighbourCount?: number;
  /** Cosine similarity below which a word is not similar. Default 0.5. */
  neighbourMinSimilarity?: number;
}

interface Neighbours {
  anchors: number[];
  similarities: number[];
}

interface Extracted {
  tokens: string[];
  words: Map<string, number>;
  chars: Map<string, number>;
}

/**
 * Turns text into sublinear TF-IDF features over word 1–2-grams and character 3–5-grams, each block L2-normalised,
 * plus an optional dense block: the SIF-weighted average of the words' vectors. Char n-grams carry misspellings and
 * word forms; word vectors carry synonyms the training phrases never used, which matters most with few examples.
 */
export class TextFeaturizer {
  readonly dimension: number;
  private readonly vectorOffset: number;
  private readonly neighbourOffset: number;
  private readonly scratch: Float32Array;
  private anchorMatrix = new Float32Array(0);
  private anchorIdf = new Float32Array(0);
  private anchorCount = 0;
  private readonly neighbourCache = new Map<string, Neighbours>();

  private constructor(
    private readonly vocabulary: Map<string, number>,
    private readonly idf: Float32Array,
    private readonly options: Required<FeatureOptions>,
    private readonly wordVectors: WordVectors | undefined,
  ) {
    this.vectorOffset = vocabulary.size;
    this.neighbourOffset = vocabulary.size + (wordVectors && options.vectorWeight > 0 ? wordVectors.dimensions : 0);
    this.scratch = new Float32Array(wordVectors?.dimensions ?? 0);
    this.buildAnchors();
    this.dimension = this.neighbourOffset + this.anchorCount;
  }

  static fit(texts: readonly string[], options: FeatureOptions = {}, wordVectors?: WordVectors): TextFeaturizer {
    const resolved: Required<FeatureOptions> = {
      maxWordNgram: options.maxWordNgram ?? 2,
      charNgramRange: options.charNgramRange ?? [3, 5],
      wordWeight: options.wordWeight ?? 1,
      charWeight: options.charWeight ?? 1,
      vectorWeight: options.vectorWeight ?? 1,
      sifSmoothing: options.sifSmoothing ?? 1e-3,
      neighbourWeight: options.neighbourWeight ?? 1,
      neighbourCount: options.neighbourCount ?? 3,
      neighbourMinSimilarity: options.neighbourMinSimilarity ?? 0.5,
    };
    const documentFrequency = new Map<string, number>();
    for (const text of texts) {
      const { words, chars } = extract(text, resolved);
      for (const key of words.keys()) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
      for (const key of chars.keys()) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
    }
    const vocabulary = new Map<string, number>();
    const idf = new Float32Array(documentFrequency.size);
    // Sorted keys: the feature numbering (and so training) does not depend on the order of the examples.
    for (const key of [...documentFrequency.keys()].sort()) {
      const index = vocabulary.size;
      vocabulary.set(key, index);
      idf[index] = Math.log((1 + texts.length) / (1 + documentFrequency.get(key)!)) + 1;
    }
    return new TextFeaturizer(vocabulary, idf, resolved, wordVectors);
  }

  /** The training words that have a vector: the targets of the "similar training words" block. */
  private buildAnchors(): void {
    if (!this.wordVectors || this.options.neighbourWeight <= 0) return;
    const dimensions = this.wordVectors.dimensions;
    const words: string[] = [];
    for (const key of this.vocabulary.keys()) {
      if (key.startsWith('w:') && !key.includes(' ') && this.wordVectors.rank(key.slice(2)) !== -1) words.push(key.slice(2));
    }
    this.anchorMatrix = new Float32Array(words.length * dimensions);
    this.anchorIdf = new Float32Array(words.length);
    words.forEach((word, anchor) => {
      this.anchorMatrix.set(this.wordVectors!.vector(word)!, anchor * dimensions);
      this.anchorIdf[anchor] = this.idf[this.vocabulary.get(`w:${word}`)!];
    });
    this.anchorCount = words.length;
  }

  /** The training words most similar to `token` (cached: a token costs one pass over the anchors the first time). */
  private neighboursOf(token: string): Neighbours {
    const cached = this.neighbourCache.get(token);
    if (cached) return cached;
    const vector = this.wordVectors!.vector(token);
    const found: Neighbours = { anchors: [], similarities: [] };
    if (vector) {
      const dimensions = vector.length;
      const { neighbourCount: count, neighbourMinSimilarity: minimum } = this.options;
      for (let anchor = 0; anchor < this.anchorCount; anchor++) {
        let similarity = 0;
        const offset = anchor * dimensions;
        for (let d = 0; d < dimensions; d++) similarity += vector[d] * this.anchorMatrix[offset + d];
        if (similarity < minimum) continue;
        if (found.anchors.length === count && similarity <= found.similarities[count - 1]) continue;
        let position = Math.min(found.anchors.length, count - 1);
        while (position > 0 && found.similarities[position - 1] < similarity) position--;
        found.anchors.splice(position, 0, anchor);
        found.similarities.splice(position, 0, similarity);
        found.anchors.length = Math.min(found.anchors.length, count);
        found.similarities.length = found.anchors.length;
      }
    }
    // Bounded, so that a stream of never-seen words cannot grow memory without limit.
    if (this.neighbourCache.size < 200_000) this.neighbourCache.set(token, found);
    return found;
  }

  transform(text: string): SparseVector {
    const { tokens, words, chars } = extract(text, this.options);
    const indices: number[] = [];
    const values: number[] = [];
    this.addBlock(words, this.options.wordWeight, indices, values);
    this.addBlock(chars, this.options.charWeight, indices, values);
    if (this.anchorCount > 0) this.addNeighbourBlock(tokens, indices, values);
    if (this.neighbourOffset > this.vectorOffset && this.wordVectors) {
      if (sentenceVector(tokens, this.wordVectors, this.scratch, this.options.sifSmoothing) > 0) {
        for (let d = 0; d < this.scratch.length; d++) {
          indices.push(this.vectorOffset + d);
          values.push(this.scratch[d] * this.options.vectorWeight);
        }
      }
    }
    return { indices: Int32Array.from(indices), values: Float32Array.from(values) };
  }

  private addNeighbourBlock(tokens: readonly string[], indices: number[], values: number[]): void {
    const votes = new Map<number, number>();
    for (const token of tokens) {
      const { anchors, similarities } = this.neighboursOf(token);
      for (let i = 0; i < anchors.length; i++) votes.set(anchors[i], (votes.get(anchors[i]) ?? 0) + similarities[i]);
    }
    const start = values.length;
    let norm = 0;
    for (const [anchor, vote] of votes) {
      const value = vote * this.anchorIdf[anchor];
      indices.push(this.neighbourOffset + anchor);
      values.push(value);
      norm += value * value;
    }
    if (norm === 0) return;
    const scale = this.options.neighbourWeight / Math.sqrt(norm);
    for (let i = start; i < values.length; i++) values[i] *= scale;
  }

  private addBlock(counts: Map<string, number>, weight: number, indices: number[], values: number[]): void {
    if (weight === 0) return;
    const start = values.length;
    let norm = 0;
    for (const [key, count] of counts) {
      const index = this.vocabulary.get(key);
      if (index === undefined) continue;
      const value = (1 + Math.log(count)) * this.idf[index];
      indices.push(index);
      values.push(value);
      norm += value * value;
    }
    if (norm === 0) return;
    const scale = weight / Math.sqrt(norm);
    for (let i = start; i < values.length; i++) values[i] *= scale;
  }
}

function extract(text: string, options: Required<FeatureOptions>): Extracted {
  const tokens = wordTokens(text);
  const words = new Map<string, number>();
  const chars = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (let n = 1; n <= options.maxWordNgram; n++) {
    for (let start = 0; start + n <= tokens.length; start++) add(words, `w:${tokens.slice(start, start + n).join(' ')}`);
  }
  const [minChar, maxChar] = options.charNgramRange;
  if (minChar > 0) charNgrams(tokens, minChar, maxChar, (gram) => add(chars, `c:${gram}`));
  return { tokens, words, chars };
}

/** Dot product of two sparse vectors whose indices are not necessarily sorted (b is scattered into a dense buffer). */
export function sparseDot(a: SparseVector, dense: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.indices.length; i++) sum += a.values[i] * dense[a.indices[i]];
  return sum;
}
