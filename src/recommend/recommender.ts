import { createRecommenderModel, defaultWeights } from './recommender-model.js';
import { tuneWeights } from './tune-weights.js';
import type { Recommender, RecommenderOptions, SignalWeights } from './types.js';

/**
 * Builds a blended recommender: co-purchase, content similarity, recency-weighted popularity and (with consent) the
 * customer's own history. Pure and deterministic: the same products, purchases and options give the same answers.
 *
 * Unless `autoTune` is false or `weights` are given, the blend is tuned on a validation split carved from `purchases`
 * (each repeat customer's last invoice held out), separately for requests that want repeats and for discovery
 * (`onlyNew`, or no history): how much repeat buying and best-sellers matter differs from shop to shop.
 *
 * @example
 * const recommender = buildRecommender({ products, purchases });
 * recommender.recommend({ customerId: 'c42', useHistory: true, onlyNew: true, maxPrice: 50, limit: 5 });
 * // [{ productId: 'lights-1', score: 1.1, reason: 'often bought with your Trail Helmet', sources: ['copurchase'] }, …]
 */
export function buildRecommender(options: RecommenderOptions): Recommender & { readonly weights: { regular: SignalWeights; discovery: SignalWeights } } {
  const model = createRecommenderModel(options);
  const tuned = options.weights === undefined && options.autoTune !== false ? tuneWeights(options) : undefined;
  const weights = {
    regular: { ...defaultWeights, ...tuned?.regular, ...options.weights },
    discovery: { ...defaultWeights, ...tuned?.discovery, ...options.weights },
  };
  return { weights, recommend: (request) => model.recommend(request, weights) };
}
