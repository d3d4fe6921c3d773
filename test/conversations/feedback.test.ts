import { afterEach, expect, test } from 'vitest';
import { startTestChat, type TestChat } from '../helpers/start-test-chat.js';

const alwaysOpen = { FRONTDESK_BUSINESS_HOURS: 'Mon-Sun 00:00-24:00' };
let chat: TestChat;
afterEach(() => chat?.close());

const feedbackOfThisConversation = () => chat.app.store.feedbackOf({ conversationId: chat.conversationId });

test('a customer gives an NPS score with a comment and both are recorded for the conversation', async () => {
  chat = await startTestChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('I want to give feedback');
  await chat.expectBot(/How likely are you to recommend Riverside Cycles to a friend, from 0 \(not at all\) to 10/);
  expect(await chat.activeFlow()).toBe('feedback');
  await chat.customer('9');
  const prompt = await chat.expectBot(/anything you would like to tell us about it\? Type your comment, or "skip"/);
  expect(prompt.quickReplies?.map((quickReply) => quickReply.value)).toEqual(['skip']);
  await chat.customer('The workshop fixed my gears in a day, brilliant.');
  await chat.expectBot(/Thank you, your feedback has been passed to the team/);
  expect(await feedbackOfThisConversation()).toEqual([expect.objectContaining({ kind: 'nps', score: 9, comment: 'The workshop fixed my gears in a day, brilliant.' })]);
  expect(await chat.activeFlow()).toBe('router');
});

test('"rate you" starts it too, and "skip" records the score without a comment', async () => {
  chat = await startTestChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('can I rate you?');
  await chat.expectBot(/from 0 \(not at all\) to 10/);
  await chat.customer('7/10');
  await chat.expectBot(/Type your comment, or "skip"/);
  await chat.customer('skip');
  await chat.expectBot(/Thank you, your feedback has been passed to the team/);
  const [recorded] = await feedbackOfThisConversation();
  expect(recorded).toMatchObject({ kind: 'nps', score: 7 });
  expect(recorded!.comment).toBeUndefined();
});

test('a score out of range is asked again once, and a second miss ends without recording anything', async () => {
  chat = await startTestChat();
  await chat.expectBot(/automated assistant/);
  await chat.customer('I want to give feedback');
  await chat.expectBot(/from 0 \(not at all\) to 10/);
  await chat.customer('11');
  await chat.expectBot('Please reply with a whole number from 0 to 10.');
  await chat.customer('pretty good I guess');
  await chat.expectBot(/No problem, let's leave it there/);
  expect(await feedbackOfThisConversation()).toEqual([]);
  expect(await chat.activeFlow()).toBe('router');
});

test('a score after one miss is still taken', async () => {
  chat = await startTestChat({ channel: 'sms', customer: '+15550100777' });
  await chat.customer('I have some feedback for you');
  await chat.expectBot(/automated assistant/);
  await chat.expectBot(/from 0 \(not at all\) to 10/);
  await chat.customer('ten');
  await chat.expectBot(/whole number from 0 to 10/);
  await chat.customer('10');
  await chat.expectBot(/Type your comment/);
  await chat.customer('no');
  await chat.expectBot(/Thank you/);
  expect(await feedbackOfThisConversation()).toEqual([expect.objectContaining({ kind: 'nps', score: 10 })]);
});

test('when feedback cannot be saved the customer is told where to send it', async () => {
  chat = await startTestChat({
    services: {
      recordFeedback: async () => {
        throw new Error('disk full');
      },
    },
  });
  await chat.expectBot(/automated assistant/);
  await chat.customer('I want to give feedback');
  await chat.customer('8');
  await chat.customer('skip');
  expect(chat.transcript.at(-1)!.text).toMatch(/couldn't save your feedback just now\. You can email it/);
});

test('after a resolved handoff the 1-5 satisfaction score is recorded as CSAT for the conversation', async () => {
  chat = await startTestChat({ env: alwaysOpen });
  await chat.expectBot(/automated assistant/);
  await chat.customer('agent');
  await chat.staff.claim('Sam');
  await chat.staff.resolve('Sam');
  await chat.customer('4');
  expect(chat.transcript.at(-1)!.text).toMatch(/Thank you for the feedback/);
  expect(await feedbackOfThisConversation()).toEqual([expect.objectContaining({ kind: 'csat', score: 4, customerId: expect.any(String) })]);
});

test('a customer who moves on instead of scoring the handoff leaves no CSAT record', async () => {
  chat = await startTestChat({ env: alwaysOpen });
  await chat.expectBot(/automated assistant/);
  await chat.customer('agent');
  await chat.staff.claim('Sam');
  await chat.staff.resolve('Sam');
  await chat.customer('thanks, bye');
  expect(await feedbackOfThisConversation()).toEqual([]);
  expect(await chat.activeFlow()).toBe('router');
});
