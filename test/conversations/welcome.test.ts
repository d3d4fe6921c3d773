import { afterEach, expect, test } from 'vitest';
import { startTestChat, type TestChat } from '../helpers/start-test-chat.js';

let chat: TestChat;
afterEach(() => chat?.close());

test('a new web chat is greeted by the automated assistant, told how to reach a person', async () => {
  chat = await startTestChat({ channel: 'web' });
  const greeting = await chat.expectBot(/automated assistant for Riverside Cycles/);
  expect(greeting.text).toMatch(/type "agent"/);
  expect(greeting.quickReplies?.map((quickReply) => quickReply.value)).toContain('agent');
  expect(greeting.trace?.flow).toBe('welcome');
  expect(await chat.activeFlow()).toBe('router');
});

test('a customer who says hello gets the welcome again and the bot goes back to listening', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer('hello');
  await chat.expectBot(/Hi there! I'm the automated assistant/);
  chat.expectNoMoreReplies();
  expect(await chat.activeFlow()).toBe('router');
});

test('a finished welcome leaves nothing behind in the saved conversation: no stale flow is stored or restored', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer('hello');
  await chat.expectBot(/Hi there!/);
  const saved = (await chat.app.store.loadSnapshot(chat.conversationId))!.snapshot as { value: unknown; children: Record<string, unknown>; context: { activeFlow?: string } };
  expect(saved.value).toBe('listening');
  expect(saved.children).toEqual({});
  expect(saved.context.activeFlow).toBeUndefined();
  // After a restart the next message still gets its answer from the rehydrated conversation.
  await chat.restart();
  await chat.customer('hello');
  await chat.expectBot(/Hi there!/);
});

test('a returning customer whose name we know is greeted by name', async () => {
  chat = await startTestChat({ channel: 'web', customerName: 'Ana' });
  await chat.expectBot(/^Welcome back, Ana! I'm the automated assistant/);
});

test('an SMS customer who opens with a question hears the disclosure first', async () => {
  chat = await startTestChat({ channel: 'sms', customer: '+15550100001' });
  await chat.customer('what is the airspeed velocity of an unladen swallow');
  await chat.expectBot(/^Hi! I'm the automated assistant for Riverside Cycles\. Type "agent"/);
  await chat.expectBot(/don't know.*Could you put it another way/);
  chat.expectNoMoreReplies();
});

test("a message the bot does not understand gets 'I don't know' and the offer of a person, never a guess", async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  const replies = await chat.customer('zxqv plorb');
  expect(replies.map((reply) => reply.text)).toEqual([expect.stringMatching(/don't know the answer to that, and I'd rather not guess\. .*type "agent" to reach a person/)]);
  expect(replies[0]!.trace?.flow).toBe('faq');
});

test('a second hello in the same conversation greets without looking the customer up again', async () => {
  let lookups = 0;
  chat = await startTestChat({ channel: 'web', customerName: 'Ana', services: { lookupCustomer: async () => (lookups++, { name: 'Ana', isReturning: true }) } });
  await chat.expectBot(/^Welcome back, Ana!/);
  await chat.customer('hello');
  await chat.expectBot(/^Welcome back, Ana!/);
  expect(lookups).toBe(1);
});
