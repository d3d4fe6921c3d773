import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { parseCsv } from '../../src/orders/csv-orders-service.js';
import { createRecommendationService, productsFromCatalogCsv, purchasesFromOrdersCsv } from '../../src/recommend/recommendation-service.js';
import { projectRoot, startTestChat, type TestChat } from '../helpers/start-test-chat.js';

// From knowledge/customers.csv and knowledge/orders.csv: an SMS customer with a purchase history.
const edie = { phone: '+15550105925', shippedOrder: 'FD-1380' };
const products = productsFromCatalogCsv(parseCsv(readFileSync(join(projectRoot, 'knowledge/catalog.csv'), 'utf8')));
const categoryOf = (productId: string) => products.find((product) => product.id === productId)!.category;

let chat: TestChat;
afterEach(() => chat?.close());

test('a customer who says what they want gets product cards that fit, each with a reason', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer('I need a new helmet under $80');
  const picks = await chat.expectBot('Here are a few picks:');
  expect(picks.trace?.flow).toBe('recommend');
  expect(picks.cards!.length).toBeGreaterThan(0);
  for (const card of picks.cards!) {
    expect(categoryOf(card.productId)).toBe('Helmets');
    expect(card.price).toBeLessThanOrEqual(80);
    expect(card.reason).toBeTruthy();
    expect(card.url).toMatch(/^https:\/\/riversidecycles\.example\/p\//);
  }
  expect(picks.quickReplies?.map((quickReply) => quickReply.label)).toEqual(['More like this', 'Something cheaper', "That's all"]);

  await chat.customer('something cheaper');
  // Either cheaper helmets, or, when the cheapest was already shown, an honest "nothing fits".
  const cheaper = await chat.expectBot(/^(Here are a few picks:|I couldn't find anything in stock that fits)/);
  const cheapestBefore = Math.min(...picks.cards!.map((card) => card.price!));
  for (const card of cheaper.cards ?? []) expect(card.price).toBeLessThan(cheapestBefore);
  if (!cheaper.cards) return;

  await chat.customer("that's all, thanks");
  await chat.expectBot('Glad to help. Anything else?');
  expect(await chat.activeFlow()).toBe('router');
});

test('"more like this" shows new products, never the same ones again', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.customer('suggest some bike lights');
  const first = chat.transcript.at(-1)!;
  await chat.customer('more like this');
  const second = chat.transcript.at(-1)!;
  expect(second.cards!.length).toBeGreaterThan(0);
  const firstIds = new Set(first.cards!.map((card) => card.productId));
  for (const card of second.cards!) expect(firstIds.has(card.productId)).toBe(false);
});

test('with nothing to go on, the bot asks for a category and a budget first', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer('can you recommend something');
  await chat.expectBot('Happy to help! What are you shopping for?');
  await chat.customer('Lights');
  await chat.expectBot('Do you have a budget in mind?');
  await chat.customer('under $50');
  const picks = await chat.expectBot('Here are a few picks:');
  for (const card of picks.cards!) {
    expect(categoryOf(card.productId)).toBe('Lights');
    expect(card.price).toBeLessThanOrEqual(50);
  }
});

test('a customer with a purchase history is asked before it is used; "no" means the picks ignore it', async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone });
  await chat.customer(`where is my order ${edie.shippedOrder}`); // proves who they are (phone on file)
  await chat.customer('can you recommend something');
  expect(chat.transcript.at(-1)!.text).toBe('May I use your past orders with us to personalise these suggestions?');
  await chat.customer('no');
  expect(chat.transcript.at(-1)!.text).toBe('Happy to help! What are you shopping for?');
  await chat.customer('Locks');
  await chat.customer('no limit');
  const picks = chat.transcript.at(-1)!;
  expect(picks.text).toBe('Here are a few picks:');
  expect(picks.cards!.every((card) => !/you bought|your /i.test(card.reason ?? ''))).toBe(true);
});

test('with consent, the picks can use what the customer bought before', async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone });
  await chat.customer(`where is my order ${edie.shippedOrder}`);
  await chat.customer('can you recommend something');
  await chat.customer('yes');
  const picks = chat.transcript.at(-1)!;
  expect(picks.text).toBe('Here are a few picks based on what you asked and what you bought before:');
  expect(picks.cards!.length).toBeGreaterThan(0);
});

test('consent refused: the service gives exactly what an anonymous customer gets', async () => {
  const purchases = purchasesFromOrdersCsv(parseCsv(readFileSync(join(projectRoot, 'knowledge/orders.csv'), 'utf8')));
  const linked = createRecommendationService({ products, purchases, shopCustomerOf: async () => 'C-0047' });
  const anonymous = createRecommendationService({ products, purchases, shopCustomerOf: async () => undefined });
  const request = { query: 'a lock for my commuter bike', useHistory: false, limit: 5 };
  const refused = await linked.recommendProducts(request, { customerId: 'cu_edie' });
  const stranger = await anonymous.recommendProducts(request, { customerId: 'cu_stranger' });
  expect(refused.cards).toEqual(stranger.cards);
  expect(refused.hasHistory).toBe(false);
  expect(refused.canPersonalize).toBe(true);
  const granted = await linked.recommendProducts({ ...request, useHistory: true }, { customerId: 'cu_edie' });
  expect(granted.hasHistory).toBe(true);
});

test('out-of-stock products are never recommended', async () => {
  const outOfStock = new Set(products.filter((product) => product.stock <= 0).map((product) => product.id));
  expect(outOfStock.size).toBeGreaterThan(0);
  const service = createRecommendationService({ products, purchases: [], shopCustomerOf: async () => undefined });
  for (const category of service.categories) {
    const result = await service.recommendProducts({ category, useHistory: false, limit: 50 }, { customerId: 'x' });
    for (const card of result.cards) expect(outOfStock.has(card.productId)).toBe(false);
  }
});

test("the customer's own words choose the products, not only the category", async () => {
  const purchases = purchasesFromOrdersCsv(parseCsv(readFileSync(join(projectRoot, 'knowledge/orders.csv'), 'utf8')));
  const service = createRecommendationService({ products, purchases, shopCustomerOf: async () => undefined });
  const ask = (query: string) => service.recommendProducts({ query, useHistory: false, limit: 3 }, { customerId: 'cu_anyone' });
  const tagsOf = (productId: string) => products.find((product) => product.id === productId)!.tags ?? [];

  // "gravel" is a tag of three road bikes: they come first, ahead of the category's best-sellers.
  const gravel = await ask('can you recommend a gravel bike');
  expect(gravel.cards.slice(0, 2).every((card) => tagsOf(card.productId).includes('gravel'))).toBe(true);
  // "kid" names the Kids Bikes category, but a kids' helmet fits both words.
  const kidsHelmet = await ask('I need a helmet for my kid');
  expect(kidsHelmet.category).toBe('Helmets');
  expect(kidsHelmet.cards.slice(0, 2).every((card) => tagsOf(card.productId).includes('kids'))).toBe(true);
  // "commuting" meets the "commuter" tag; six hybrids have it, one road bike does.
  const commuting = await ask("what's a good bike for commuting");
  expect(commuting.category).toBe('Hybrid Bikes');
  expect(commuting.cards.every((card) => tagsOf(card.productId).includes('commuter'))).toBe(true);
  // "e-bikes" meets the "ebike" tag and the E-Bikes category.
  expect((await ask('show me your e-bikes')).category).toBe('E-Bikes');
  // Every kind of bike fits "bike" equally: the flow is told to ask, rather than shown road bikes.
  const unclear = await ask('a bike for my 6 year old');
  expect(unclear.needsPreferences).toBe(true);
  expect(unclear.cards).toEqual([]);
});

test('when the budget leaves out what the customer asked for, the bot says so and names the closest fit', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer('can you recommend a gravel bike under $1500');
  // The cheapest gravel bike is $1,649: the picks within budget come with that said first.
  const picks = await chat.expectBot(/^Nothing that fits exactly is under \$1500: the closest is the Tempo Gravel AL at \$1649\. Within your budget/);
  for (const card of picks.cards!) expect(card.price).toBeLessThanOrEqual(1500);
  await chat.close();

  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer('I need a kids helmet under $30');
  await chat.expectBot(/^Nothing in stock under \$30 fits: the closest is the Crestline Sprout Kids Helmet at \$39\.99\./);
});
