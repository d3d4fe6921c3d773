import { afterEach, expect, test } from 'vitest';
import { startTestChat, type TestChat } from '../helpers/start-test-chat.js';

/** Staff are always at work in these tests, unless a test says otherwise. */
const alwaysOpen = { FRONTDESK_BUSINESS_HOURS: 'Mon-Sun 00:00-24:00' };
let chat: TestChat;
afterEach(() => chat?.close());

const staffEvents = () => chat.staff.thread.map((message) => (message.channelData as { staff: { event: string } }).staff.event);
const staffNotification = (event: string) => chat.staff.thread.map((message) => (message.channelData as { staff: Record<string, unknown> }).staff).find((staff) => staff.event === event);

test('a customer asks for a person, a staff member claims, they talk, and the bot asks for a score afterwards', async () => {
  chat = await startTestChat({ env: alwaysOpen });
  await chat.expectBot(/automated assistant/);

  await chat.customer('I want to talk to a person');
  await chat.expectBot(/bringing in a member of our team/);
  expect(staffNotification('opened')).toMatchObject({ reason: 'asked', text: 'I want to talk to a person' });
  expect(await chat.activeFlow()).toBe('handoff');

  await chat.staff.claim('Sam');
  await chat.expectBot("You're now chatting with Sam.", { role: 'system' });

  const silence = await chat.customer('My order FD-1042 arrived with a bent wheel');
  expect(silence).toEqual([]); // the bot stays silent while a person has the conversation
  expect(staffNotification('customerMessage')).toMatchObject({ text: 'My order FD-1042 arrived with a bent wheel' });

  await chat.staff.reply('Sam', "I'm sorry about that! I'll send a replacement wheel today.");
  const staffReply = await chat.expectBot("I'm sorry about that! I'll send a replacement wheel today.", { role: 'agent' });
  expect(staffReply.senderName).toBe('Sam');

  await chat.staff.resolve('Sam');
  const survey = await chat.expectBot(/How satisfied were you .* from 1 \(poor\) to 5 \(great\)/);
  expect(survey.quickReplies?.map((quickReply) => quickReply.value)).toEqual(['1', '2', '3', '4', '5']);
  await chat.customer('5');
  await chat.expectBot(/Thank you for the feedback/);
  expect(staffNotification('feedback')).toMatchObject({ score: 5 });
  expect(staffEvents()).toEqual(['opened', 'claimed', 'customerMessage', 'resolved', 'feedback']);
  expect(await chat.activeFlow()).toBe('router');
  chat.expectNoMoreReplies();
});

test('"agent" in the middle of another flow interrupts it and hands over', async () => {
  chat = await startTestChat({ env: alwaysOpen });
  await chat.expectBot(/automated assistant/);
  await chat.customer('I have a question');
  await chat.expectBot(/what would you like to know/);
  expect(await chat.activeFlow()).toBe('faq');

  await chat.customer('actually can I talk to a human');
  await chat.expectBot(/bringing in a member of our team/);
  expect(await chat.activeFlow()).toBe('handoff');
  expect(staffNotification('opened')).toMatchObject({ reason: 'asked' });
});

test('two unanswered questions in a row bring the offer of a person; accepting hands over with that reason', async () => {
  chat = await startTestChat({ env: alwaysOpen });
  await chat.expectBot(/automated assistant/);
  await chat.customer('zxqv plorb');
  await chat.expectBot(/don't know.*Could you put it another way/);
  await chat.customer('plorb zxqv again');
  await chat.expectBot(/don't know/);
  await chat.expectBot(/bring in a member of our team/);
  await chat.customer('yes please');
  await chat.expectBot(/bringing in a member of our team/);
  expect(staffNotification('opened')).toMatchObject({ reason: 'repeatedMisses' });
});

/** Two questions the bot cannot answer, and the offer of a person that follows. */
async function missTwiceUntilOffered() {
  chat = await startTestChat({ env: alwaysOpen });
  await chat.expectBot(/automated assistant/);
  await chat.customer('zxqv plorb');
  await chat.expectBot(/don't know/);
  await chat.customer('plorb zxqv again');
  await chat.expectBot(/don't know/);
  await chat.expectBot(/bring in a member of our team/);
}

test('a new question instead of yes or no to the offer of a person is routed and answered, not taken for "no"', async () => {
  await missTwiceUntilOffered();
  await chat.customer('where is my order FD-10234?');
  const reply = chat.transcript.at(-1)!;
  expect(reply.text).not.toMatch(/No problem/);
  expect(reply.trace?.flow).toBe('orderStatus');
  // The offer is over, and nothing went to the staff console.
  expect(staffNotification('opened')).toBeUndefined();
});

test('"no" to the offer of a person carries on with the bot', async () => {
  await missTwiceUntilOffered();
  await chat.customer('no thanks');
  await chat.expectBot('No problem. What else can I help you with?');
  expect(await chat.activeFlow()).toBe('router');
});

test('two clearly negative messages in a row bring the offer of a person, with sentiment as the reason', async () => {
  chat = await startTestChat({ env: alwaysOpen });
  await chat.expectBot(/automated assistant/);
  await chat.customer('This is ridiculous, my order is late AGAIN!!!');
  await chat.customer('Worst service ever. I am furious.');
  const offer = chat.transcript.at(-1)!;
  expect(offer.text).toMatch(/sorry this has been frustrating/);
  await chat.customer('yes');
  expect(chat.transcript.at(-1)!.text).toMatch(/bringing in a member of our team/);
  expect(staffNotification('opened')).toMatchObject({ reason: 'negativeSentiment' });
});

test('"back to bot" returns the conversation to the assistant and tells staff', async () => {
  chat = await startTestChat({ env: alwaysOpen });
  await chat.customer('agent');
  await chat.customer('back to bot');
  expect(chat.transcript.at(-1)!.text).toMatch(/back with the automated assistant/);
  expect(await chat.activeFlow()).toBe('router');
  expect(staffEvents()).toEqual(['opened', 'resolved']);
});

test('outside business hours the customer is told when the team is back and asked to leave details', async () => {
  // Saturday 23:00 in New York: the demo shop closed at 17:00 and opens Sunday at 11:00.
  chat = await startTestChat({ now: () => Date.parse('2026-11-22T04:00:00Z') });
  await chat.customer('human please');
  expect(chat.transcript.at(-1)!.text).toMatch(/Our team is away right now and back tomorrow at 11:00\. Leave your question/);
  expect(staffNotification('opened')).toBeDefined();
});

test('with no staff console configured the customer gets another way to reach a person', async () => {
  chat = await startTestChat({ withStaffConsole: false, env: alwaysOpen });
  await chat.customer('agent');
  expect(chat.transcript.at(-1)!.text).toMatch(/can't reach our team from this chat right now\. You can call the shop/);
  expect(await chat.activeFlow()).toBe('router');
});

test('an unclaimed handoff tells the customer and reminds staff when the claim time runs out', async () => {
  chat = await startTestChat({ env: { ...alwaysOpen, FRONTDESK_HANDOFF_CLAIM_SECONDS: '0.3' } });
  await chat.customer('agent');
  await expect.poll(() => chat.transcript.at(-1)?.text, { timeout: 5000 }).toMatch(/Sorry for the wait/);
  await expect.poll(() => staffEvents()).toEqual(['opened', 'reminder']);
});

test('a restart while the claim timer is pending still fires it, exactly once', async () => {
  chat = await startTestChat({ env: { ...alwaysOpen, FRONTDESK_HANDOFF_CLAIM_SECONDS: '0.6' } });
  await chat.customer('agent');
  await chat.restart();
  await expect.poll(() => chat.transcript.filter((message) => /Sorry for the wait/.test(message.text)).length, { timeout: 5000 }).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 800));
  expect(chat.transcript.filter((message) => /Sorry for the wait/.test(message.text))).toHaveLength(1);
  expect(await chat.activeFlow()).toBe('handoff');
});

test('a claimed handoff cancels the claim timer', async () => {
  chat = await startTestChat({ env: { ...alwaysOpen, FRONTDESK_HANDOFF_CLAIM_SECONDS: '0.3' } });
  await chat.customer('agent');
  await chat.staff.claim('Ana');
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(chat.transcript.some((message) => /Sorry for the wait/.test(message.text))).toBe(false);
});

test("a staff reply reaches an SMS customer on the customer's own channel", async () => {
  chat = await startTestChat({ channel: 'sms', customer: '+15550100042', env: alwaysOpen });
  await chat.customer('agent');
  await chat.staff.claim('Sam');
  await chat.staff.reply('Sam', 'Hi, Sam here. How can I help?');
  const last = chat.transcript.at(-1)!;
  expect(last).toMatchObject({ channel: 'sms', role: 'agent', senderName: 'Sam', text: 'Hi, Sam here. How can I help?' });
});
