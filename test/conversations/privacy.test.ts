import { afterEach, expect, test } from 'vitest';
import { startTestChat, type TestChat } from '../helpers/start-test-chat.js';

const edie = { phone: '+15550105925', email: 'edie.castellan@example.com' }; // C-0047 in knowledge/customers.csv, 20 orders
const selma = { email: 'selma.stanhope@example.com', order: 'FD-1001' }; // C-0041
let chat: TestChat;
afterEach(() => chat?.close());

/** The JSON of the export reply (the message after "Here is a copy ..."). */
const exportedJson = () => JSON.parse(chat.transcript.at(-1)!.text) as {
  format: string;
  profile: { id: string; name?: string } | null;
  identities: Array<{ channel: string; address: string }>;
  shopAccount: { customerId: string; email: string } | null;
  orders: Array<{ orderNumber: string }>;
  conversations: Array<{ channel: string; messages: Array<{ from: string; text: string }> }>;
  feedback: Array<{ kind: string; score: number }>;
  truncated?: { omittedMessages: number; omittedOrders: number };
};

test('"what do you know about me" summarises what is stored, and offers export and deletion', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer('what do you know about me?');
  const summary = await chat.expectBot(/^Here's what we hold about you:/);
  expect(summary.text).toContain('- profile: no name or contact details');
  // The greeting, this question: the reply itself is not stored yet when the summary is made.
  expect(summary.text).toContain('- 1 conversation with 2 messages (web)');
  expect(summary.text).toContain('- 0 feedback answers');
  expect(summary.text).toContain('- no shop orders linked to this chat');
  expect(summary.quickReplies?.map((quickReply) => quickReply.value)).toEqual(['export my data', 'delete my data']);
  expect(summary.trace?.flow).toBe('privacy');
  expect(await chat.activeFlow()).toBe('router');
});

test('the summary for a customer the shop knows includes their contact details, orders and choices', async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone });
  await chat.customer('where is my order FD-1380');
  await chat.customer('I want to give feedback');
  await chat.customer('9');
  await chat.customer('skip');
  await chat.customer('what data do you have on me');
  const summary = chat.transcript.at(-1)!.text;
  expect(summary).toContain(`- profile: name Edie Castellan, email ${edie.email}, phone ${edie.phone}`);
  expect(summary).toContain('- 20 orders on file with the shop');
  expect(summary).toContain('- 1 feedback answer');
  expect(summary).toMatch(/- 1 conversation with \d+ messages \(sms\)/);
});

test('"export my data" sends a short message and a JSON copy of profile, channels, messages, feedback and linked orders', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer(`where is my order ${selma.order}`);
  await chat.customer(selma.email);
  await chat.customer('I want to give feedback');
  await chat.customer('6');
  await chat.customer('Delivery was slow but the bike is great');
  await chat.customer('export my data');
  expect(chat.transcript.at(-2)!.text).toMatch(/^Here is a copy of everything we hold about you, as JSON/);
  const data = exportedJson();
  expect(data.format).toBe('frontdesk.customer-data/1');
  expect(data.identities).toEqual([{ channel: 'web', address: expect.any(String) }]);
  expect(data.shopAccount).toMatchObject({ customerId: 'C-0041', email: selma.email });
  expect(data.orders.map((order) => order.orderNumber)).toContain('FD-1001');
  expect(data.feedback).toEqual([expect.objectContaining({ kind: 'nps', score: 6, comment: 'Delivery was slow but the bike is great' })]);
  const texts = data.conversations.flatMap((conversation) => conversation.messages.map((message) => message.text));
  expect(texts).toContain(selma.email);
  expect(texts).toContain('export my data');
  expect(texts.some((text) => text.startsWith('Order FD-1001'))).toBe(true);
});

test('an export too long for a text message keeps the newest items and says so', async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone });
  await chat.customer('where is my order FD-1380');
  for (let turn = 0; turn < 4; turn++) await chat.customer(`what do you know about me, turn ${turn}?`);
  await chat.customer('export my data');
  expect(chat.transcript.at(-2)!.text).toMatch(/too long for this chat, so the oldest items are left out/);
  const json = chat.transcript.at(-1)!.text;
  expect(json.length).toBeLessThanOrEqual(1600);
  const data = JSON.parse(json) as ReturnType<typeof exportedJson>;
  expect(data.truncated!.omittedMessages + data.truncated!.omittedOrders).toBeGreaterThan(0);
  expect(data.shopAccount).toMatchObject({ customerId: 'C-0047' });
});

test('"delete my data" asks for confirmation, and anything but DELETE keeps everything', async () => {
  chat = await startTestChat({ channel: 'web' });
  await chat.expectBot(/automated assistant/);
  await chat.customer('delete my data');
  await chat.expectBot(/permanently deletes everything we hold about you.*Type DELETE to confirm, or anything else to keep your data\./);
  expect(await chat.activeFlow()).toBe('privacy');
  await chat.customer('hmm, no, wait');
  await chat.expectBot("OK, I haven't deleted anything. What else can I help you with?");
  const conversation = await chat.app.store.getConversation(chat.conversationId);
  expect(await chat.app.store.customerData(conversation!.customerId)).toBeDefined();
});

test('DELETE erases messages, profile, identities, snapshots, feedback, consents and links across conversations, and keeps the SMS opt-out', async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone });
  const { store } = chat.app;
  await chat.customer('where is my order FD-1380');
  await chat.customer('I want to give feedback');
  await chat.customer('10');
  await chat.customer('skip');
  const { customerId } = (await store.getConversation(chat.conversationId))!;
  await store.recordConsent(customerId, 'personalization', true);
  const sms = store.channelState('sms');
  await sms.set(`suppressed:${edie.phone}`, { since: '2026-01-01T00:00:00Z', source: 'keyword' });
  await sms.set(`choices:${edie.phone}`, { options: [] });
  const firstConversation = chat.conversationId;

  await chat.customer('please erase everything you have about me');
  await chat.expectBot(/^Hi! I'm the automated assistant/);
  await chat.expectBot(/^Order FD-1380/);
  await chat.expectBot('You might also like this:');
  await chat.expectBot(/from 0 \(not at all\) to 10/);
  await chat.expectBot(/Type your comment/);
  await chat.expectBot(/Thank you, your feedback/);
  await chat.expectBot(/Type DELETE to confirm/);
  await chat.customer('DELETE');
  await chat.expectBot(/^Done\. Your messages, profile and feedback are being deleted now, across every channel\./);

  expect(await store.customerData(customerId)).toBeUndefined();
  expect(await store.getConversation(firstConversation)).toBeUndefined();
  expect(await store.loadSnapshot(firstConversation)).toBeUndefined();
  expect(await store.transcript(firstConversation)).toEqual([]);
  expect(await store.feedbackOf({ customerId })).toEqual([]);
  expect(await store.hasConsent(customerId, 'personalization')).toBeUndefined();
  expect(await store.shopLinkOf(customerId)).toBeUndefined();
  expect(await store.customerIdentities(customerId)).toEqual([]);
  expect(await sms.get(`choices:${edie.phone}`)).toBeUndefined();
  expect(await sms.get(`suppressed:${edie.phone}`)).toEqual({ since: '2026-01-01T00:00:00Z', source: 'keyword' });
});

test('delete, then export: the export holds nothing of the old data', async () => {
  chat = await startTestChat({ channel: 'sms', customer: edie.phone });
  await chat.customer('where is my order FD-1380');
  await chat.customer('My secret note: the spare key is under the mat'); // the bot does not understand it: one miss
  const oldConversation = chat.conversationId;
  await chat.customer('delete my data');
  await chat.customer('DELETE');

  await chat.customer('export my data');
  expect(chat.conversationId).not.toBe(oldConversation);
  const json = chat.transcript.at(-1)!.text;
  expect(json).not.toContain('spare key');
  expect(json).not.toContain('FD-1380');
  expect(json).not.toContain(oldConversation);
  const data = JSON.parse(json) as ReturnType<typeof exportedJson>;
  expect(data.conversations).toHaveLength(1);
  expect(data.conversations[0]!.messages.filter((message) => message.from === 'customer').map((message) => message.text)).toEqual(['export my data']);
  expect(data.feedback).toEqual([]);
  expect(data.shopAccount).toBeNull();
});

test('deleting from one web conversation erases the same customer\'s other conversations too', async () => {
  chat = await startTestChat({ channel: 'web', customer: 'browser-ana' });
  const { store, gateway } = chat.app;
  const other = await gateway.openConversation({ channel: 'web', conversationKey: 'c_other-tab', conversationId: 'c_other-tab', customerKey: 'browser-ana' });
  await other.replies;
  expect(other.conversation.customerId).toBe((await store.getConversation(chat.conversationId))!.customerId);
  await chat.customer('delete my data');
  await chat.customer('delete');
  expect(chat.transcript.at(-1)!.text).toMatch(/^Done\./);
  expect(await store.getConversation(chat.conversationId)).toBeUndefined();
  expect(await store.getConversation('c_other-tab')).toBeUndefined();
  expect(await store.customerData(other.conversation.customerId)).toBeUndefined();
});
