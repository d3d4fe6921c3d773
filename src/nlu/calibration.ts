/** One held-out question seen during calibration. */
export interface CalibrationPoint {
  /** The model's logits for the question. */
  logits: Float64Array;
  /** Index of the true label, or -1 for a pseudo out-of-scope question (its category was held out of training). */
  label: number;
  /** Similarity of the question to the training examples of the predicted label (0..1). */
  support: number;
}

/** Maps the model's raw outputs to a probability that the top label is right. */
export interface Calibration {
  temperature: number;
  /** Logistic combination: sigmoid(a · logit(p) + b · support + c), p = top softmax probability at `temperature`. */
  a: number;
  b: number;
  c: number;
  threshold: number;
  /** Set when there was too little data to calibrate and defaults were used. */
  isFallback: boolean;
}

/** Used when the data are too small to hold anything out: the confidence is the support alone. */
export const FALLBACK_CALIBRATION: Calibration = { temperature: 1, a: 0, b: 8, c: -4, threshold: 0.5, isFallback: true };

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
export function confidenceOf(calibration: Calibration, probability: number, support: number): number {
  const p = clampProbability(probability);
  return sigmoid(calibration.a * Math.log(p / (1 - p)) + calibration.b * support + calibration.c);
}

/**
 * Fits the calibration from held-out questions without any real out-of-scope data:
 * 1. temperature scaling on the in-scope points (minimum negative log-likelihood of the true label), so that
 *    the ranked scores are honest probabilities;
 * 2. a three-parameter logistic regression that predicts "the top label is right" from the tempered top probability
 *    and the support, with pseudo out-of-scope points (held-out categories) and mistakes as negatives;
 * 3. the threshold on that confidence that maximises in-scope accuracy (right and accepted) plus `refusalWeight` ×
 *    pseudo out-of-scope rejection. Held-out categories are siblings of the trained ones (harder to tell apart than
 *    a real stranger's question), so weighting them fully (1) refuses too many good questions; 0.5 is the default.
 */
export function fitCalibration(points: readonly CalibrationPoint[], refusalWeight = 0.5): Calibration {
  const inScope = points.filter((point) => point.label >= 0);
  const outOfScope = points.filter((point) => point.label < 0);
  if (inScope.length < 3 || outOfScope.length < 2) return FALLBACK_CALIBRATION;
  const temperature = fitTemperature(inScope);
  const samples = points.map((point) => {
    const { index, probability } = topProbability(point.logits, temperature);
    const p = clampProbability(probability);
    return { x1: Math.log(p / (1 - p)), x2: point.support, isRight: point.label === index, isInScope: point.label >= 0 };
  });
  if (!samples.some((sample) => sample.isRight)) return FALLBACK_CALIBRATION;
  const rows = samples.map((sample): [number, number, number] => [sample.x1, sample.x2, sample.isRight ? 1 : 0]);
  let [a, b, c] = fitLogistic(rows);
  // Confidence must never fall as the probability or the support rises. On a handful of points the fit can come out
  // with a negative slope (noise); then that input is dropped and the other refitted alone.
  if (b < 0) [a, b, c] = fitLogistic(rows.map(([x1, , y]): [number, number, number] => [x1, 0, y]));
  if (a < 0) [a, b, c] = fitLogistic(rows.map(([, x2, y]): [number, number, number] => [0, x2, y]));
  if (a < 0 || b < 0) return FALLBACK_CALIBRATION;
  const scored = samples.map((sample) => ({ ...sample, confidence: sigmoid(a * sample.x1 + b * sample.x2 + c) }));
  return { temperature, a, b, c, threshold: balancedThreshold(scored, refusalWeight), isFallback: false };
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

function balancedThreshold(samples: ReadonlyArray<{ confidence: number; isRight: boolean; isInScope: boolean }>, refusalWeight: number): number {
  const inScopeCount = samples.filter((sample) => sample.isInScope).length;
  const outOfScopeCount = samples.length - inScopeCount;
  const sorted = [...samples].sort((x, y) => x.confidence - y.confidence);
  // Threshold t accepts confidence ≥ t. Start by accepting everything, then raise t past one sample at a time.
  let rightAccepted = samples.filter((sample) => sample.isRight).length;
  let outOfScopeRejected = 0;
  let best = { score: rightAccepted / inScopeCount, threshold: 0 };
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i].isRight) rightAccepted--;
    if (!sorted[i].isInScope) outOfScopeRejected++;
    if (i + 1 < sorted.length && sorted[i + 1].confidence === sorted[i].confidence) continue;
    const score = rightAccepted / inScopeCount + refusalWeight * (outOfScopeRejected / outOfScopeCount);
    const threshold = i + 1 < sorted.length ? (sorted[i].confidence + sorted[i + 1].confidence) / 2 : sorted[i].confidence + 1e-6;
    if (score > best.score) best = { score, threshold };
  }
  return best.threshold;
}
