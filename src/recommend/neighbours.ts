import { selectTopK } from './top-k.js';

/** Each product's nearest products, compressed-row: product i's neighbours are ids[offsets[i] .. offsets[i + 1]). */
export interface NeighbourLists {
  offsets: Int32Array;
  ids: Int32Array;
  similarities: Float32Array;
}

/**
 * Collects per-product top-k lists into one compressed structure. `scoreRow(i, ids, scores)` fills candidate
 * neighbours of product i and returns how many it wrote; the arrays are reused across rows to avoid garbage.
 */
export function buildNeighbourLists(
  productCount: number,
  k: number,
  scoreRow: (product: number, ids: Int32Array, scores: Float64Array) => number,
): NeighbourLists {
  const rowIds = new Int32Array(productCount);
  const rowScores = new Float64Array(productCount);
  const offsets = new Int32Array(productCount + 1);
  const ids: number[] = [];
  const similarities: number[] = [];
  for (let product = 0; product < productCount; product++) {
    const count = scoreRow(product, rowIds, rowScores);
    const positions = selectTopK(rowIds, rowScores, count, k);
    for (const position of positions) {
      if (rowScores[position]! <= 0) continue;
      ids.push(rowIds[position]!);
      similarities.push(rowScores[position]!);
    }
    offsets[product + 1] = ids.length;
  }
  return { offsets, ids: Int32Array.from(ids), similarities: Float32Array.from(similarities) };
}
