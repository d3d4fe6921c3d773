import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { startTestChat, type TestChat } from '../helpers/start-test-chat.js';
import { buildKnowledge } from '../unit/knowledge/demo-knowledge.js';

// One knowledge base (the demo business's knowledge/, offline) and one trained router for every conversation here.
let knowledge: Awaited<ReturnType<typeof buildKnowledge>>;
beforeAll(async () => (knowledge = await buildKnowledge()));
afterAll(() => knowledge?.dispose());

let chat: TestChat;
afterEach(() => chat?.close());

const startChat = () => startTestChat({ channel: 'web', services: knowledge.services, classify: knowledge.classify, withStaffConsole: false });

test('a customer asks how much shipping is and gets the answer, citing the shipping FAQ', async () => {
  chat = await startChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('how much is shipping?');
  const reply = await chat.expectBot(/^Standard shipping is \$7\.95/, { cites: 'faq/orders-and-shipping.md' });
  expect(reply.trace?.flow).toBe('faq');
  expect(await chat.activeFlow()).toBe('router');
});

test('a question answered by a page section cites the page and its heading', async () => {
  chat = await startChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('when does the workshop open on saturday?');
  const reply = await chat.expectBot(/workshop is open Monday to Saturday/, { cites: 'pages/hours.md' });
  expect(reply.citations?.[0]?.heading).toBe('Opening hours > Workshop hours');
});

test('a question the knowledge does not cover gets "I don\'t know" and the offer of a person, never a guess', async () => {
  chat = await startChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('is my bereavement refund retroactive?');
  await chat.expectBot(/I don't know the answer to that/);
  const offer = await chat.expectBot(/member of our team/);
  expect(offer.quickReplies?.map((quickReply) => quickReply.label)).toContain('Yes, a person please');
  expect(offer.citations ?? []).toEqual([]);
});

test('an out-of-scope message is tried against the knowledge before the bot gives up', async () => {
  chat = await startChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('what is the capital of France');
  const reply = await chat.expectBot(/I don't know the answer to that/);
  expect(reply.trace?.flow).toBe('faq');
});

test('"I have a question" is an opening: the bot asks for the question, then answers it', async () => {
  chat = await startChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('I have a question');
  await chat.expectBot('Sure, what would you like to know?');
  await chat.customer('do gift cards expire?');
  await chat.expectBot(/gift card/i, { cites: 'faq/payments.md' });
});

test.each(['agent', 'Agent!', 'human', 'talk to a person', 'I want to speak to a real person'])('"%s" reaches a person even with an FAQ about talking to a person (invariant 6)', async (text) => {
  chat = await startTestChat({ channel: 'web', services: knowledge.services, classify: knowledge.classify, env: { FRONTDESK_BUSINESS_HOURS: 'Mon-Sun 00:00-24:00' } });
  await chat.expectBot(/automated assistant/);
  await chat.customer(text);
  await chat.expectBot(/bringing in a member of our team/);
  expect(await chat.activeFlow()).toBe('handoff');
});
