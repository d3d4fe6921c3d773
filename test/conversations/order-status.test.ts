import { afterEach, expect, test } from 'vitest';
import { startTestChat, type TestChat } from '../helpers/start-test-chat.js';

// From knowledge/customers.csv and knowledge/orders.csv.
const edie = { phone: '+15550105925', email: 'edie.castellan@example.com', shippedOrder: 'FD-1380' }; // C-0047
const selma = { phone: '+15550107741', email: 'selma.stanhope@example.com', collectedOrder: 'FD-1001' }; // C-0041
const NOT_FOUND = "I couldn't find an order with that number for you.";

let chat: TestChat;
afterEach(() => chat?.close());

test('an SMS customer whose number is on file gets the status of their order without being asked for an email', async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone });
  await chat.customer(`where is my order ${edie.shippedOrder}?`);
  await chat.expectBot(/automated assistant/);
  const answer = await chat.expectBot(/^Order FD-1380 \(placed Oct 22, 2026, 8 items, \$1895\.93\) shipped on Oct 27, 2026 with UPS\. Tracking number: 1Z25S3XD0314117504\.$/);
  expect(answer.trace?.flow).toBe('orderStatus');
  // At most one suggestion that goes with the order.
  const suggestion = await chat.expectBot('You might also like this:');
  expect(suggestion.cards).toHaveLength(1);
  expect(suggestion.cards![0]!.reason).toBeTruthy();
  chat.expectNoMoreReplies();
  expect(await chat.activeFlow()).toBe('router');
});

test('an upset customer asking about an order gets the status and no sales pitch', async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone });
  await chat.customer(`where is my order ${edie.shippedOrder}? It is late again and I am really annoyed.`);
  await chat.expectBot(/automated assistant/);
  await chat.expectBot(/^Order FD-1380/);
  chat.expectNoMoreReplies();
});

test('the bot asks for the order number when the customer did not give one', async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone, greet: true });
  await chat.expectBot(/^Welcome back, Edie!/);
  await chat.customer('track my order');
  await chat.expectBot('What is your order number? It starts with FD-, for example FD-1042.');
  expect(await chat.activeFlow()).toBe('orderStatus');
  await chat.customer('it is fd 1380');
  await chat.expectBot(/^Order FD-1380 .* shipped on Oct 27, 2026 with UPS/);
});

test('a web customer proves who they are with the email on the order, once per customer', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer('where is my order');
  await chat.expectBot(/What is your order number/);
  await chat.customer(selma.collectedOrder);
  await chat.expectBot('To keep your orders private, what is the email address on the order?');
  await chat.customer(`It's ${selma.email.toUpperCase()}`);
  await chat.expectBot('Order FD-1001 (placed Nov 2, 2024, 2 items, $69.99) was collected from the shop on Nov 6, 2024.');
  await chat.expectBot('You might also like this:');

  // Verified now: the next question about one of her orders needs no email.
  await chat.customer('where is my order FD-1033');
  await chat.expectBot('Order FD-1033 (placed Jan 20, 2025, 1 item, $11.99) was delivered by Riverside Van on Jan 21, 2025. Tracking number: RSV6647312.');
  await chat.expectBot('You might also like this:');
  chat.expectNoMoreReplies();
});

test('a wrong email gets the neutral answer, and a second try with the right one succeeds', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer(`where is my order ${selma.collectedOrder}`);
  await chat.expectBot(/what is the email address on the order/);
  await chat.customer('selma@not-her-address.example');
  await chat.expectBot(NOT_FOUND);
  await chat.expectBot('Could you check the order number and send it again? It starts with FD-.');
  await chat.customer(selma.collectedOrder);
  await chat.expectBot(/what is the email address on the order/);
  await chat.customer(selma.email);
  await chat.expectBot(/^Order FD-1001 .* collected from the shop/);
});

test('an order that does not exist gets the same neutral answer, re-asked once, then the offer of a person', async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone, env: { FRONTDESK_BUSINESS_HOURS: 'Mon-Sun 00:00-24:00' } });
  await chat.customer('where is my order FD-99999');
  await chat.expectBot(/automated assistant/);
  await chat.expectBot(NOT_FOUND);
  await chat.expectBot(/check the order number and send it again/);
  await chat.customer('FD-99998');
  await chat.expectBot(NOT_FOUND);
  await chat.expectBot(/bring in a member of our team/);
  await chat.customer('yes please');
  await chat.expectBot(/bringing in a member of our team/);
  expect(await chat.activeFlow()).toBe('handoff');
});

test('an answer that is not an order number is re-asked once, then a person is offered', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer('track my order');
  await chat.expectBot(/What is your order number/);
  await chat.customer('I lost the email with it');
  await chat.expectBot("Sorry, I didn't catch that. What is your order number? It starts with FD-, for example FD-1042.");
  await chat.customer('no idea');
  await chat.expectBot(/bring in a member of our team/);
  await chat.customer('no thanks');
  await chat.expectBot(/No problem/);
  expect(await chat.activeFlow()).toBe('router');
});

test('an SMS number that is not on file is asked for the email on the order', async () => {
  chat = await startTestChat({ channel: 'sms', customer: '+15550199999' });
  await chat.customer(`where is my order ${edie.shippedOrder}`);
  await chat.expectBot(/automated assistant/);
  await chat.expectBot(/what is the email address on the order/);
  await chat.customer(edie.email);
  await chat.expectBot(/^Order FD-1380 .* shipped/);
});

test('when the order system is down the customer is told and offered a person', async () => {
  chat = await startTestChat({
    channel: 'web',
    services: {
      lookupOrder: async () => {
        throw new Error('shop API timeout');
      },
    },
  });
  await chat.expectBot(/automated assistant/);
  await chat.customer('where is my order FD-1380');
  await chat.expectBot("Sorry, I can't reach our order system right now.");
  await chat.expectBot(/bring in a member of our team/);
});

test('"agent" in the middle of an order lookup hands over to a person', async () => {
  chat = await startTestChat({ channel: 'web', env: { FRONTDESK_BUSINESS_HOURS: 'Mon-Sun 00:00-24:00' } });
  await chat.expectBot(/automated assistant/);
  await chat.customer('track my order');
  await chat.expectBot(/What is your order number/);
  await chat.customer('agent');
  await chat.expectBot(/bringing in a member of our team/);
  expect(await chat.activeFlow()).toBe('handoff');
});

test('a returning SMS customer on file is greeted by name when they say hello', async () => {
  chat = await startTestChat({ channel: 'sms', customer: selma.phone });
  await chat.customer('hello');
  await chat.expectBot(/^Welcome back, Selma! I'm the automated assistant for Riverside Cycles/);
});

test('an unknown SMS number is greeted without a name', async () => {
  chat = await startTestChat({ channel: 'sms', customer: '+15550199998', greet: true });
  await chat.expectBot(/^Hi there! I'm the automated assistant/);
});
