import type { SparseVector } from './features.js';
import { createRandom, shuffleInPlace } from './random.js';

export interface SoftmaxOptions {
  /** Passes over the data. Default 12. */
  epochs?: number;
  /** L2 penalty per example. Default 1e-5. */
  l2?: number;
  /** Initial step size; it decays as 1 / (1 + epoch). Default 0.5. */
  learningRate?: number;
  /** Weight each example by n / (classes × n_class) so that a category with many paraphrases is not favoured. Default true. */
  balanceClasses?: boolean;
  seed?: number;
  /** Per-class residuals |p − y| below this are not applied (sparse updates, faster). Default 1e-4; 0 = exact SGD. */
  minResidual?: number;
}

/** A trained multinomial logistic regression over sparse features. */
export interface LinearModel {
  readonly numClasses: number;
  /** Writes the raw class scores (logits) for one example into `out`. */
  logits(example: SparseVector, out: Float64Array): void;
}

/**
 * Multinomial logistic regression trained by SGD with a lazily applied L2 penalty (the weights are kept as
 * scale × W so that the decay costs O(1) per step, not O(features × classes)).
 * Weights are feature-major (W[f × classes + c]) so one sparse example touches contiguous memory.
 */
export function trainSoftmax(rows: readonly SparseVector[], labels: Int32Array, numFeatures: number, numClasses: number, options: SoftmaxOptions = {}): LinearModel {
  const epochs = options.epochs ?? 12;
  const l2 = options.l2 ?? 1e-5;
  const learningRate = options.learningRate ?? 0.5;
  const random = createRandom(options.seed ?? 1);
  const weights = new Float32Array(numFeatures * numClasses);
  const bias = new Float64Array(numClasses);
  const probabilities = new Float64Array(numClasses);
  const active = new Int32Array(numClasses);
  const gradients = new Float64Array(numClasses);
  const minResidual = options.minResidual ?? 1e-4;
  const classCounts = new Float64Array(numClasses);
  for (const label of labels) classCounts[label]++;
  const presentClasses = classCounts.filter((count) => count > 0).length;
  const exampleWeight = (label: number) =>
    options.balanceClasses === false ? 1 : rows.length / (presentClasses * classCounts[label]);
  let scale = 1;
  const order = rows.map((_, index) => index);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleInPlace(order, random);
    const step = learningRate / (1 + epoch);
    for (const index of order) {
      const row = rows[index];
      const label = labels[index];
      computeLogits(row, weights, bias, scale, numClasses, probabilities);
      softmaxInPlace(probabilities);
      const weight = exampleWeight(label) * step;
      // Decay first (W_true *= 1 - step × l2), then the gradient step on the decayed weights.
      scale *= 1 - step * l2;
      if (scale < 1e-6) {
        for (let i = 0; i < weights.length; i++) weights[i] *= scale;
        scale = 1;
      }
      // Sparse gradient: classes whose residual |p − y| is below `minResidual` are skipped. Late in training most
      // examples are classified with near-certainty, so this skips most of the 77 × features work per example.
      let activeCount = 0;
      for (let c = 0; c < numClasses; c++) {
        const residual = probabilities[c] - (c === label ? 1 : 0);
        if (residual < minResidual && residual > -minResidual) continue;
        const gradient = residual * weight;
        bias[c] -= gradient;
        active[activeCount] = c;
        gradients[activeCount++] = gradient;
      }
      if (activeCount === 0) continue;
      const update = 1 / scale;
      for (let i = 0; i < row.indices.length; i++) {
        const base = row.indices[i] * numClasses;
        const value = row.values[i] * update;
        for (let k = 0; k < activeCount; k++) weights[base + active[k]] -= gradients[k] * value;
      }
    }
  }
  for (let i = 0; i < weights.length; i++) weights[i] *= scale;
  return {
    numClasses,
    logits: (example, out) => computeLogits(example, weights, bias, 1, numClasses, out),
  };
}

function computeLogits(row: SparseVector, weights: Float32Array, bias: Float64Array, scale: number, numClasses: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < row.indices.length; i++) {
    const base = row.indices[i] * numClasses;
    const value = row.values[i];
    for (let c = 0; c < numClasses; c++) out[c] += weights[base + c] * value;
  }
  for (let c = 0; c < numClasses; c++) out[c] = out[c] * scale + bias[c];
}

/** Softmax in place, numerically stable. */
export function softmaxInPlace(values: Float64Array, temperature = 1): void {
  let max = -Infinity;
  for (const value of values) if (value > max) max = value;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    values[i] = Math.exp((values[i] - max) / temperature);
    sum += values[i];
  }
  for (let i = 0; i < values.length; i++) values[i] /= sum;
}
