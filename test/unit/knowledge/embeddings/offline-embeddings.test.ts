import { expect, test } from 'vitest';
import { OfflineEmbeddings } from '../../../../src/knowledge/embeddings/offline-embeddings.js';
import { createWordVectors, ensureWordVectors, loadWordVectors } from '../../../../src/knowledge/embeddings/word-vectors.js';

const cosine = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i], 0);

/**
 * A tiny table to check the SIF weighting and the hashing without the real vectors. The weight comes from the
 * frequency rank, so 5,000 filler words (zero vectors) push "refund" and "pizza" down to a realistic rank.
 */
const tiny = createWordVectors(
  {
    the: [1, 0, 0, 0],
    ...Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`filler${i}`, [0, 0, 0, 0]])),
    refund: [0, 1, 0, 0],
    money: [0, 0.8, 0.6, 0],
    pizza: [0, 0, 0, 1],
  },
  'tiny-test',
);

test('vectors have a fixed dimension, unit length, and are deterministic', async () => {
  const embeddings = new OfflineEmbeddings({ wordVectors: tiny, hashDimensions: 64 });
  const [a, b] = await embeddings.embedDocuments(['refund please', 'refund please']);
  expect(a).toHaveLength(4 + 64);
  expect(embeddings.dimensions).toBe(68);
  expect(Math.hypot(...a)).toBeCloseTo(1, 5);
  expect(a).toEqual(b);
  expect(await embeddings.embedQuery('')).toEqual(new Array(68).fill(0));
});

test('frequent words weigh almost nothing (SIF): "the" does not make unrelated texts similar', async () => {
  const embeddings = new OfflineEmbeddings({ wordVectors: tiny, hashDimensions: 64, hashShare: 0 });
  const [refund, pizza, theRefund] = await embeddings.embedDocuments(['the refund', 'the pizza', 'refund']);
  expect(cosine(refund, pizza)).toBeLessThan(0.05);
  expect(cosine(refund, theRefund)).toBeGreaterThan(0.99);
});

test('hashed character n-grams match a misspelt word the table does not know', async () => {
  const embeddings = new OfflineEmbeddings({ wordVectors: tiny, hashDimensions: 256 });
  const [product, typo, other] = await embeddings.embedDocuments(['frontdesk-x200 charger', 'frontdsk-x200 charger', 'bluetooth speaker']);
  expect(cosine(product, typo)).toBeGreaterThan(0.6);
  expect(cosine(product, typo)).toBeGreaterThan(cosine(product, other) + 0.4);
});

test('the id names the recipe, so an index can tell which embedder built it', () => {
  expect(new OfflineEmbeddings({ wordVectors: tiny }).id).toBe('offline-tiny-test-hash256-v1');
  expect(new OfflineEmbeddings().id).toBe('offline-wink100-hash256-v1');
});

test('with the real word vectors, a synonym question is closer than an unrelated one', async () => {
  await ensureWordVectors();
  const embeddings = await new OfflineEmbeddings().ready();
  const [policy, moneyBack, hours] = await embeddings.embedDocuments([
    'What is your refund policy?',
    'How do I get my money back?',
    'What are your opening hours?',
  ]);
  const query = await embeddings.embedQuery('Can I return an item for a refund?');
  expect(cosine(query, policy)).toBeGreaterThan(cosine(query, hours));
  expect(cosine(query, moneyBack)).toBeGreaterThan(cosine(query, hours));
  expect(query).toHaveLength(356);
});

test('the compact word-vector table keeps the 100k most frequent words as unit vectors', async () => {
  const table = await loadWordVectors();
  expect(table.words.length).toBe(100_000);
  expect(table.rank('the')).toBe(0);
  expect(table.rank('refund')).toBeGreaterThan(0);
  expect(Math.hypot(...table.vector('refund')!)).toBeCloseTo(1, 5);
  expect(table.vector('zzqqxxnotaword')).toBeUndefined();
  expect(await loadWordVectors()).toBe(table); // loaded once per process
});
