import type { ProductCard } from '../message.js';
import { buildRecommender } from './recommender.js';
import { tokenize } from './content-similarity.js';
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

/** "Helmets" and "helmet" must meet: a light plural stemmer is enough for category words. */
const stems = (text: string) => tokenize(text).map((word) => (/(?:x|z|ch|sh|ss)es$/.test(word) ? word.slice(0, -2) : word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word));

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
      for (const word of stems(tag)) {
        const counts = tagCategories.get(word) ?? new Map<string, number>();
        counts.set(product.category, (counts.get(product.category) ?? 0) + 1);
        tagCategories.set(word, counts);
      }
    }
  }
  for (const category of categories) {
    const words = new Map<string, number>();
    for (const word of stems(category)) words.set(word, 3);
    for (const [word, counts] of tagCategories) {
      const here = counts.get(category) ?? 0;
      if (here >= 2 && counts.size <= 2) words.set(word, Math.max(words.get(word) ?? 0, here / [...counts.values()].reduce((a, b) => a + b, 0)));
    }
    categoryWords.set(category, words);
  }

  function categoryOf(query: string): string | undefined {
    const words = new Set(stems(query));
    let best: { category: string; score: number } | undefined;
    for (const [category, weights] of categoryWords) {
      let score = 0;
      for (const word of words) score += weights.get(word) ?? 0;
      if (score > 0 && (!best || score > best.score)) best = { category, score };
    }
    return best?.category;
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
    const category = input.category ?? (input.query ? categoryOf(input.query) : undefined);
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
    const recommendations = recommender.recommend({
      customerId: hasHistory ? shopCustomerId : undefined,
      useHistory: hasHistory,
      seedProductIds: seeds,
      category,
      maxPrice,
      minPrice: input.minPrice,
      excludeProductIds: input.excludeProductIds,
      limit: input.limit ?? 3,
    });
    return { cards: recommendations.map(toCard), needsPreferences: false, hasHistory, canPersonalize, categories, ...(category && { category }), ...(maxPrice !== undefined && { maxPrice }) };
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
