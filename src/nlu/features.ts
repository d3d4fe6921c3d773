import { sentenceVector, sifWeight } from '../knowledge/embeddings/sentence-vector.js';
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
  words: Map<string, number>;
  chars: Map<string, number>;
}

/**
 * Turns text into sublinear TF-IDF features over word 1–2-grams and character 3–5-grams, each block L2-normalised,
 * plus an optional dense block: the SIF-weighted average of the words' vectors. Char n-grams carry misspellings and
 * word forms; word vectors carry synonyms the training phrases never used, which matters most with few examples.
 */
/** Anchor sets larger than this are searched through coarse clusters (approximate; exact below). */
const IVF_MIN_ANCHORS = 1500;
/** Share of the clusters scanned per first-seen word. */
const IVF_PROBE_SHARE = 0.15;

export class TextFeaturizer {
  readonly dimension: number;
  private readonly vectorOffset: number;
  private readonly neighbourOffset: number;
  private readonly scratch: Float32Array;
  private anchorMatrix = new Float32Array(0);
  private anchorIdf = new Float32Array(0);
  private anchorCount = 0;
  /** The word feature index ("w:word") of each anchor. */
  private anchorWord = new Int32Array(0);
  /**
   * Coarse clusters of the anchors for the similar-words search on large vocabularies (an inverted-file index):
   * a first-seen word is compared with the cluster centres, then only with the anchors of its nearest clusters.
   */
  private clusterCentres = new Float32Array(0);
  private clusterStart = new Int32Array(0);
  private clusterCount = 0;
  private clusterProbe = 0;
  private readonly maxIdf: number;
  private readonly featureWord: Record<number, string> = {};
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
    for (const [key, index] of vocabulary) if (key.startsWith('w:') && !key.includes(' ')) this.featureWord[index] = key.slice(2);
    this.maxIdf = idf.reduce((max, value) => Math.max(max, value), 1);
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
      const { words, chars } = extract(wordTokens(text), resolved);
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
    this.anchorCount = words.length;
    this.anchorWord = Int32Array.from(words, (word) => this.vocabulary.get(`w:${word}`)!);
    const vectorOf = (anchor: number) => this.wordVectors!.vector(words[anchor])!;
    let order = words.map((_, anchor) => anchor);
    if (words.length > IVF_MIN_ANCHORS) order = this.buildClusters(words.length, vectorOf);
    this.anchorMatrix = new Float32Array(words.length * dimensions);
    this.anchorIdf = new Float32Array(words.length);
    const anchorWord = new Int32Array(words.length);
    order.forEach((anchor, position) => {
      this.anchorMatrix.set(vectorOf(anchor), position * dimensions);
      anchorWord[position] = this.anchorWord[anchor];
      this.anchorIdf[position] = this.idf[this.anchorWord[anchor]];
    });
    this.anchorWord = anchorWord;
  }

  /**
   * Spherical k-means (√n clusters, 6 rounds, seeded by evenly spaced anchors, so deterministic) over the anchors.
   * Returns the anchors in cluster order; sets the centres and each cluster's range. A first-seen word then scans
   * the clusters whose centres are nearest, about a sixth of the anchors (measured in docs/nlu.md).
   */
  private buildClusters(count: number, vectorOf: (anchor: number) => Float32Array): number[] {
    const dimensions = this.wordVectors!.dimensions;
    const k = Math.round(Math.sqrt(count));
    const centres = new Float32Array(k * dimensions);
    for (let c = 0; c < k; c++) centres.set(vectorOf(Math.floor((c * count) / k)), c * dimensions);
    const assignment = new Int32Array(count);
    for (let round = 0; round < 6; round++) {
      for (let anchor = 0; anchor < count; anchor++) {
        const vector = vectorOf(anchor);
        let best = 0;
        let bestSimilarity = -Infinity;
        for (let c = 0; c < k; c++) {
          let similarity = 0;
          const offset = c * dimensions;
          for (let d = 0; d < dimensions; d++) similarity += vector[d] * centres[offset + d];
          if (similarity > bestSimilarity) {
            bestSimilarity = similarity;
            best = c;
          }
        }
        assignment[anchor] = best;
      }
      centres.fill(0);
      for (let anchor = 0; anchor < count; anchor++) {
        const vector = vectorOf(anchor);
        const offset = assignment[anchor] * dimensions;
        for (let d = 0; d < dimensions; d++) centres[offset + d] += vector[d];
      }
      for (let c = 0; c < k; c++) {
        let norm = 0;
        for (let d = 0; d < dimensions; d++) norm += centres[c * dimensions + d] ** 2;
        if (norm === 0) centres.set(vectorOf(Math.floor((c * count) / k)), c * dimensions); // an empty cluster restarts
        else for (let d = 0; d < dimensions; d++) centres[c * dimensions + d] /= Math.sqrt(norm);
      }
    }
    const order = Array.from({ length: count }, (_, anchor) => anchor).sort((x, y) => assignment[x] - assignment[y] || x - y);
    this.clusterStart = new Int32Array(k + 1);
    for (let anchor = 0; anchor < count; anchor++) this.clusterStart[assignment[anchor] + 1]++;
    for (let c = 0; c < k; c++) this.clusterStart[c + 1] += this.clusterStart[c];
    this.clusterCentres = centres;
    this.clusterCount = k;
    this.clusterProbe = Math.max(1, Math.ceil(k * IVF_PROBE_SHARE));
    return order;
  }

  /** Anchor ranges to scan for `vector`: everything, or the nearest clusters' ranges. */
  private rangesFor(vector: Float32Array): Array<[number, number]> {
    if (this.clusterCount === 0) return [[0, this.anchorCount]];
    const dimensions = vector.length;
    const similarities = new Float64Array(this.clusterCount);
    for (let c = 0; c < this.clusterCount; c++) {
      let similarity = 0;
      const offset = c * dimensions;
      for (let d = 0; d < dimensions; d++) similarity += vector[d] * this.clusterCentres[offset + d];
      similarities[c] = similarity;
    }
    const clusters = Array.from({ length: this.clusterCount }, (_, c) => c).sort((x, y) => similarities[y] - similarities[x] || x - y);
    return clusters.slice(0, this.clusterProbe).map((c) => [this.clusterStart[c], this.clusterStart[c + 1]]);
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
      for (const [from, to] of this.rangesFor(vector)) {
        for (let anchor = from; anchor < to; anchor++) {
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
    }
    // Bounded, so that a stream of never-seen words cannot grow memory without limit.
    if (this.neighbourCache.size < 200_000) this.neighbourCache.set(token, found);
    return found;
  }

  transform(text: string): SparseVector {
    return this.transformTokens(wordTokens(text));
  }

  /** {@link transform} of already tokenised text (see `wordTokens`). */
  transformTokens(tokens: readonly string[]): SparseVector {
    const { words, chars } = extract(tokens, this.options);
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

  /** The feature index of a word (unigram) seen in training, or -1. */
  wordFeature(token: string): number {
    return this.vocabulary.get(`w:${token}`) ?? -1;
  }

  /**
   * How much a word says about what a question is about, 0..1: its SIF weight from general English frequency
   * ("the", "me" low; "penguins" near 1) times its training IDF relative to the largest (1 for words training never
   * saw) when the word vectors know it, else its training IDF relative to the largest (a word the vectors lack and training never saw, like a typo or an order number, counts 0: it is
   * neither evidence for a label nor against it).
   */
  informativeness(token: string): number {
    const rank = this.wordVectors ? this.wordVectors.rank(token) : -1;
    const feature = this.wordFeature(token);
    // Both general English frequency (SIF) and frequency in the training questions (IDF) lower a word's weight.
    if (rank !== -1) return sifWeight(rank, this.options.sifSmoothing) * (feature === -1 ? 1 : this.idf[feature] / this.maxIdf);
    if (feature !== -1) return this.idf[feature] / this.maxIdf;
    return this.wordVectors ? 0 : 1;
  }

  /** {@link informativeness} of a training word given by its feature index. */
  featureInformativeness(feature: number): number {
    return this.informativeness(this.featureWord[feature] ?? '');
  }

  /** Training words similar to `token` (word feature indices and cosines, best first; empty without word vectors). */
  similarWords(token: string): { words: number[]; similarities: number[] } {
    if (this.anchorCount === 0) return { words: [], similarities: [] };
    const { anchors, similarities } = this.neighboursOf(token);
    return { words: anchors.map((anchor) => this.anchorWord[anchor]), similarities };
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

function extract(tokens: readonly string[], options: Required<FeatureOptions>): Extracted {
  const words = new Map<string, number>();
  const chars = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (let n = 1; n <= options.maxWordNgram; n++) {
    for (let start = 0; start + n <= tokens.length; start++) add(words, `w:${tokens.slice(start, start + n).join(' ')}`);
  }
  const [minChar, maxChar] = options.charNgramRange;
  if (minChar > 0) charNgrams(tokens, minChar, maxChar, (gram) => add(chars, `c:${gram}`));
  return { words, chars };
}

/** Dot product of two sparse vectors whose indices are not necessarily sorted (b is scattered into a dense buffer). */
export function sparseDot(a: SparseVector, dense: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.indices.length; i++) sum += a.values[i] * dense[a.indices[i]];
  return sum;
}
