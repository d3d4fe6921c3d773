import { randomUUID } from 'node:crypto';
import { afterEach, expect, test } from 'vitest';
import type { Channel, Frontdesk } from '../../src/index.js';
import { startTestChat, type TestChat } from '../helpers/start-test-chat.js';

// Two real customers of the demo shop (knowledge/customers.csv, knowledge/orders.csv).
const edie = { phone: '+15550105925', email: 'edie.castellan@example.com', order: 'FD-1380' }; // C-0047
const selma = { phone: '+15550107741', email: 'selma.stanhope@example.com', order: 'FD-1001' }; // C-0041
const NOT_FOUND = "I couldn't find an order with that number for you.";

let chat: TestChat;
afterEach(() => chat?.close());

/** Another customer, writing to the same running bot on their own channel address. */
async function otherCustomer(app: Frontdesk, channel: Channel, customerKey: string, text: string): Promise<string[]> {
  const conversationKey = channel === 'web' ? `c_${customerKey}` : customerKey;
  if (channel === 'web') await (await app.gateway.openConversation({ channel, conversationId: conversationKey, conversationKey, customerKey })).replies;
  const received = await app.gateway.receive({ channel, externalId: randomUUID(), conversationKey, customerKey, text });
  return (await received.replies).map((reply) => reply.text);
}

test("an SMS customer asking for another customer's order number gets the neutral answer, never the order", async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone });
  const replies = await chat.customer(`where is my order ${selma.order}`);
  expect(replies.map((reply) => reply.text)).toContain(NOT_FOUND);
  expect(chat.transcript.map((message) => message.text).join('\n')).not.toMatch(/FD-1001 \(|collected|Nov 2, 2024/);
});

test("another customer's order and a made-up one get word-for-word the same answer", async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone });
  const someoneElses = (await chat.customer(`where is my order ${selma.order}`)).map((reply) => reply.text);
  const madeUp = (await chat.customer('FD-99999')).map((reply) => reply.text);
  // The first answer comes after the one-time disclosure; the rest must match exactly.
  expect(someoneElses.slice(1)).toEqual([NOT_FOUND, 'Could you check the order number and send it again? It starts with FD-.']);
  expect(madeUp[0]).toBe(NOT_FOUND);
});

test("a web customer with another customer's order number and a wrong email gets the neutral answer", async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer(`where is my order ${selma.order}`);
  await chat.expectBot(/what is the email address on the order/);
  await chat.customer(edie.email); // a real customer's email, but not the one on this order
  await chat.expectBot(NOT_FOUND);
  await chat.customer(selma.order);
  await chat.customer('selma.stanhope@example.org');
  await chat.expectBot(/check the order number/);
  await chat.expectBot(/what is the email address on the order/);
  await chat.expectBot(NOT_FOUND);
  await chat.expectBot(/bring in a member of our team/);
  const conversation = await chat.app.store.getConversation(chat.conversationId);
  expect(await chat.app.store.shopLinkOf(conversation!.customerId)).toBeUndefined();
});

test('a web customer verified as one shop customer cannot switch to another by giving their details', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer(`where is my order ${edie.order}`);
  await chat.customer(edie.email);
  await chat.expectBot(/What is your order number|what is the email/);
  await chat.expectBot(/^Order FD-1380/);
  await chat.expectBot('You might also like this:');
  await chat.customer(`where is my order ${selma.order}`);
  await chat.expectBot(NOT_FOUND);
  await chat.customer(`${selma.order} ${selma.email}`);
  await chat.expectBot(/check the order number/);
  await chat.expectBot(NOT_FOUND);
  expect(chat.transcript.map((message) => message.text).join('\n')).not.toMatch(/collected from the shop on Nov 6, 2024/);
});

test("export shows only the asking customer's data, never another customer's messages, orders or feedback", async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone, alsoCapture: ['web'] });
  await otherCustomer(chat.app, 'sms', selma.phone, `where is my order ${selma.order}`);
  await otherCustomer(chat.app, 'sms', selma.phone, 'I want to give feedback');
  await otherCustomer(chat.app, 'sms', selma.phone, '2');
  await otherCustomer(chat.app, 'sms', selma.phone, 'Selma private comment about the saddle');
  await otherCustomer(chat.app, 'web', 'browser-of-someone', 'Another private note from the web');

  await chat.customer(`where is my order ${edie.order}`);
  await chat.customer('export my data');
  const json = chat.transcript.at(-1)!.text;
  const data = JSON.parse(json) as { identities: unknown[]; shopAccount: { customerId: string }; orders: Array<{ orderNumber: string }>; feedback: unknown[]; conversations: unknown[] };
  expect(data.identities).toEqual([{ channel: 'sms', address: edie.phone }]);
  expect(data.shopAccount.customerId).toBe('C-0047');
  expect(data.feedback).toEqual([]);
  expect(data.conversations).toHaveLength(1);
  for (const secret of [selma.phone, selma.email, selma.order, 'Selma', 'saddle', 'Another private note', 'C-0041']) expect(json).not.toContain(secret);
});

test("'what do you know about me' counts only the asking customer's conversations", async () => {
  chat = await startTestChat({ channel: 'web', alsoCapture: ['sms'] });
  await chat.expectBot(/automated assistant/);
  for (let index = 0; index < 3; index++) await otherCustomer(chat.app, 'sms', selma.phone, 'hello');
  await chat.customer('what do you know about me');
  const summary = chat.transcript.at(-1)!.text;
  expect(summary).toContain('- 1 conversation with 2 messages (web)');
  expect(summary).toContain('- profile: no name or contact details');
  expect(summary).not.toContain('sms');
});

test("deleting one customer's data leaves every other customer's data intact", async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone });
  await otherCustomer(chat.app, 'sms', selma.phone, `where is my order ${selma.order}`);
  const selmaConversation = await chat.app.store.openConversation({ channel: 'sms', conversationKey: selma.phone, customerKey: selma.phone });
  const before = await chat.app.store.customerData(selmaConversation.conversation.customerId);

  await chat.customer('delete my data');
  await chat.customer('DELETE');
  expect(chat.transcript.at(-1)!.text).toMatch(/^Done\./);
  const after = await chat.app.store.customerData(selmaConversation.conversation.customerId);
  expect(after).toEqual(before);
  expect(after!.shopLink?.shopCustomerId).toBe('C-0041');
});
