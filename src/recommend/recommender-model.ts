import { FrontdeskError } from '../errors.js';
import { buildCoPurchaseNeighbours } from './co-purchase.js';
import { buildTextNeighbours, buildVectorNeighbours } from './content-similarity.js';
import type { NeighbourLists } from './neighbours.js';
import { selectTopK } from './top-k.js';
import type { CatalogProduct, Recommendation, RecommendationRequest, RecommendationSource, Recommender, RecommenderOptions, SignalWeights } from './types.js';

const dayMs = 86_400_000;

/**
 * The blend when there is too little data to tune it, from first principles rather than fitted to one data set: what
 * a customer buys again outweighs anything new, co-purchase is the reference signal for "new", popularity is a
 * strong prior, and product text helps when baskets are thin. With no history or seeds, popularity alone decides.
 */
export const defaultWeights: SignalWeights = { history: 2, copurchase: 1, content: 0.25, popular: 0.5 };

interface CustomerHistory {
  /** Product indices, strongest first. */
  items: Int32Array;
  /** Recency-weighted number of invoices with the product, same order. */
  weights: Float64Array;
  invoiceCounts: Int32Array;
}

/** The scoring core with the blend weights chosen per request: shared by the recommender and its weight tuning. */
export interface RecommenderModel {
  /** `regular` when the request uses a purchase history and wants repeats; `discovery` otherwise. */
  recommend(request: RecommendationRequest, weights: { regular: SignalWeights; discovery: SignalWeights }): Recommendation[];
}

/** Indexes products and purchases and precomputes neighbour lists and popularity: everything but the blend weights. */
export function createRecommenderModel(options: RecommenderOptions): RecommenderModel {
  const { products, purchases } = options;
  const neighbourCount = options.neighbours ?? 50;
  const historyHalfLifeDays = options.historyHalfLifeDays ?? 90;
  const popularityHalfLifeDays = options.popularityHalfLifeDays ?? 30;
  const maxHistoryAnchors = options.maxHistoryAnchors ?? 200;

  const productIndex = new Map<string, number>();
  products.forEach((product, index) => {
    if (productIndex.has(product.id)) {
      throw new FrontdeskError('config_invalid', `Product id "${product.id}" appears twice in the catalog given to buildRecommender. Ids must be unique; merge or rename the duplicate.`);
    }
    productIndex.set(product.id, index);
  });
  const productCount = products.length;

  let nowMs = options.now?.getTime() ?? -Infinity;
  if (!options.now) for (const line of purchases) nowMs = Math.max(nowMs, line.at.getTime());
  if (!Number.isFinite(nowMs)) nowMs = 0;
  const decay = (atMs: number, halfLifeDays: number) => Math.pow(0.5, Math.max(0, nowMs - atMs) / (halfLifeDays * dayMs));

  // Group lines into invoices (distinct products) and customers. Lines for products not in the catalog are ignored:
  // they could never be recommended, and a stale catalog should not fail the build.
  const invoices = new Map<string, { customerId: string; atMs: number; items: Set<number> }>();
  for (const line of purchases) {
    const product = productIndex.get(line.productId);
    if (product === undefined || !(line.quantity > 0)) continue;
    let invoice = invoices.get(line.invoiceId);
    if (!invoice) invoices.set(line.invoiceId, (invoice = { customerId: line.customerId, atMs: line.at.getTime(), items: new Set() }));
    invoice.atMs = Math.min(invoice.atMs, line.at.getTime());
    invoice.items.add(product);
  }

  const basketOffsets = new Int32Array(invoices.size + 1);
  const basketItems: number[] = [];
  const historyWeights = new Map<string, Map<number, { weight: number; invoiceCount: number }>>();

  // Popularity counts each customer once per product (at their latest purchase of it), so one wholesaler re-ordering
  // weekly does not make an item "popular".
  const latestPurchase = new Map<string, Map<number, number>>();
  let basket = 0;
  for (const invoice of invoices.values()) {
    const sorted = [...invoice.items].sort((a, b) => a - b);
    basketItems.push(...sorted);
    basketOffsets[++basket] = basketItems.length;
    let customerWeights = historyWeights.get(invoice.customerId);
    if (!customerWeights) historyWeights.set(invoice.customerId, (customerWeights = new Map()));
    let customerLatest = latestPurchase.get(invoice.customerId);
    if (!customerLatest) latestPurchase.set(invoice.customerId, (customerLatest = new Map()));
    const invoiceWeight = decay(invoice.atMs, historyHalfLifeDays);
    for (const item of sorted) {
      const entry = customerWeights.get(item);
      if (entry) { entry.weight += invoiceWeight; entry.invoiceCount++; } else customerWeights.set(item, { weight: invoiceWeight, invoiceCount: 1 });
      customerLatest.set(item, Math.max(customerLatest.get(item) ?? -Infinity, invoice.atMs));
    }
  }

  const histories = new Map<string, CustomerHistory>();
  for (const [customerId, entries] of historyWeights) {
    const sorted = [...entries].sort((a, b) => b[1].weight - a[1].weight || a[0] - b[0]);
    histories.set(customerId, {
      items: Int32Array.from(sorted, ([item]) => item),
      weights: Float64Array.from(sorted, ([, entry]) => entry.weight),
      invoiceCounts: Int32Array.from(sorted, ([, entry]) => entry.invoiceCount),
    });
  }

  const popularity = new Float64Array(productCount);
  for (const customerLatest of latestPurchase.values()) {
    for (const [item, atMs] of customerLatest) popularity[item]! += decay(atMs, popularityHalfLifeDays);
  }
  const isAvailable = (index: number) => products[index]!.stock > 0;
  // Best first, so cold-start requests walk a short prefix instead of scoring the whole catalog.
  const byPopularity = Int32Array.from(selectTopK(Int32Array.from({ length: productCount }, (_, index) => index), popularity, productCount, productCount)).filter(isAvailable);
  const maxPopularity = byPopularity.length ? popularity[byPopularity[0]!]! : 0;

  const coPurchase = buildCoPurchaseNeighbours({ offsets: basketOffsets, items: Int32Array.from(basketItems) }, productCount, {
    neighbours: neighbourCount,
    shrinkage: options.coPurchaseShrinkage ?? 5,
    maxBasketSize: options.maxBasketSize ?? 500,
  });
  const content = options.contentVectors && options.contentVectors.size > 0
    ? buildVectorNeighbours(products, options.contentVectors, neighbourCount)
    : buildTextNeighbours(products, neighbourCount);

  // Scratch space reused by every request: allocation-free scoring keeps p99 flat. Safe because recommend() is
  // synchronous, so two requests never interleave.
  const coPurchaseScore = new Float64Array(productCount);
  const contentScore = new Float64Array(productCount);
  const historyScore = new Float64Array(productCount);
  const coPurchaseAnchor = new Int32Array(productCount).fill(-1);
  const coPurchaseBest = new Float64Array(productCount);
  const contentAnchor = new Int32Array(productCount).fill(-1);
  const contentBest = new Float64Array(productCount);
  const historyIndex = new Int32Array(productCount).fill(-1);
  const isCandidate = new Uint8Array(productCount);
  const isExcluded = new Uint8Array(productCount);
  const isSeed = new Uint8Array(productCount);
  const candidates = new Int32Array(productCount);
  const keptItems = new Int32Array(productCount);

  return {
    recommend(request: RecommendationRequest, weightSets: { regular: SignalWeights; discovery: SignalWeights }): Recommendation[] {
      const limit = Math.max(0, Math.min(100, Math.floor(request.limit ?? 10)));
      if (limit === 0 || productCount === 0) return [];
      let candidateCount = 0;
      const addCandidate = (item: number) => {
        if (!isCandidate[item]) { isCandidate[item] = 1; candidates[candidateCount++] = item; }
      };
      const excludedList: number[] = [];
      const exclude = (item: number) => { if (!isExcluded[item]) { isExcluded[item] = 1; excludedList.push(item); } };

      // Anchors: the products the request is "about". Seeds count fully; past purchases by their recency-weighted
      // frequency relative to the customer's strongest one.
      const anchors: Array<{ item: number; weight: number; isOwn: boolean }> = [];
      const seedList: number[] = [];
      for (const id of request.seedProductIds ?? []) {
        const item = productIndex.get(id);
        if (item === undefined || isSeed[item]) continue;
        isSeed[item] = 1; seedList.push(item);
        anchors.push({ item, weight: 1, isOwn: false });
        exclude(item);
      }
      for (const id of request.excludeProductIds ?? []) {
        const item = productIndex.get(id);
        if (item !== undefined) exclude(item);
      }
      // Consent gate: without useHistory the customer's purchases are not looked up at all, so nothing below can
      // depend on them (onlyNew included: it cannot be honoured without reading what they bought).
      const history = request.useHistory && request.customerId !== undefined ? histories.get(request.customerId) : undefined;
      if (history) {
        // Guard: purchases so old that every decayed weight underflowed to 0 would otherwise divide by zero.
        const topWeight = history.weights[0]! || 1;
        for (let position = 0; position < history.items.length; position++) {
          const item = history.items[position]!;
          historyIndex[item] = position;
          if (request.onlyNew) { exclude(item); } else { historyScore[item] = history.weights[position]! / topWeight; addCandidate(item); }
          if (position < maxHistoryAnchors && !isSeed[item]) anchors.push({ item, weight: history.weights[position]! / topWeight, isOwn: true });
        }
      }

      const weights = history && !request.onlyNew ? weightSets.regular : weightSets.discovery;
      const spread = (lists: NeighbourLists, scores: Float64Array, bestAnchor: Int32Array, best: Float64Array) => {
        for (let anchorIndex = 0; anchorIndex < anchors.length; anchorIndex++) {
          const { item, weight } = anchors[anchorIndex]!;
          for (let position = lists.offsets[item]!; position < lists.offsets[item + 1]!; position++) {
            const other = lists.ids[position]!;
            const contribution = weight * lists.similarities[position]!;
            scores[other]! += contribution;
            if (contribution > best[other]!) { best[other] = contribution; bestAnchor[other] = anchorIndex; }
            addCandidate(other);
          }
        }
      };
      if (weights.copurchase > 0) spread(coPurchase, coPurchaseScore, coPurchaseAnchor, coPurchaseBest);
      if (weights.content > 0) spread(content, contentScore, contentAnchor, contentBest);

      const passes = (item: number) => {
        const product = products[item]!;
        return product.stock > 0 && !isExcluded[item]
          && (request.category === undefined || product.category === request.category)
          && (request.maxPrice === undefined || product.price <= request.maxPrice)
          && (request.minPrice === undefined || product.price >= request.minPrice);
      };
      // Popular items join as candidates so a thin history or a narrow filter still fills the list.
      let popularAdded = 0;
      for (let position = 0; position < byPopularity.length && popularAdded < limit * 3; position++) {
        const item = byPopularity[position]!;
        if (passes(item)) { addCandidate(item); popularAdded++; }
      }

      // Each signal is scaled to [0, 1] over the candidates that pass the filters, so the weights mean the same for a
      // customer with 3 past products as for one with 3,000.
      let maxCoPurchase = 0, maxContent = 0, maxHistory = 0;
      let kept = 0;
      for (let index = 0; index < candidateCount; index++) {
        const item = candidates[index]!;
        if (!passes(item)) continue;
        keptItems[kept++] = item;
        maxCoPurchase = Math.max(maxCoPurchase, coPurchaseScore[item]!);
        maxContent = Math.max(maxContent, contentScore[item]!);
        maxHistory = Math.max(maxHistory, historyScore[item]!);
      }
      const contributionOf = (item: number, source: RecommendationSource) => {
        switch (source) {
          case 'history': return maxHistory > 0 ? (weights.history * historyScore[item]!) / maxHistory : 0;
          case 'copurchase': return maxCoPurchase > 0 ? (weights.copurchase * coPurchaseScore[item]!) / maxCoPurchase : 0;
          case 'content': return maxContent > 0 ? (weights.content * contentScore[item]!) / maxContent : 0;
          case 'popular': return maxPopularity > 0 ? (weights.popular * popularity[item]!) / maxPopularity : 0;
        }
      };
      const sourceNames: RecommendationSource[] = ['history', 'copurchase', 'content', 'popular'];
      const finalScores = new Float64Array(kept);
      for (let index = 0; index < kept; index++) {
        const item = keptItems[index]!;
        let score = 0;
        for (const source of sourceNames) score += contributionOf(item, source);
        finalScores[index] = score;
      }
      const chosen = selectTopK(keptItems, finalScores, kept, limit);

      const results = chosen.map((position): Recommendation => {
        const item = keptItems[position]!;
        const score = finalScores[position]!;
        const ranked = sourceNames
          .map((source) => ({ source, contribution: contributionOf(item, source) }))
          .filter(({ contribution }) => contribution > 0 && contribution >= 0.1 * score)
          .sort((a, b) => b.contribution - a.contribution);
        const sources = ranked.length ? ranked.map(({ source }) => source) : (['popular'] as RecommendationSource[]);
        return { productId: products[item]!.id, score, reason: explain(item, sources[0]!), sources };
      });

      function explain(item: number, source: RecommendationSource): string {
        switch (source) {
          case 'history': {
            const times = history!.invoiceCounts[historyIndex[item]!]!;
            return times > 1 ? `you bought this ${times} times before` : 'you bought this before';
          }
          case 'copurchase': {
            const anchor = anchors[coPurchaseAnchor[item]!]!;
            return `often bought with ${anchor.isOwn ? 'your ' : ''}${products[anchor.item]!.name}`;
          }
          case 'content': return `similar to ${products[anchors[contentAnchor[item]!]!.item]!.name}`;
          case 'popular': {
            const category = products[item]!.category;
            return category ? `popular this month in ${category}` : 'popular this month';
          }
        }
      }

      // Reset only what this request touched: every touched product is in `candidates`.
      for (let index = 0; index < candidateCount; index++) {
        const item = candidates[index]!;
        isCandidate[item] = 0;
        coPurchaseScore[item] = 0; coPurchaseBest[item] = 0; coPurchaseAnchor[item] = -1;
        contentScore[item] = 0; contentBest[item] = 0; contentAnchor[item] = -1;
        historyScore[item] = 0;
      }
      for (const item of excludedList) isExcluded[item] = 0;
      for (const item of seedList) isSeed[item] = 0;
      if (history) for (let position = 0; position < history.items.length; position++) historyIndex[history.items[position]!] = -1;
      return results;
    },
  };
}

