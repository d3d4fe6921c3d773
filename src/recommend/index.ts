/**
 * Product recommendations: co-purchase, content similarity, recency-weighted popularity and (with consent) the
 * customer's own history, blended. See docs/recommendations.md.
 */
export { buildRecommender } from './recommender.js';
export { createRecommenderModel, defaultWeights, type RecommenderModel } from './recommender-model.js';
export { tuneWeights } from './tune-weights.js';
export { buildCoPurchaseNeighbours, type Baskets, type CoPurchaseOptions } from './co-purchase.js';
export { buildTextNeighbours, buildVectorNeighbours, tokenize } from './content-similarity.js';
export type { NeighbourLists } from './neighbours.js';
export type { CatalogProduct, PurchaseLine, RecommendationRequest, Recommendation, RecommendationSource, Recommender, RecommenderOptions, SignalWeights } from './types.js';
