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

test('a returning customer whose name we know is greeted by name', async () => {
  chat = await startTestChat({ channel: 'web', customerName: 'Ana' });
  await chat.expectBot(/^Welcome back, Ana! I'm the automated assistant/);
});

test('an SMS customer who opens with a question hears the disclosure first', async () => {
  chat = await startTestChat({ channel: 'sms', customer: '+15550100001' });
  await chat.customer('what is the airspeed velocity of an unladen swallow');
  await chat.expectBot(/^Hi! I'm the automated assistant for Riverside Cycles\. Type "agent"/);
  await chat.expectBot(/I'm not sure I understood/);
  await chat.customer('and what about a laden one');
  await chat.expectBot(/I'm not sure I understood/);
  chat.expectNoMoreReplies();
});

test('a message the bot does not understand gets "not sure" and a way to a person, never a guess', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  const reply = await chat.customer('zxqv plorb');
  expect(reply).toHaveLength(1);
  expect(reply[0]!.text).toMatch(/not sure I understood/);
  expect(reply[0]!.quickReplies).toEqual([{ label: 'Talk to a person', value: 'agent' }]);
  expect(reply[0]!.trace).toEqual({ flow: 'router', confidence: 0 });
});
