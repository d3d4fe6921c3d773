import type { ProductCard } from '../message.js';
import { buildRecommender } from './recommender.js';
import { contentTerms, stem } from '../knowledge/terms.js';
import type { CatalogProduct, PurchaseLine, Recommendation } from './types.js';

/** What the `recommendProducts` service takes: the customer's own words plus anything the flow already knows. */
export interface RecommendProductsInput {
  /** The customer's request ("a helmet under $80"): category and budget are read from it when not given. */
  query?: string;
  category?: string;
  maxPrice?: number;
  minPrice?: number;
  /** Only true when the customer agreed to their purchase history being used. */
  useHistory: boolean;
  seedProductIds?: string[];
  excludeProductIds?: string[];
  limit?: number;
}

export interface RecommendProductsResult {
  cards: ProductCard[];
  category?: string;
  maxPrice?: number;
  /** Nothing to go on (no category, no seed, no usable history): ask the customer first. */
  needsPreferences: boolean;
  /** Whether the customer's purchase history was used (it needs their consent). */
  hasHistory: boolean;
  /** The product that fits the customer's words best, when the budget left it out ("a gravel bike under $1500"). */
  overBudget?: ProductCard;
  /** Whether this customer has a shop account with history, so asking for consent to use it makes sense. */
  canPersonalize: boolean;
  categories: string[];
}

export interface RecommendationServiceOptions {
  products: CatalogProduct[];
  /** The shop's purchase history, keyed by shop customer id. */
  purchases: PurchaseLine[];
  /** The shop customer a chat customer proved to be (see the order-status flow), if any. */
  shopCustomerOf: (chatCustomerId: string) => Promise<string | undefined>;
  contentVectors?: Map<string, number[]>;
  now?: Date;
  currency?: string;
}

/**
 * Content words, stemmed ("Helmets" meets "helmet"), with hyphenated words also joined ("e-bikes" is "ebike" too, as
 * in the tags). Category words and product words are read the same way.
 */
const termsOf = (text: string) => contentTerms(`${text} ${text.replace(/(\w)-(?=\w)/g, '$1')}`).map(stem);


const budgetPattern = /(?:under|below|less than|up to|max(?:imum)?|no more than|budget(?: of| is)?)\s*\$?\s*(\d+(?:\.\d+)?)/i;

/**
 * Builds the `recommendProducts` service from the catalog and purchase history: the blended recommender of
 * src/recommend, plus reading a category and a budget from the customer's words, product cards with a reason each,
 * and the consent rule: without `useHistory`, the customer's purchases are never looked up.
 *
 * @example
 * const { recommendProducts } = createRecommendationService({ products, purchases, shopCustomerOf });
 * await recommendProducts({ query: 'a helmet under $80', useHistory: false }, context);
 */
export function createRecommendationService(options: RecommendationServiceOptions) {
  const recommender = buildRecommender({ products: options.products, purchases: options.purchases, now: options.now, contentVectors: options.contentVectors });
  const byId = new Map(options.products.map((product) => [product.id, product]));
  const buyers = new Set(options.purchases.map((purchase) => purchase.customerId));
  const categories = [...new Set(options.products.map((product) => product.category))];

  // Words that point at a category, learned from the catalog itself: the category's name and the tags used by several
  // of its products but by few other categories. Nothing here is specific to the demo shop.
  const categoryWords = new Map<string, Map<string, number>>();
  const tagCategories = new Map<string, Map<string, number>>();
  for (const product of options.products) {
    for (const tag of product.tags ?? []) {
      for (const word of termsOf(tag)) {
        const counts = tagCategories.get(word) ?? new Map<string, number>();
        counts.set(product.category, (counts.get(product.category) ?? 0) + 1);
        tagCategories.set(word, counts);
      }
    }
  }
  for (const category of categories) {
    const words = new Map<string, number>();
    for (const word of termsOf(category)) words.set(word, 3);
    for (const [word, counts] of tagCategories) {
      const here = counts.get(category) ?? 0;
      if (here >= 2 && counts.size <= 2) words.set(word, Math.max(words.get(word) ?? 0, here / [...counts.values()].reduce((a, b) => a + b, 0)));
    }
    categoryWords.set(category, words);
  }

  /** The category the words name, or none when they name none or several equally ("bike" alone). */
  function categoryOf(query: string): string | undefined {
    const words = new Set(termsOf(query));
    let best: { category: string; score: number } | undefined;
    let isTied = false;
    for (const [category, weights] of categoryWords) {
      let score = 0;
      for (const word of words) score += weights.get(word) ?? 0;
      if (score > 0 && best && score === best.score) isTied = true;
      if (score > 0 && (!best || score > best.score)) {
        best = { category, score };
        isTied = false;
      }
    }
    return isTied ? undefined : best?.category;
  }

  // What the customer's own words describe ("gravel", "kids", "commuting"): the words of each product's name, category
  // and tags with their rarity, so a product with the rare words of the request ranks above one that only shares
  // "bike". Descriptions are left out: their everyday words would pick a category for "what should I buy?".
  const productTerms = options.products.map((product) => new Set(termsOf(`${product.name} ${product.category} ${(product.tags ?? []).join(' ')}`)));
  const documentFrequency = new Map<string, number>();
  for (const terms of productTerms) for (const term of terms) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  const indexOfProduct = new Map(options.products.map((product, index) => [product.id, index]));
  /**
   * "commuting", "commuter" and "commute" meet: the same stem, or a stem of five letters or more that the other word
   * extends by at most three ("water" and "waterproof" do not).
   */
  const isSameWord = (a: string, b: string) => {
    const [short, long] = a.length <= b.length ? [a, b] : [b, a];
    return short === long || (short.length >= 5 && long.length - short.length <= 3 && long.startsWith(short));
  };

  /**
   * The category of the products that best fit the words ("a helmet for my kid" is a helmet, not a kids' bike). When
   * several categories hold a best fit, the one the words name wins, else the one with the most best fits ("a bike
   * for commuting": six commuter hybrids against one tourer); a tie there picks none, so the flow asks.
   */
  function bestFitCategory(query: string, relevance: ReturnType<typeof relevanceTo>): string | undefined {
    const named = categoryOf(query);
    if (!relevance) return named;
    const best = Math.max(...relevance.scores);
    const bestFits = new Map<string, number>();
    options.products.forEach((product, index) => {
      if (relevance.scores[index]! >= best * 0.999) bestFits.set(product.category, (bestFits.get(product.category) ?? 0) + 1);
    });
    if (named && bestFits.has(named)) return named;
    // No clear winner ("a bike for my 6 year old" fits every kind of bike equally): better to ask than to guess.
    const [first, second] = [...bestFits.values()].sort((a, b) => b - a);
    return second !== undefined && second === first ? named : [...bestFits].find((entry) => entry[1] === first)![0];
  }

  /** Per product, the summed rarity (idf) of the request's words it contains, and those words. */
  function relevanceTo(query: string): { scores: Float64Array; matched: string[][] } | undefined {
    const queryTerms = termsOf(query).filter((term) => !/\d/.test(term));
    const scores = new Float64Array(options.products.length);
    const matched: string[][] = options.products.map(() => []);
    let isAnyMatch = false;
    for (const queryTerm of queryTerms) {
      const vocabulary = [...documentFrequency.keys()].filter((term) => isSameWord(term, queryTerm));
      if (vocabulary.length === 0) continue;
      const weights = new Map(vocabulary.map((term) => [term, Math.log(1 + options.products.length / documentFrequency.get(term)!)]));
      productTerms.forEach((terms, index) => {
        let best = 0;
        for (const [term, weight] of weights) if (terms.has(term)) best = Math.max(best, weight);
        if (best === 0) return;
        scores[index]! += best;
        matched[index]!.push(queryTerm);
        isAnyMatch = true;
      });
    }
    return isAnyMatch ? { scores, matched } : undefined;
  }

  const toCard = (recommendation: Recommendation): ProductCard => {
    const product = byId.get(recommendation.productId)!;
    return {
      productId: product.id,
      name: product.name,
      price: product.price,
      currency: options.currency ?? 'USD',
      reason: recommendation.reason,
      ...(product.url && /^https?:\/\//.test(product.url) && { url: product.url }),
    };
  };

  async function recommendProducts(input: RecommendProductsInput, context: { customerId: string }): Promise<RecommendProductsResult> {
    const relevance = input.query ? relevanceTo(input.query) : undefined;
    const category = input.category ?? (input.query ? bestFitCategory(input.query, relevance) : undefined);
    const budget = input.query ? budgetPattern.exec(input.query) : null;
    const maxPrice = input.maxPrice ?? (budget ? Number(budget[1]) : undefined);
    // The consent rule lives here as well as in the flow: no consent, no use of that customer's purchases.
    const linkedShopCustomer = await options.shopCustomerOf(context.customerId);
    const canPersonalize = linkedShopCustomer !== undefined && buyers.has(linkedShopCustomer);
    const shopCustomerId = input.useHistory ? linkedShopCustomer : undefined;
    const hasHistory = input.useHistory && canPersonalize;
    const seeds = input.seedProductIds?.filter((id) => byId.has(id)) ?? [];
    if (!category && seeds.length === 0 && !hasHistory) {
      return { cards: [], needsPreferences: true, hasHistory, canPersonalize, categories, ...(maxPrice !== undefined && { maxPrice }) };
    }
    const limit = input.limit ?? 3;
    const request = { customerId: hasHistory ? shopCustomerId : undefined, useHistory: hasHistory, seedProductIds: seeds, category, maxPrice, minPrice: input.minPrice, excludeProductIds: input.excludeProductIds };
    const recommendations = relevance ? rankByRequest(recommender.recommend({ ...request, limit: Math.max(50, limit) }), relevance, request, limit) : recommender.recommend({ ...request, limit });
    // Only for a budget the customer just stated: after "something cheaper" the flow sets it, and the point is moot.
    const overBudget = relevance && maxPrice !== undefined && input.maxPrice === undefined ? bestFitOverBudget(relevance, recommendations, { category, maxPrice, excluded: new Set([...seeds, ...(input.excludeProductIds ?? [])]) }) : undefined;
    return { cards: recommendations.map(toCard), needsPreferences: false, hasHistory, canPersonalize, categories, ...(category && { category }), ...(maxPrice !== undefined && { maxPrice }), ...(overBudget && { overBudget }) };
  }

  /** In stock, in the category asked for (if any) and not excluded: what the recommender would also consider. */
  const isOffered = (product: CatalogProduct, category: string | undefined, excluded: Set<string>) => product.stock > 0 && !excluded.has(product.id) && (!category || product.category === category);

  /**
   * Puts the products the request's words describe first: relevance (scaled to the best) plus a quarter of the
   * recommender's own score (scaled the same way), so its signals order the products that fit equally well. The
   * candidates are the recommender's and every offered product in the price range that contains one of the words.
   */
  function rankByRequest(
    recommended: Recommendation[],
    relevance: { scores: Float64Array; matched: string[][] },
    request: { seedProductIds: string[]; category?: string; maxPrice?: number; minPrice?: number; excludeProductIds?: string[] },
    limit: number,
  ): Recommendation[] {
    const excluded = new Set([...request.seedProductIds, ...(request.excludeProductIds ?? [])]);
    const byProduct = new Map(recommended.map((recommendation) => [recommendation.productId, recommendation]));
    options.products.forEach((product, index) => {
      if (byProduct.has(product.id) || relevance.scores[index]! === 0 || !isOffered(product, request.category, excluded)) return;
      if ((request.maxPrice !== undefined && product.price > request.maxPrice) || (request.minPrice !== undefined && product.price < request.minPrice)) return;
      byProduct.set(product.id, { productId: product.id, score: 0, reason: `matches what you asked for: ${relevance.matched[index]!.join(', ')}`, sources: [] });
    });
    const candidates = [...byProduct.values()];
    const maxRelevance = Math.max(...candidates.map((candidate) => relevance.scores[indexOfProduct.get(candidate.productId)!]!));
    const maxScore = Math.max(...candidates.map((candidate) => candidate.score));
    const fit = (candidate: Recommendation) => (maxRelevance > 0 ? relevance.scores[indexOfProduct.get(candidate.productId)!]! / maxRelevance : 0) + (maxScore > 0 ? (0.25 * candidate.score) / maxScore : 0);
    return candidates
      .map((candidate) => ({ candidate, fit: fit(candidate) }))
      .sort((a, b) => b.fit - a.fit || a.candidate.productId.localeCompare(b.candidate.productId))
      .slice(0, limit)
      .map(({ candidate }) => candidate);
  }

  /** The in-stock product of the category that fits the words better than every pick, if only the budget kept it out. */
  function bestFitOverBudget(relevance: { scores: Float64Array }, picks: Recommendation[], request: { category?: string; maxPrice: number; excluded: Set<string> }): ProductCard | undefined {
    const bestPick = Math.max(0, ...picks.map((pick) => relevance.scores[indexOfProduct.get(pick.productId)!]!));
    let best: { product: CatalogProduct; score: number } | undefined;
    options.products.forEach((product, index) => {
      const score = relevance.scores[index]!;
      if (product.price <= request.maxPrice || !isOffered(product, request.category, request.excluded)) return;
      if (score > bestPick && (!best || score > best.score || (score === best.score && product.price < best.product.price))) best = { product, score };
    });
    return best && toCard({ productId: best.product.id, score: 0, reason: 'the closest fit to what you asked for, over your budget', sources: [] });
  }

  return { recommendProducts, categories, categoryOf };
}

/**
 * The shop's purchase history from an orders CSV (the demo's knowledge/orders.csv: `items` like "P-1001:1|P-2003:2").
 * A real shop passes its own history instead.
 */
export function purchasesFromOrdersCsv(rows: string[][]): PurchaseLine[] {
  const [header, ...records] = rows;
  if (!header) return [];
  const column = (name: string) => header.indexOf(name);
  const [number, customer, placed, items, status] = ['order_number', 'customer_id', 'placed_at', 'items', 'status'].map(column);
  return records.flatMap((record) =>
    record[status!] === 'cancelled'
      ? []
      : (record[items!] ?? '').split('|').filter(Boolean).map((item) => {
          const [productId, quantity] = item.split(':');
          return { customerId: record[customer!]!, productId: productId!, quantity: Number(quantity ?? 1), invoiceId: record[number!]!, at: new Date(record[placed!]!) };
        }),
  );
}

/** Catalog products from a catalog CSV with columns id,name,category,price,description,tags,stock,url. */
export function productsFromCatalogCsv(rows: string[][]): CatalogProduct[] {
  const [header, ...records] = rows;
  if (!header) return [];
  const at = (record: string[], name: string) => record[header.indexOf(name)] ?? '';
  return records.map((record) => ({
    id: at(record, 'id'),
    name: at(record, 'name'),
    category: at(record, 'category'),
    price: Number(at(record, 'price')),
    description: at(record, 'description'),
    tags: at(record, 'tags').split('|').filter(Boolean),
    stock: Number(at(record, 'stock')),
    url: at(record, 'url') || undefined,
  }));
}
