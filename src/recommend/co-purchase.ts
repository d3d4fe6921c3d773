import { buildNeighbourLists, type NeighbourLists } from './neighbours.js';

/** Baskets as compressed rows of distinct product indices: basket b holds items[offsets[b] .. offsets[b + 1]). */
export interface Baskets {
  offsets: Int32Array;
  items: Int32Array;
}

export interface CoPurchaseOptions {
  neighbours: number;
  shrinkage: number;
  maxBasketSize: number;
}

/**
 * Item-to-item co-purchase similarity over baskets: a weighted cosine, shrunk towards zero when few baskets back it.
 *
 * Each basket counts 1 / ln(1 + size): a 300-line wholesale restock says much less about "bought together" than a
 * 3-item order, but is not worthless (1 / size would all but erase bulk buyers). The cosine divides by both items'
 * weighted basket counts so best-sellers do not neighbour everything, and × n / (n + shrinkage) (n = raw number of
 * shared baskets) keeps a pair seen once from outranking a pair seen fifty times.
 *
 * @example
 * const lists = buildCoPurchaseNeighbours(baskets, productCount, { neighbours: 50, shrinkage: 5, maxBasketSize: 500 });
 */
export function buildCoPurchaseNeighbours(baskets: Baskets, productCount: number, options: CoPurchaseOptions): NeighbourLists {
  const basketCount = baskets.offsets.length - 1;
  const basketWeight = new Float64Array(basketCount);
  const itemWeight = new Float64Array(productCount);
  const itemBasketCount = new Int32Array(productCount + 1);
  for (let basket = 0; basket < basketCount; basket++) {
    const size = baskets.offsets[basket + 1]! - baskets.offsets[basket]!;
    // Single-item baskets carry no pair; oversized ones are skipped to bound the O(size²) pair count.
    if (size < 2 || size > options.maxBasketSize) continue;
    basketWeight[basket] = 1 / Math.log(1 + size);
    for (let position = baskets.offsets[basket]!; position < baskets.offsets[basket + 1]!; position++) {
      const item = baskets.items[position]!;
      itemWeight[item]! += basketWeight[basket]!;
      itemBasketCount[item + 1]!++;
    }
  }
  // Inverse index: which baskets each item is in.
  for (let item = 0; item < productCount; item++) itemBasketCount[item + 1]! += itemBasketCount[item]!;
  const itemBasketOffsets = itemBasketCount;
  const itemBaskets = new Int32Array(itemBasketOffsets[productCount]!);
  const cursor = itemBasketOffsets.slice(0, productCount);
  for (let basket = 0; basket < basketCount; basket++) {
    if (basketWeight[basket] === 0) continue;
    for (let position = baskets.offsets[basket]!; position < baskets.offsets[basket + 1]!; position++) {
      const item = baskets.items[position]!;
      itemBaskets[cursor[item]!++] = basket;
    }
  }

  const shared = new Float64Array(productCount);
  const sharedCount = new Int32Array(productCount);
  const touched = new Int32Array(productCount);
  return buildNeighbourLists(productCount, options.neighbours, (item, rowIds, rowScores) => {
    let touchedCount = 0;
    for (let index = itemBasketOffsets[item]!; index < itemBasketOffsets[item + 1]!; index++) {
      const basket = itemBaskets[index]!;
      const weight = basketWeight[basket]!;
      for (let position = baskets.offsets[basket]!; position < baskets.offsets[basket + 1]!; position++) {
        const other = baskets.items[position]!;
        if (other === item) continue;
        if (sharedCount[other] === 0) touched[touchedCount++] = other;
        shared[other]! += weight;
        sharedCount[other]!++;
      }
    }
    for (let index = 0; index < touchedCount; index++) {
      const other = touched[index]!;
      const count = sharedCount[other]!;
      rowIds[index] = other;
      rowScores[index] = (shared[other]! / Math.sqrt(itemWeight[item]! * itemWeight[other]!)) * (count / (count + options.shrinkage));
      shared[other] = 0;
      sharedCount[other] = 0;
    }
    return touchedCount;
  });
}
