import { expect, test } from 'vitest';
import { buildRecommender, defaultWeights, tuneWeights, type PurchaseLine } from '../../../src/recommend/index.js';
import { bikeShop, invoice } from './fixtures.js';

test('with too few repeat customers to judge by, the default blend is kept', () => {
  const purchases = [...invoice('ana', 1, ['bottle']), ...invoice('ana', 2, ['lock'])];
  expect(tuneWeights({ products: bikeShop, purchases })).toBeUndefined();
  expect(buildRecommender({ products: bikeShop, purchases }).weights.regular).toEqual(defaultWeights);
});

test('a shop whose customers re-order the same things gets a blend that puts their history first', () => {
  // 60 customers, each re-ordering one "usual" product, with a best-seller (the bottle) in every basket.
  const products = ['helmet', 'lights', 'lock', 'gloves'];
  const purchases: PurchaseLine[] = [];
  for (let customer = 0; customer < 60; customer++) {
    const usual = products[customer % products.length]!;
    for (let week = 0; week < 3; week++) purchases.push(...invoice(`c${customer}`, week * 7 + (customer % 5), [usual, 'bottle']));
  }
  const tuned = tuneWeights({ products: bikeShop, purchases })!;
  expect(tuned.regular.history).toBeGreaterThanOrEqual(tuned.regular.popular);
  const recommender = buildRecommender({ products: bikeShop, purchases });
  expect(recommender.recommend({ customerId: 'c1', useHistory: true, limit: 2 }).map((item) => item.productId).sort()).toEqual(['bottle', 'lights']);
});

test('weights given by the caller are used as they are, without tuning', () => {
  const recommender = buildRecommender({ products: bikeShop, purchases: [], weights: { popular: 0 } });
  expect(recommender.weights.discovery).toEqual({ ...defaultWeights, popular: 0 });
});
