import type { PurchaseLine } from '../../../src/recommend/index.js';

/** A baseline answers "10 products for this customer", optionally excluding what they bought before. */
export interface BaselineRecommender {
  recommend(customerId: string, options: { onlyNew: boolean; limit: number }): string[];
}

interface Indexed {
  ids: string[];
  index: Map<string, number>;
  /** Distinct product indices per customer (training only). */
  pastByCustomer: Map<string, number[]>;
  /** Product indices, most bought first by the chosen measure, ties by number of distinct buyers, then id. */
  popular: number[];
  popularRank: Int32Array;
}

export type PopularityMeasure = 'customers' | 'quantity' | 'lines';

function indexTraining(train: PurchaseLine[], measure: PopularityMeasure = 'customers'): Indexed {
  const ids = [...new Set(train.map((line) => line.productId))].sort();
  const index = new Map(ids.map((id, position) => [id, position]));
  const buyers = ids.map(() => new Set<string>());
  const quantity = new Float64Array(ids.length);
  const lineCount = new Float64Array(ids.length);
  const past = new Map<string, Set<number>>();
  for (const line of train) {
    const item = index.get(line.productId)!;
    buyers[item]!.add(line.customerId);
    quantity[item]! += line.quantity;
    lineCount[item]!++;
    let set = past.get(line.customerId);
    if (!set) past.set(line.customerId, (set = new Set()));
    set.add(item);
  }
  const primary = (item: number) => (measure === 'customers' ? buyers[item]!.size : measure === 'quantity' ? quantity[item]! : lineCount[item]!);
  const popular = ids.map((_, item) => item).sort((a, b) => primary(b) - primary(a) || buyers[b]!.size - buyers[a]!.size || a - b);
  const popularRank = new Int32Array(ids.length);
  popular.forEach((item, rank) => (popularRank[item] = rank));
  const pastByCustomer = new Map([...past].map(([customerId, set]) => [customerId, [...set]]));
  return { ids, index, pastByCustomer, popular, popularRank };
}

function fillFromPopular(data: Indexed, chosen: number[], banned: Set<number>, limit: number): string[] {
  const seen = new Set(chosen);
  for (const item of data.popular) {
    if (chosen.length >= limit) break;
    if (!seen.has(item) && !banned.has(item)) { chosen.push(item); seen.add(item); }
  }
  return chosen.slice(0, limit).map((item) => data.ids[item]!);
}

/**
 * Most bought items, the same list for everyone. `measure`: distinct buyers, total quantity, or purchase lines (the
 * bench uses lines: an item's number of invoice lines, about the number of invoices it is in).
 */
export function buildPopularityBaseline(train: PurchaseLine[], measure: PopularityMeasure = 'customers'): BaselineRecommender {
  const data = indexTraining(train, measure);
  return {
    recommend(customerId, { onlyNew, limit }) {
      return fillFromPopular(data, [], onlyNew ? new Set(data.pastByCustomer.get(customerId)) : new Set(), limit);
    },
  };
}

/** The customer's own past items, most popular first, then popular items. Meaningful only under "all". */
export function buildBuyAgainBaseline(train: PurchaseLine[], measure: PopularityMeasure = 'customers'): BaselineRecommender {
  const data = indexTraining(train, measure);
  return {
    recommend(customerId, { onlyNew, limit }) {
      const past = data.pastByCustomer.get(customerId) ?? [];
      const chosen = onlyNew ? [] : [...past].sort((a, b) => data.popularRank[a]! - data.popularRank[b]!);
      return fillFromPopular(data, chosen, onlyNew ? new Set(past) : new Set(), limit);
    },
  };
}

/**
 * Plain item-to-item co-occurrence: pair counts over invoices (invoices over 200 distinct items skipped), cosine
 * c(i,j) / sqrt(n(i) n(j)); a customer's score for j is the sum over their past items. Filled up with popular items.
 */
export function buildCoOccurrenceBaseline(
  train: PurchaseLine[],
  // basket 'customer' (a customer's whole history as one basket) and fill: false exist to compare with other write-ups.
  options: { measure?: PopularityMeasure; basket?: 'invoice' | 'customer'; fill?: boolean } = {},
): BaselineRecommender {
  const data = indexTraining(train, options.measure);
  const count = data.ids.length;
  const baskets = new Map<string, Set<number>>();
  for (const line of train) {
    const key = options.basket === 'customer' ? line.customerId : line.invoiceId;
    let basket = baskets.get(key);
    if (!basket) baskets.set(key, (basket = new Set()));
    basket.add(data.index.get(line.productId)!);
  }
  const pairs = new Float32Array(count * count);
  const occurrences = new Float64Array(count);
  for (const basket of baskets.values()) {
    if (basket.size > 200) continue;
    const items = [...basket];
    for (const i of items) {
      occurrences[i]!++;
      for (const j of items) if (i !== j) pairs[i * count + j]!++;
    }
  }
  // Sparse rows of cosines, so a request costs the neighbours of its items rather than the whole catalog.
  const rows = Array.from({ length: count }, (_, i) => {
    const neighbourIds: number[] = [];
    const cosines: number[] = [];
    for (let j = 0; j < count; j++) {
      const shared = pairs[i * count + j]!;
      if (shared > 0) { neighbourIds.push(j); cosines.push(shared / Math.sqrt(occurrences[i]! * occurrences[j]!)); }
    }
    return { neighbourIds: Int32Array.from(neighbourIds), cosines: Float64Array.from(cosines) };
  });
  const scores = new Float64Array(count);
  return {
    recommend(customerId, { onlyNew, limit }) {
      const past = data.pastByCustomer.get(customerId) ?? [];
      const banned = onlyNew ? new Set(past) : new Set<number>();
      const touched: number[] = [];
      for (const item of past) {
        const row = rows[item]!;
        for (let position = 0; position < row.neighbourIds.length; position++) {
          const other = row.neighbourIds[position]!;
          if (scores[other] === 0) touched.push(other);
          scores[other]! += row.cosines[position]!;
        }
      }
      const ranked = touched.filter((item) => !banned.has(item)).sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, limit);
      for (const item of touched) scores[item] = 0;
      return options.fill === false ? ranked.map((item) => data.ids[item]!) : fillFromPopular(data, ranked, banned, limit);
    },
  };
}
