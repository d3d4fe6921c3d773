/** One held-out in-scope question seen during calibration (cross-validation: its example was left out of training). */
export interface CalibrationPoint {
  /** The model's (fused) class scores for the question. */
  logits: Float64Array;
  /** Index of the true label. */
  label: number;
  /** Similarity of the question to the training examples of the predicted label (0..1). */
  support: number;
  /** Similarity of the question to its nearest training example of any (candidate) label (0..1). */
  nearest: number;
  /** Share of the question's informative words that the predicted label's training questions cover (0..1). */
  coverage?: number;
}

/** Maps the model's raw outputs to a probability that the top label is right. */
export interface Calibration {
  temperature: number;
  /** Logistic combination: sigmoid(a · logit(p) + b · support + c), p = top softmax probability at `temperature`. */
  a: number;
  b: number;
  c: number;
  threshold: number;
  /**
   * Novelty line: a question whose nearest training example is less similar than this gets its confidence scaled
   * below `threshold` (refused). 0 turns the test off.
   */
  minNearest: number;
  /** Coverage line: a question whose informative words the chosen label covers less than this is refused. 0 = off. */
  minCoverage: number;
  /** Weight of the nearest-example similarity in the class scores (chosen on the held-out folds; 0 = linear model only). */
  knnWeight: number;
  /** Share of correctly answered held-out questions the threshold refuses (the target it was set for). */
  targetRefusalRate: number;
  /** Held-out questions the calibration saw, and the share of them the model got right before the threshold. */
  heldOutCount: number;
  heldOutAccuracy: number;
  /** Set when there was too little data to calibrate and defaults were used. */
  isFallback: boolean;
}

/** Used when the data are too small to hold anything out: the confidence is the support alone. */
export const FALLBACK_CALIBRATION: Calibration = {
  temperature: 1,
  a: 0,
  b: 8,
  c: -4,
  threshold: 0.5,
  minNearest: 0,
  minCoverage: 0,
  knnWeight: 0,
  targetRefusalRate: Number.NaN,
  heldOutCount: 0,
  heldOutAccuracy: Number.NaN,
  isFallback: true,
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const clampProbability = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));

/** Top probability of softmax(logits / temperature) and its index. */
export function topProbability(logits: Float64Array, temperature: number): { index: number; probability: number } {
  let index = 0;
  for (let c = 1; c < logits.length; c++) if (logits[c] > logits[index]) index = c;
  let sum = 0;
  for (let c = 0; c < logits.length; c++) sum += Math.exp((logits[c] - logits[index]) / temperature);
  return { index, probability: 1 / sum };
}

/** The calibrated confidence for one prediction. */
export function confidenceOf(calibration: Calibration, probability: number, support: number, nearest = support, coverage = 1): number {
  const p = clampProbability(probability);
  const confidence = sigmoid(calibration.a * Math.log(p / (1 - p)) + calibration.b * support + calibration.c);
  // Beyond the novelty line the confidence is capped below the threshold, in proportion to the distance (so it
  // still rises with the evidence, and `confidence < threshold` stays the one refusal rule).
  let capped = confidence;
  if (nearest < calibration.minNearest) capped = Math.min(capped, (0.999 * calibration.threshold * Math.max(0, nearest)) / calibration.minNearest);
  if (coverage < calibration.minCoverage) capped = Math.min(capped, (0.999 * calibration.threshold * Math.max(0, coverage)) / calibration.minCoverage);
  return capped;
}

/**
 * Fits the calibration from held-out in-scope questions only (no out-of-scope data, real or pseudo):
 * 1. temperature scaling (minimum negative log-likelihood of the true label), so that the ranked scores are honest
 *    probabilities;
 * 2. a three-parameter logistic regression that predicts "the top label is right" from the tempered top probability
 *    and the support (similarity to the nearest training example of that label); mistakes are the negatives;
 * 3. the threshold: the `targetRefusalRate` quantile of the confidence of the correctly answered held-out questions
 *    (split-conformal style), so about that share of good answers is refused, whatever the data set;
 * 4. the novelty line `minNearest`: the `noveltyRefusalRate` quantile of the similarity of the correctly answered
 *    held-out questions to their nearest training example. Near-sibling questions are caught by (3); real strangers
 *    ("tell me a joke about penguins") by (4), because they are far from every training question even when the
 *    softmax happens to be peaked.
 */
export function fitCalibration(
  points: readonly CalibrationPoint[],
  settings: { targetRefusalRate?: number; noveltyRefusalRate?: number; coverageRefusalRate?: number; knnWeight?: number } = {},
): Calibration {
  const { targetRefusalRate = 0.02, noveltyRefusalRate = 0.01, knnWeight = 0 } = settings;
  const coverageRefusalRate = settings.coverageRefusalRate ?? noveltyRefusalRate;
  if (points.length < 10) return FALLBACK_CALIBRATION;
  const temperature = fitTemperature(points);
  const samples = points.map((point) => {
    const { index, probability } = topProbability(point.logits, temperature);
    const p = clampProbability(probability);
    return { x1: Math.log(p / (1 - p)), x2: point.support, isRight: point.label === index };
  });
  const rightCount = samples.filter((sample) => sample.isRight).length;
  if (rightCount < 5) return FALLBACK_CALIBRATION;
  const rows = samples.map((sample): [number, number, number] => [sample.x1, sample.x2, sample.isRight ? 1 : 0]);
  let [a, b, c] = fitLogistic(rows);
  // Confidence must never fall as the probability or the support rises. On a handful of points the fit can come out
  // with a negative slope (noise); then that input is dropped and the other refitted alone. With no mistakes at all
  // (a perfect held-out score), the fit is flat and says nothing: use the support alone.
  if (b < 0) [a, b, c] = fitLogistic(rows.map(([x1, , y]): [number, number, number] => [x1, 0, y]));
  if (a < 0) [a, b, c] = fitLogistic(rows.map(([, x2, y]): [number, number, number] => [0, x2, y]));
  if (a < 0 || b < 0 || (a === 0 && b === 0) || rightCount === samples.length) {
    [a, b, c] = [FALLBACK_CALIBRATION.a, FALLBACK_CALIBRATION.b, FALLBACK_CALIBRATION.c];
  }
  const rightConfidences = samples
    .filter((sample) => sample.isRight)
    .map((sample) => sigmoid(a * sample.x1 + b * sample.x2 + c))
    .sort((x, y) => x - y);
  const rightNearest = points
    .filter((_, i) => samples[i].isRight)
    .map((point) => point.nearest)
    .sort((x, y) => x - y);
  return {
    temperature,
    a,
    b,
    c,
    threshold: lowerQuantile(rightConfidences, targetRefusalRate),
    minNearest: lowerQuantile(rightNearest, noveltyRefusalRate),
    minCoverage: points.some((point) => point.coverage === undefined)
      ? 0
      : lowerQuantile(points.filter((_, i) => samples[i].isRight).map((point) => point.coverage!).sort((x, y) => x - y), coverageRefusalRate),
    knnWeight,
    targetRefusalRate,
    heldOutCount: samples.length,
    heldOutAccuracy: rightCount / samples.length,
    isFallback: false,
  };
}

/**
 * The q-quantile of sorted values by linear interpolation between order statistics (position q × (n − 1)), so a
 * small calibration set still gets a threshold between its lowest values rather than none at all.
 */
function lowerQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0 || q <= 0) return 0;
  const position = Math.min(1, q) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(sorted.length - 1, lower + 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

function fitTemperature(points: readonly CalibrationPoint[]): number {
  const negativeLogLikelihood = (temperature: number) => {
    let total = 0;
    for (const point of points) {
      let max = -Infinity;
      for (const value of point.logits) if (value > max) max = value;
      let sum = 0;
      for (const value of point.logits) sum += Math.exp((value - max) / temperature);
      total += Math.log(sum) - (point.logits[point.label] - max) / temperature;
    }
    return total;
  };
  // Golden-section search over log(temperature): the likelihood is unimodal in it for practical purposes.
  let low = Math.log(0.05);
  let high = Math.log(20);
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let step = 0; step < 40; step++) {
    const left = high - ratio * (high - low);
    const right = low + ratio * (high - low);
    if (negativeLogLikelihood(Math.exp(left)) < negativeLogLikelihood(Math.exp(right))) high = right;
    else low = left;
  }
  return Math.exp((low + high) / 2);
}

/** Logistic regression with two inputs and a bias, by Newton's method (with step halving) and a small ridge penalty. */
function fitLogistic(rows: ReadonlyArray<[number, number, number]>): [number, number, number] {
  const ridge = 1e-2;
  const loss = (w: number[]) => {
    let total = (ridge / 2) * (w[0] * w[0] + w[1] * w[1]);
    for (const [x1, x2, y] of rows) {
      const z = w[0] * x1 + w[1] * x2 + w[2];
      // log(1 + e^z) - y z, written to stay finite for large |z|.
      total += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y * z;
    }
    return total;
  };
  let weights = [0, 0, 0];
  let current = loss(weights);
  for (let iteration = 0; iteration < 100; iteration++) {
    const gradient = [ridge * weights[0], ridge * weights[1], 0];
    const hessian = [
      [ridge, 0, 0],
      [0, ridge, 0],
      [0, 0, 1e-6],
    ];
    for (const [x1, x2, y] of rows) {
      const input = [x1, x2, 1];
      const p = sigmoid(weights[0] * x1 + weights[1] * x2 + weights[2]);
      for (let i = 0; i < 3; i++) {
        gradient[i] += (p - y) * input[i];
        for (let j = 0; j < 3; j++) hessian[i][j] += p * (1 - p) * input[i] * input[j];
      }
    }
    const step = solve3(hessian, gradient);
    if (!step) break;
    let size = 1;
    let candidate = weights.map((weight, i) => weight - step[i]);
    let candidateLoss = loss(candidate);
    while (!(candidateLoss <= current) && size > 1e-6) {
      size /= 2;
      candidate = weights.map((weight, i) => weight - size * step[i]);
      candidateLoss = loss(candidate);
    }
    if (!(candidateLoss <= current)) break;
    const improvement = current - candidateLoss;
    weights = candidate;
    current = candidateLoss;
    if (improvement < 1e-9 * Math.max(1, current)) break;
  }
  return weights as [number, number, number];
}

function solve3(matrix: number[][], vector: number[]): number[] | undefined {
  const m = matrix.map((row, i) => [...row, vector[i]]);
  for (let column = 0; column < 3; column++) {
    let pivot = column;
    for (let row = column + 1; row < 3; row++) if (Math.abs(m[row][column]) > Math.abs(m[pivot][column])) pivot = row;
    if (Math.abs(m[pivot][column]) < 1e-12) return undefined;
    [m[column], m[pivot]] = [m[pivot], m[column]];
    for (let row = 0; row < 3; row++) {
      if (row === column) continue;
      const factor = m[row][column] / m[column][column];
      for (let k = column; k < 4; k++) m[row][k] -= factor * m[column][k];
    }
  }
  return m.map((row, i) => row[3] / m[i][i]);
}
