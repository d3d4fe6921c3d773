import { describe, expect, test } from 'vitest';
import { buildRecommender, type PurchaseLine } from '../../../src/recommend/index.js';
import { at, bikeShop, invoice } from './fixtures.js';

const ids = (recommendations: Array<{ productId: string }>) => recommendations.map((item) => item.productId);

describe('co-purchase', () => {
  test('a product often bought with the one being viewed is suggested, naming that product', () => {
    const purchases: PurchaseLine[] = [
      ...invoice('a', 1, ['helmet', 'gloves']),
      ...invoice('b', 2, ['helmet', 'gloves', 'bottle']),
      ...invoice('c', 3, ['helmet', 'gloves']),
      ...invoice('d', 4, ['lock', 'lights']),
      ...invoice('e', 5, ['bottle']),
      ...invoice('f', 6, ['bottle']),
    ];
    const recommender = buildRecommender({ products: bikeShop, purchases, weights: { content: 0 } });
    const [first] = recommender.recommend({ seedProductIds: ['helmet'], useHistory: false, limit: 3 });
    expect(first).toMatchObject({ productId: 'gloves', reason: 'often bought with Trail Helmet' });
    expect(first!.sources[0]).toBe('copurchase');
  });

  test('suggestions from a past purchase say "your" product', () => {
    const purchases = [...invoice('a', 1, ['helmet', 'gloves']), ...invoice('b', 2, ['helmet', 'gloves']), ...invoice('ana', 3, ['helmet'])];
    const recommender = buildRecommender({ products: bikeShop, purchases, weights: { content: 0 } });
    const [first] = recommender.recommend({ customerId: 'ana', useHistory: true, onlyNew: true, limit: 1 });
    expect(first).toMatchObject({ productId: 'gloves', reason: 'often bought with your Trail Helmet' });
  });
});

describe('content similarity', () => {
  test('with no purchases at all, products with similar text are suggested from the TF-IDF fallback', () => {
    const recommender = buildRecommender({ products: bikeShop, purchases: [], weights: { popular: 0 } });
    const [first] = recommender.recommend({ seedProductIds: ['lights'], useHistory: false, limit: 2 });
    expect(first).toMatchObject({ productId: 'lights-pro', reason: 'similar to Commuter Lights', sources: ['content'] });
  });

  test('embedder vectors, when given, decide similarity instead of the words', () => {
    // The vectors say the helmet is like the gloves, although their text shares only "trail".
    const vectors = new Map<string, number[]>([
      ['helmet', [1, 0, 0]], ['gloves', [0.96, 0.28, 0]], ['lights', [0, 1, 0]], ['lights-pro', [0, 0, 1]],
      ['lock', [0, 0.6, 0.8]], ['bottle', [0, 0.8, 0.6]], ['pump', [0.6, 0.8, 0]],
    ]);
    const recommender = buildRecommender({ products: bikeShop, purchases: [], contentVectors: vectors, weights: { popular: 0 } });
    expect(ids(recommender.recommend({ seedProductIds: ['lights'], useHistory: false, limit: 2 }))).toEqual(['bottle', 'lock']);
    expect(recommender.recommend({ seedProductIds: ['helmet'], useHistory: false, limit: 1 })[0]).toMatchObject({ productId: 'gloves', reason: 'similar to Trail Helmet' });
  });
});

describe('popularity', () => {
  test('a new visitor gets what many customers bought recently, ahead of what many bought long ago', () => {
    const purchases = [
      // Five customers bought the lock a year ago; three bought the bottle this week.
      ...['a', 'b', 'c', 'd', 'e'].flatMap((customer, n) => invoice(customer, n, ['lock'])),
      ...['f', 'g', 'h'].flatMap((customer, n) => invoice(customer, 365 + n, ['bottle'])),
      ...invoice('i', 300, ['gloves']),
    ];
    const recommender = buildRecommender({ products: bikeShop, purchases, now: at(368) });
    const recommendations = recommender.recommend({ useHistory: false, limit: 3 });
    expect(ids(recommendations)).toEqual(['bottle', 'gloves', 'lock']);
    expect(recommendations[0]).toMatchObject({ reason: 'popular this month in Accessories', sources: ['popular'] });
  });
});

describe('filters', () => {
  const purchases = ['a', 'b', 'c'].flatMap((customer, n) => invoice(customer, n, ['pump', 'lights', 'lights-pro', 'helmet', 'bottle']));
  const recommender = buildRecommender({ products: bikeShop, purchases });

  test('an out-of-stock product is never recommended, however popular', () => {
    expect(ids(recommender.recommend({ useHistory: false, limit: 100 }))).not.toContain('pump');
    expect(ids(recommender.recommend({ seedProductIds: ['lights'], useHistory: false, limit: 100 }))).not.toContain('pump');
  });

  test('a budget keeps every suggestion within the price range', () => {
    const recommendations = recommender.recommend({ seedProductIds: ['helmet'], useHistory: false, minPrice: 10, maxPrice: 30, limit: 100 });
    expect(recommendations.length).toBeGreaterThan(0);
    for (const { productId } of recommendations) {
      const price = bikeShop.find((product) => product.id === productId)!.price;
      expect(price).toBeGreaterThanOrEqual(10);
      expect(price).toBeLessThanOrEqual(30);
    }
  });

  test('a category keeps only that category, and the seed itself is never suggested back', () => {
    expect(ids(recommender.recommend({ seedProductIds: ['lights'], category: 'Lights', useHistory: false, limit: 100 }))).toEqual(['lights-pro']);
  });

  test('excluded products are left out', () => {
    expect(ids(recommender.recommend({ useHistory: false, excludeProductIds: ['bottle', 'helmet'], limit: 100 }))).not.toEqual(expect.arrayContaining(['bottle']));
  });
});

describe('history', () => {
  const purchases = [
    ...invoice('ana', 1, ['bottle']), ...invoice('ana', 20, ['bottle', 'lock']), ...invoice('ana', 40, ['bottle']),
    ...['a', 'b', 'c', 'd'].flatMap((customer, n) => invoice(customer, 30 + n, ['helmet', 'gloves'])),
    ...invoice('e', 35, ['lock', 'lights']), ...invoice('f', 36, ['lock', 'lights']),
  ];
  const recommender = buildRecommender({ products: bikeShop, purchases });

  test('a regular purchase comes first, explained as bought before', () => {
    const [first] = recommender.recommend({ customerId: 'ana', useHistory: true, limit: 3 });
    expect(first).toMatchObject({ productId: 'bottle', reason: 'you bought this 3 times before' });
    expect(first!.sources[0]).toBe('history');
  });

  test('onlyNew leaves out everything the customer bought and leads with what goes with it', () => {
    const recommendations = recommender.recommend({ customerId: 'ana', useHistory: true, onlyNew: true, limit: 10 });
    expect(ids(recommendations)).not.toContain('bottle');
    expect(ids(recommendations)).not.toContain('lock');
    expect(recommendations[0]).toMatchObject({ productId: 'lights', reason: 'often bought with your D-Lock' });
  });

  test('consent refused: the customer gets exactly what an anonymous visitor gets', () => {
    const withHistory = recommender.recommend({ customerId: 'ana', useHistory: true, limit: 5 });
    const refused = recommender.recommend({ customerId: 'ana', useHistory: false, limit: 5 });
    const refusedOnlyNew = recommender.recommend({ customerId: 'ana', useHistory: false, onlyNew: true, limit: 5 });
    const anonymous = recommender.recommend({ useHistory: false, limit: 5 });
    expect(ids(withHistory)).not.toEqual(ids(anonymous)); // her history would change the answer...
    expect(refused).toEqual(anonymous); // ...but without consent it is not used
    expect(refusedOnlyNew).toEqual(anonymous);
    for (const { sources } of refused) expect(sources).not.toContain('history');
  });

  test('consent refused with a seed: same answer as an anonymous visitor with that seed', () => {
    expect(recommender.recommend({ customerId: 'ana', useHistory: false, seedProductIds: ['helmet'] }))
      .toEqual(recommender.recommend({ useHistory: false, seedProductIds: ['helmet'] }));
  });
});

test('the same data gives the same answers, request after request', () => {
  const purchases = ['a', 'b', 'c'].flatMap((customer, n) => invoice(customer, n, ['lights', 'lock', 'bottle']));
  const first = buildRecommender({ products: bikeShop, purchases });
  const second = buildRecommender({ products: bikeShop, purchases });
  const request = { customerId: 'a', useHistory: true, limit: 10 } as const;
  const answer = first.recommend(request);
  first.recommend({ seedProductIds: ['helmet'], useHistory: false, onlyNew: true });
  expect(first.recommend(request)).toEqual(answer);
  expect(second.recommend(request)).toEqual(answer);
});

test('a duplicate product id fails the build with a config_invalid error that names it', () => {
  expect(() => buildRecommender({ products: [...bikeShop, bikeShop[0]!], purchases: [] })).toThrow(/"helmet" appears twice/);
});
