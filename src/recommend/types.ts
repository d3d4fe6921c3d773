/** A product the recommender may suggest. Items with `stock <= 0` are never recommended. */
export interface CatalogProduct {
  id: string;
  name: string;
  category: string;
  price: number;
  description?: string;
  tags?: string[];
  stock: number;
  url?: string;
}

/** One line of a past order: the evidence for co-purchase, popularity and buy-again. */
export interface PurchaseLine {
  customerId: string;
  productId: string;
  invoiceId: string;
  quantity: number;
  at: Date;
}

/** What a flow asks for. `useHistory: false` means the customer refused consent: their purchases are never read. */
export interface RecommendationRequest {
  customerId?: string;
  /** Products the customer is looking at or asked about: "something to go with this". */
  seedProductIds?: string[];
  category?: string;
  maxPrice?: number;
  minPrice?: number;
  excludeProductIds?: string[];
  useHistory: boolean;
  /** Leave out what the customer already bought. Needs `useHistory: true`; without consent it cannot be honoured. */
  onlyNew?: boolean;
  /** How many to return; 10 by default, at most 100. */
  limit?: number;
}

export type RecommendationSource = 'copurchase' | 'content' | 'popular' | 'history';

/** One suggestion, best first, with a sentence a customer can read ("often bought with your Trail Helmet"). */
export interface Recommendation {
  productId: string;
  score: number;
  reason: string;
  /** The signals that contributed at least a tenth of the score, strongest first. */
  sources: RecommendationSource[];
}

export interface Recommender {
  recommend(request: RecommendationRequest): Recommendation[];
}

/** How much each signal counts in the blend. Each signal is scaled to [0, 1] within a request before weighting. */
export interface SignalWeights {
  history: number;
  copurchase: number;
  content: number;
  popular: number;
}

export interface RecommenderOptions {
  products: CatalogProduct[];
  purchases: PurchaseLine[];
  /** The clock for recency; defaults to the latest purchase (so a replayed history behaves as it did then). */
  now?: Date;
  /** productId → L2-normalised vector from the knowledge embedder. Without it, a TF-IDF cosine over the product text is used. */
  contentVectors?: Map<string, number[]>;
  /** Fixed blend weights; giving any turns auto-tuning off. */
  weights?: Partial<SignalWeights>;
  /** Tune the blend on a validation split carved from `purchases` (default true; skipped when too few repeat customers). */
  autoTune?: boolean;
  /** Neighbours kept per product, for co-purchase and for content. Default 50. */
  neighbours?: number;
  /** Half-life of a past purchase in the customer's own history, in days. Default 90. */
  historyHalfLifeDays?: number;
  /** Half-life of a purchase in the popularity count, in days. Default 30 ("popular this month"). */
  popularityHalfLifeDays?: number;
  /** Shrinks co-purchase similarities backed by few baskets: s × n / (n + shrinkage). Default 5. */
  coPurchaseShrinkage?: number;
  /** Baskets with more distinct products than this are skipped when counting pairs (bulk orders say little). Default 500. */
  maxBasketSize?: number;
  /** At most this many of the customer's past products (the most recent and frequent) seed the neighbour search. Default 200. */
  maxHistoryAnchors?: number;
}
