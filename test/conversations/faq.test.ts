import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
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

test('a question the knowledge does not cover gets "I don\'t know", never a guess; the second miss in a row offers a person', async () => {
  chat = await startChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('is my bereavement refund retroactive?');
  const first = await chat.expectBot(/^I'm sorry, I don't know the answer to that, and I'd rather not guess\. Could you put it another way\?/);
  expect(first.citations ?? []).toEqual([]);
  chat.expectNoMoreReplies();
  await chat.customer('do you refund bereavement retroactively');
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

test('an answered question in between resets the count of misses', async () => {
  chat = await startChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('is my bereavement refund retroactive?');
  await chat.expectBot(/Could you put it another way/);
  await chat.customer('how much is shipping?');
  await chat.expectBot(/^Standard shipping is \$7\.95/);
  await chat.customer('is my bereavement refund retroactive?');
  await chat.expectBot(/Could you put it another way/);
  chat.expectNoMoreReplies();
});

describe('"Did that answer your question?"', () => {
  // The flow's own rule, with the knowledge answering at a middling confidence: CONVENTIONS allows a test to provide a service.
  const middling = { searchKnowledge: async () => ({ isConfident: true, answer: 'The workshop opens at 9:00 am.', confidence: 0.7, citations: [{ source: 'pages/hours.md', heading: 'Opening hours > Workshop hours' }] }) };

  test('a yes is recorded with the question and the source', async () => {
    chat = await startTestChat({ channel: 'web', services: middling });
    await chat.customer('when does the workshop open');
    await chat.expectBot(/automated assistant/);
    await chat.expectBot('The workshop opens at 9:00 am.', { cites: 'pages/hours.md' });
    await chat.expectBot('Did that answer your question?');
    await chat.customer('yes');
    await chat.expectBot('Glad that helped!');
    expect(await chat.app.store.answerChecksOf(chat.conversationId)).toEqual([expect.objectContaining({ question: 'when does the workshop open', source: 'pages/hours.md', wasHelpful: true })]);
  });

  test('a no is recorded and counts as a miss', async () => {
    chat = await startTestChat({ channel: 'web', services: middling });
    await chat.customer('when does the workshop open');
    await chat.customer('no');
    expect(chat.transcript.at(-1)!.text).toMatch(/don't know the answer to that.*Could you put it another way/);
    expect((await chat.app.store.answerChecksOf(chat.conversationId))[0]).toMatchObject({ wasHelpful: false });
  });

  test('a new question instead of yes or no is answered, not lost', async () => {
    chat = await startTestChat({ channel: 'web', services: middling });
    await chat.customer('when does the workshop open');
    await chat.customer('and on sundays?');
    expect(chat.transcript.filter((message) => message.text === 'The workshop opens at 9:00 am.')).toHaveLength(2);
    expect(await chat.app.store.answerChecksOf(chat.conversationId)).toEqual([]);
  });
});

test('a knowledge search that never answers is cut off at the turn deadline: its signal aborts and the customer is told, not left waiting', async () => {
  // The service's signal is made only when a service reads it; this one does, and must see it abort.
  let clock = Date.parse('2026-11-23T10:00:00Z');
  let isSearching = false;
  let abortReason: unknown;
  const hung = {
    searchKnowledge: (_input: unknown, context: { signal: AbortSignal }) =>
      new Promise((_resolve, reject) => {
        isSearching = true;
        context.signal.addEventListener('abort', () => {
          abortReason = context.signal.reason;
          reject(context.signal.reason);
        });
      }),
  };
  // Once the search runs, every reading of the clock is 31 s later: the 30-second turn deadline passes at once.
  chat = await startTestChat({ channel: 'web', services: hung, now: () => (isSearching ? (clock += 31_000) : clock) });
  await chat.expectBot(/automated assistant/);
  await chat.customer('when does the workshop open');
  expect(isSearching).toBe(true);
  expect(String(abortReason)).toMatch(/turn timed out/);
  // The FAQ flow's answer to a failed search, in the same turn: try again later, or a person is one word away.
  await chat.expectBot(/can't look that up right now.*"agent"/);
});

test('a search that fails is not taken for a gap in the knowledge: the customer hears it, and nothing counts as unanswered', async () => {
  chat = await startTestChat({ channel: 'web', services: { searchKnowledge: async () => { throw new Error('index file unreadable'); } } });
  await chat.expectBot(/automated assistant/);
  await chat.customer('when does the workshop open');
  await chat.expectBot(/can't look that up right now.*"agent"/);
  // A second failure does not offer a person as if the bot had missed twice; the customer can still ask for one.
  await chat.customer('and on sundays?');
  await chat.expectBot(/can't look that up right now/);
  chat.expectNoMoreReplies();
});

test('a search that ignores its signal still fails at the turn deadline, so the flow answers in that turn', async () => {
  let clock = Date.parse('2026-11-23T10:00:00Z');
  let isSearching = false;
  const deaf = {
    searchKnowledge: () => {
      isSearching = true;
      return new Promise(() => {});
    },
  };
  chat = await startTestChat({ channel: 'web', services: deaf, now: () => (isSearching ? (clock += 31_000) : clock) });
  await chat.expectBot(/automated assistant/);
  await chat.customer('when does the workshop open');
  await chat.expectBot(/can't look that up right now.*"agent"/);
  // The next message is a new turn, handled normally.
  await chat.customer('agent');
  expect(await chat.activeFlow()).not.toBe('faq');
});

describe('with the trained router, a request for a flow goes to that flow, not to a look-alike FAQ', () => {
  test('"where is my order FD-1380?" is the order-status flow', async () => {
    chat = await startChat();
    await chat.expectBot(/automated assistant/);
    await chat.customer('where is my order FD-1380?');
    expect(chat.transcript.at(-1)!.trace?.flow).toBe('orderStatus');
  });

  test('"I want a gravel bike under 1500" is the recommendation flow', async () => {
    chat = await startChat();
    await chat.expectBot(/automated assistant/);
    await chat.customer('I want a gravel bike under 1500');
    expect(chat.transcript.at(-1)!.trace?.flow).toBe('recommend');
  });
});

describe('the end of a conversation, with the trained router', () => {
  test('"thanks" after an answer gets "you\'re welcome", and is not counted as a question the bot missed', async () => {
    chat = await startChat();
    await chat.expectBot(/automated assistant/);
    await chat.customer('how much is shipping?');
    await chat.expectBot(/^Standard shipping is/);
    await chat.customer('thanks!');
    await chat.expectBot("You're welcome! Is there anything else I can help you with?");
    // One real miss after it is the first, so it asks to rephrase rather than offering a person.
    await chat.customer('zxqv plorb');
    await chat.expectBot(/don't know.*Could you put it another way/);
    await chat.customer('bye');
    await chat.expectBot('Thanks for chatting with Riverside Cycles. Have a great ride!');
  });

  test('"no" to the offer of a person after two unhappy messages carries on politely', async () => {
    chat = await startChat();
    await chat.expectBot(/automated assistant/);
    await chat.customer('This is ridiculous, my order is late AGAIN!!!');
    await chat.customer('Worst service ever. I am furious.');
    expect(chat.transcript.at(-1)!.text).toMatch(/sorry this has been frustrating/);
    await chat.customer('no');
    expect(chat.transcript.at(-1)!.text).toBe('Alright. If anything else comes up, just ask.');
  });
});
