import { FrontdeskError } from '../errors.js';
import type { CatalogProduct } from './types.js';
import { buildNeighbourLists, type NeighbourLists } from './neighbours.js';

// Words that appear in product text without saying what the product is.
const stopWords = new Set(['a', 'an', 'and', 'the', 'of', 'for', 'with', 'in', 'on', 'to', 'by', 'or', 'is', 'it', 'this', 'that', 'your', 'our', 'from', 'at', 'as']);

/** Lower-cased word tokens of a product's text, stop words and single characters dropped. */
export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((token) => token.length > 1 && !stopWords.has(token));
}

/**
 * Content neighbours from a TF-IDF cosine over name, category, description and tags: the fallback when no embedder
 * vectors are given. The name counts twice because it is the most specific text a catalog has. Scored through an
 * inverted index, so the cost grows with shared words rather than with products².
 *
 * @example
 * const lists = buildTextNeighbours(products, 50);
 */
export function buildTextNeighbours(products: CatalogProduct[], neighbours: number): NeighbourLists {
  const termIds = new Map<string, number>();
  const documents = products.map((product) => {
    const counts = new Map<number, number>();
    const add = (text: string | undefined, weight: number) => {
      for (const token of tokenize(text ?? '')) {
        let termId = termIds.get(token);
        if (termId === undefined) termIds.set(token, (termId = termIds.size));
        counts.set(termId, (counts.get(termId) ?? 0) + weight);
      }
    };
    add(product.name, 2);
    add(product.category, 1);
    add(product.description, 1);
    for (const tag of product.tags ?? []) add(tag, 1);
    return counts;
  });
  const documentFrequency = new Int32Array(termIds.size);
  for (const counts of documents) for (const termId of counts.keys()) documentFrequency[termId]!++;
  // Sublinear tf, smoothed idf, L2-normalised rows: the usual TF-IDF cosine.
  const rows = documents.map((counts) => {
    const terms = [...counts.keys()].sort((a, b) => a - b);
    const weights = terms.map((termId) => (1 + Math.log(counts.get(termId)!)) * Math.log((1 + products.length) / (1 + documentFrequency[termId]!)));
    const norm = Math.hypot(...weights) || 1;
    return { terms, weights: weights.map((weight) => weight / norm) };
  });
  const postings: Array<Array<[product: number, weight: number]>> = Array.from({ length: termIds.size }, () => []);
  rows.forEach((row, product) => row.terms.forEach((termId, index) => postings[termId]!.push([product, row.weights[index]!])));

  const dot = new Float64Array(products.length);
  const touched = new Int32Array(products.length);
  const isTouched = new Uint8Array(products.length);
  return buildNeighbourLists(products.length, neighbours, (product, rowIds, rowScores) => {
    let touchedCount = 0;
    const row = rows[product]!;
    row.terms.forEach((termId, index) => {
      const weight = row.weights[index]!;
      for (const [other, otherWeight] of postings[termId]!) {
        if (other === product) continue;
        if (!isTouched[other]) { isTouched[other] = 1; touched[touchedCount++] = other; }
        dot[other]! += weight * otherWeight;
      }
    });
    for (let index = 0; index < touchedCount; index++) {
      const other = touched[index]!;
      rowIds[index] = other;
      rowScores[index] = dot[other]!;
      dot[other] = 0;
      isTouched[other] = 0;
    }
    return touchedCount;
  });
}

/**
 * Content neighbours from the knowledge embedder's L2-normalised vectors (dot product = cosine). Products without a
 * vector get no content neighbours. Brute force, O(products² × dimensions): seconds for a few thousand products.
 *
 * @example
 * const lists = buildVectorNeighbours(products, new Map([['p1', [0.6, 0.8]]]), 50);
 */
export function buildVectorNeighbours(products: CatalogProduct[], vectors: Map<string, number[]>, neighbours: number): NeighbourLists {
  const dimensions = vectors.values().next().value?.length ?? 0;
  const matrix = new Float32Array(products.length * dimensions);
  const hasVector = new Uint8Array(products.length);
  products.forEach((product, index) => {
    const vector = vectors.get(product.id);
    if (!vector) return;
    if (vector.length !== dimensions) {
      throw new FrontdeskError('config_invalid', `contentVectors["${product.id}"] has ${vector.length} dimensions but others have ${dimensions}. All vectors must come from the same embedder; re-embed the catalog.`);
    }
    hasVector[index] = 1;
    matrix.set(vector, index * dimensions);
  });
  return buildNeighbourLists(products.length, neighbours, (product, rowIds, rowScores) => {
    if (!hasVector[product]) return 0;
    let count = 0;
    const base = product * dimensions;
    for (let other = 0; other < products.length; other++) {
      if (other === product || !hasVector[other]) continue;
      const otherBase = other * dimensions;
      let sum = 0;
      for (let dimension = 0; dimension < dimensions; dimension++) sum += matrix[base + dimension]! * matrix[otherBase + dimension]!;
      rowIds[count] = other;
      rowScores[count++] = sum;
    }
    return count;
  });
}
