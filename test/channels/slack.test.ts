import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import webChannel from '../../adapters/web/index.js';
import { ACTION, createSlackChannel, isSlackConfigured, readSlackConfig } from '../../adapters/slack/index.js';
import { createId, DeliveryError, isFrontdeskError, type ChannelAdapter, type KnowledgeAnswer, type Message, type ProfileResult, type StaffNotification } from '../../src/index.js';
import { startTestApp, type TestApp } from '../helpers/start-test-chat.js';
import { openWebConversation, postWebMessage, readTranscript, type WebConversation } from '../helpers/web-client.js';
import {
  BOT_ID,
  BOT_USER_ID,
  buttonClick,
  messageEvent,
  postToSlackEndpoint,
  slashCommand,
  startSlackStandIn,
  type PostedMessage,
  type SlackPostOptions,
  type SlackStandIn,
} from '../helpers/slack-stand-in.js';

const SECRET = 'test-secret';
const CHANNEL = 'C123';
const SAM = { id: 'U0SAM0001', username: 'sam.rivera' };
const ALEX = { id: 'U0ALEX001', username: 'alex' };
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** What the business knows about every test customer; staff may see the name and orders only (the default). */
const profile: ProfileResult = {
  name: 'Ana Lopez',
  email: 'ana@example.com',
  phone: '+15550142042',
  isReturning: true,
  recentOrders: [{ orderNumber: 'FD-1042', status: 'delivered', placedAt: '2026-10-02T10:00:00Z', total: 129.5 }],
};
const suggestion: KnowledgeAnswer = {
  isConfident: true,
  answer: 'Damaged parts are replaced free within 30 days: we ship the new part the same day.',
  confidence: 0.82,
  citations: [{ source: 'knowledge/pages/returns.md', heading: 'Damaged on arrival' }],
};

let standIn: SlackStandIn;
let testApp: TestApp;
let url: string;

beforeAll(async () => {
  standIn = await startSlackStandIn({ users: [{ id: SAM.id, name: SAM.username, display_name: 'Sam', real_name: 'Sam Rivera' }] });
  testApp = await startTestApp({
    serveHttp: true,
    channels: [webChannel, createSlackChannel()],
    env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_HANDOFF_CHANNEL: CHANNEL, SLACK_API_URL: `${standIn.url}/api/`, FRONTDESK_BUSINESS_HOURS: 'Mon-Sun 00:00-24:00' },
    services: { lookupCustomer: async () => profile, searchKnowledge: async () => suggestion },
    delivery: { baseDelayMilliseconds: 20 },
  });
  ({ url } = (await testApp.app.start()) as { url: string });
});

afterAll(async () => {
  await testApp?.close();
  await standIn?.close();
});

// ---------- the customer on the web, staff in Slack ----------

const post = (body: string, contentType: string, options: SlackPostOptions = {}) => postToSlackEndpoint(url, body, contentType, { secret: SECRET, ...options });
const postEvent = (event: object, options?: SlackPostOptions) => post(JSON.stringify(event), JSON_TYPE, options);
const click = (actionId: string, value: string, user: { id: string; username: string }, messageTs: string, extra: { threadTs?: string; isEphemeral?: boolean } = {}) =>
  post(buttonClick({ actionId, value, user, channel: CHANNEL, messageTs, ...extra }), FORM_TYPE);
const staffWrites = (user: { id: string }, root: PostedMessage, text: string, extra: { eventId?: string } = {}) => messageEvent({ channel: CHANNEL, user: user.id, text, threadTs: root.ts, ...extra });

const customerSees = async (conversation: WebConversation) => (await readTranscript(url, conversation)).filter((message) => message.role !== 'customer');
const textsFor = async (conversation: WebConversation) => (await customerSees(conversation)).map((message) => message.text);
const blockText = (message: { blocks?: unknown } | undefined) => JSON.stringify(message?.blocks ?? []);
const slackAdapter = () => testApp.app.adapters.get('slack') as ChannelAdapter & { idle(): Promise<void> };
/** A staff notification as the handoff flow's outbox hands it to the Slack adapter. */
const staffNotification = (conversationId: string, staff: StaffNotification): Message => ({
  id: createId('m'),
  conversationId,
  channel: 'slack',
  role: 'system',
  text: staff.text ?? staff.event,
  createdAt: new Date().toISOString(),
  channelData: { staff, customerChannel: 'web' },
});
const lines = (root: PostedMessage) => standIn.threadOf(root.ts).map((message) => message.text);

/** A web customer who has typed "agent": returns the conversation and the handoff's root message in Slack. */
async function customerAsksForAPerson(): Promise<{ conversation: WebConversation; root: PostedMessage }> {
  const conversation = await openWebConversation(url);
  const answer = await postWebMessage(url, conversation, 'agent');
  expect(answer.body.replies.map((reply) => reply.text).join(' ')).toMatch(/bringing in a member of our team/);
  // Up to 5 s: a test may make Slack answer 429 with Retry-After first.
  await expect.poll(() => standIn.rootsFor(conversation.conversationId).length, { timeout: 5000 }).toBe(1);
  return { conversation, root: standIn.rootsFor(conversation.conversationId)[0]! };
}

async function claimedBySam() {
  const handoff = await customerAsksForAPerson();
  expect((await click(ACTION.claim, handoff.conversation.conversationId, SAM, handoff.root.ts)).status).toBe(200);
  await expect.poll(() => textsFor(handoff.conversation)).toContain("You're now chatting with Sam.");
  await expect.poll(() => lines(handoff.root).some((line) => /Sam\* claimed/.test(line))).toBe(true);
  return handoff;
}

describe('the handoff round trip: web customer → Slack thread → staff → customer', () => {
  test('claim, reply, resolve, and the satisfaction score all show up where they should', async () => {
    const { conversation, root } = await customerAsksForAPerson();

    // The card: who, why, what was said, the profile fields staff may see, and the three buttons.
    const card = blockText(root);
    expect(card).toContain('Handoff: Ana Lopez');
    expect(card).toContain('Web chat');
    expect(card).toContain('Asked for a person');
    expect(card).toContain('Recent conversation');
    expect(card).toMatch(/Customer:\*.* agent/);
    expect(card).toContain('FD-1042');
    expect(card).not.toContain('ana@example.com'); // email is not a visible field by default
    expect(card).not.toContain('5550142042');
    for (const action of [ACTION.claim, ACTION.resolve, ACTION.suggest]) expect(card).toContain(action);
    expect(card.length).toBeLessThan(13_000);

    // Claim: the customer learns who they are talking to; the card says who has it.
    expect((await click(ACTION.claim, conversation.conversationId, SAM, root.ts)).status).toBe(200);
    await expect.poll(() => textsFor(conversation)).toContain("You're now chatting with Sam.");
    await expect.poll(() => blockText(standIn.rootsFor(conversation.conversationId)[0])).toContain('Claimed by Sam');
    expect(blockText(standIn.rootsFor(conversation.conversationId)[0])).not.toContain(ACTION.claim);

    // The customer's next message appears in the thread.
    await postWebMessage(url, conversation, 'My order FD-1042 arrived with a bent wheel');
    await expect.poll(() => lines(root)).toContain('*Customer:* My order FD-1042 arrived with a bent wheel');

    // Sam answers in the thread; the customer gets it under Sam's name, with Slack's escaping undone.
    expect((await postEvent(staffWrites(SAM, root, "So sorry! I'll send a new wheel today &amp; a <https://shop.example/track|tracking link>."))).status).toBe(200);
    await expect.poll(() => textsFor(conversation)).toContain("So sorry! I'll send a new wheel today & a tracking link (https://shop.example/track).");
    const relayed = (await customerSees(conversation)).find((message) => message.role === 'agent')!;
    expect(relayed.senderName).toBe('Sam');

    // Resolve: back to the bot, which asks for a score; the customer gives 4.
    expect((await click(ACTION.resolve, conversation.conversationId, SAM, root.ts)).status).toBe(200);
    await expect.poll(() => textsFor(conversation).then((texts) => texts.some((text) => /How satisfied were you/.test(text)))).toBe(true);
    const thanks = await postWebMessage(url, conversation, '4');
    expect(thanks.body.replies.map((reply) => reply.text).join(' ')).toMatch(/Thank you for the feedback/);

    // The thread shows the outcome and the score.
    await expect.poll(() => lines(root).some((line) => line.includes('★★★★☆ (4/5)'))).toBe(true);
    expect(lines(root).some((line) => /Sam\* resolved this conversation/.test(line))).toBe(true);
    const finalCard = blockText(standIn.rootsFor(conversation.conversationId)[0]);
    expect(finalCard).toContain('Resolved by Sam');
    expect(finalCard).toContain('rated ★★★★☆ (4/5)');
    expect(finalCard).not.toContain(ACTION.resolve);
    expect(standIn.rootsFor(conversation.conversationId)).toHaveLength(1);
  });

  test('an internal note ("// …") stays in Slack and never reaches the customer', async () => {
    const { conversation, root } = await claimedBySam();
    expect((await postEvent(staffWrites(SAM, root, '// check the warranty first'))).status).toBe(200);
    expect((await postEvent(staffWrites(SAM, root, 'Let me check that for you.'))).status).toBe(200);
    await expect.poll(() => textsFor(conversation)).toContain('Let me check that for you.');
    expect((await textsFor(conversation)).join('\n')).not.toContain('warranty');
  });

  test('a thread reply before anyone claims, or from someone who did not claim, is held back with a hint only they see', async () => {
    const { conversation, root } = await customerAsksForAPerson();
    await postEvent(staffWrites(ALEX, root, 'Hi, Alex here'));
    await expect.poll(() => standIn.ephemerals.filter((item) => item.user === ALEX.id && item.thread_ts === root.ts).map((item) => item.text).join()).toMatch(/press \*Claim\*/);

    await click(ACTION.claim, conversation.conversationId, SAM, root.ts);
    await expect.poll(() => textsFor(conversation)).toContain("You're now chatting with Sam.");
    await postEvent(staffWrites(ALEX, root, 'Alex again'));
    await expect.poll(() => standIn.ephemerals.filter((item) => item.user === ALEX.id).map((item) => item.text).join()).toMatch(/Sam has claimed this conversation/);
    // A second claim from someone else does not take it over.
    await click(ACTION.claim, conversation.conversationId, ALEX, root.ts);
    await expect.poll(() => standIn.ephemerals.filter((item) => item.user === ALEX.id).map((item) => item.text).join()).toMatch(/Sam has already claimed/);
    await slackAdapter().idle();
    expect((await textsFor(conversation)).join('\n')).not.toMatch(/Alex/);
  });

  test('"Suggest a reply" drafts an answer with its source, and "Send to customer" sends it under the claimer\'s name', async () => {
    const { conversation, root } = await claimedBySam();
    await postWebMessage(url, conversation, 'The wheel is bent, can you replace it?');
    await click(ACTION.suggest, conversation.conversationId, SAM, root.ts);
    await expect.poll(() => standIn.ephemerals.find((item) => item.user === SAM.id && blockText(item).includes('Suggested reply'))).toBeDefined();
    const draft = standIn.ephemerals.find((item) => item.user === SAM.id && blockText(item).includes('Suggested reply'))!;
    expect(blockText(draft)).toContain('knowledge/pages/returns.md');
    expect(blockText(draft)).toContain('Damaged parts are replaced free');
    const sendButton = (draft.blocks ?? []).flatMap((block) => (block.elements as Array<{ action_id?: string; value?: string }> | undefined) ?? []).find((element) => element.action_id === ACTION.sendDraft)!;

    await click(ACTION.sendDraft, sendButton.value!, SAM, '1700000000.000001', { threadTs: root.ts, isEphemeral: true });
    await expect.poll(() => textsFor(conversation)).toContain(suggestion.answer);
    await expect.poll(() => lines(root).some((line) => line.includes('sent the suggested reply'))).toBe(true);
    // A second click on the same draft sends nothing more.
    await click(ACTION.sendDraft, sendButton.value!, SAM, '1700000000.000001', { threadTs: root.ts, isEphemeral: true });
    await slackAdapter().idle();
    expect((await textsFor(conversation)).filter((text) => text === suggestion.answer)).toHaveLength(1);
  });

  test('/frontdesk lists open handoffs and their state, only to the person who asked', async () => {
    const waiting = await customerAsksForAPerson();
    const claimed = await claimedBySam();
    const response = await post(slashCommand({ command: '/frontdesk', user: SAM, channel: CHANNEL }), FORM_TYPE);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/Open handoffs/);
    expect(body.text).toContain(`p${waiting.root.ts.replace('.', '')}|open thread`);
    expect(body.text).toMatch(/waiting for \d+ min/);
    expect(body.text).toContain('claimed by Sam');
    expect(body.text).toContain(`p${claimed.root.ts.replace('.', '')}`);
  });
});

describe('requests that must not act', () => {
  test('a forged signature, a stale timestamp (−301 s) and a future one (+301 s) are refused with 401, and nothing reaches the customer', async () => {
    const { conversation, root } = await claimedBySam();
    const before = await textsFor(conversation);
    for (const options of [{ signature: `v0=${'0'.repeat(64)}` }, { secret: 'not-the-secret' }, { skewSeconds: -301 }, { skewSeconds: 301 }, { signature: 'v1=abc' }]) {
      const event = staffWrites(SAM, root, 'You should never see this');
      const response = await postEvent(event, options);
      expect(response.status, JSON.stringify(options)).toBe(401);
      expect(await testApp.app.store.findJournal('web', `slack:event:${event.event_id}`)).toBeUndefined();
    }
    // A body changed after signing.
    const event = staffWrites(SAM, root, 'Signed text');
    const timestamp = Math.floor(Date.now() / 1000);
    const { signSlackRequest } = await import('../helpers/slack-stand-in.js');
    const tampered = await fetch(`${url}/api/slack/events`, {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signSlackRequest(SECRET, timestamp, JSON.stringify(event)) },
      body: JSON.stringify({ ...event, event: { ...event.event, text: 'You should never see this' } }),
    });
    expect(tampered.status).toBe(401);
    // A forged Claim click is refused the same way.
    expect((await post(buttonClick({ actionId: ACTION.resolve, value: conversation.conversationId, user: SAM, channel: CHANNEL, messageTs: root.ts }), FORM_TYPE, { skewSeconds: 400 })).status).toBe(401);

    // Within the window (4 minutes of clock skew either way) a signed request is fine.
    expect((await postEvent(staffWrites(SAM, root, 'Skewed but valid'), { skewSeconds: 240 })).status).toBe(200);
    await expect.poll(() => textsFor(conversation)).toContain('Skewed but valid');
    expect(await textsFor(conversation)).toEqual([...before, 'Skewed but valid']);
  });

  test('a replayed event (same event_id, x-slack-retry-num 1..3, and 10 copies at once) is processed once', async () => {
    const { conversation, root } = await claimedBySam();
    const event = staffWrites(SAM, root, 'One copy only, please');
    expect((await postEvent(event)).status).toBe(200);
    for (const retryNum of [1, 2, 3]) expect((await postEvent(event, { retryNum })).status).toBe(200);
    const burst = staffWrites(SAM, root, 'Burst message');
    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => postEvent(burst, index === 0 ? {} : { retryNum: (index % 3) + 1 })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    await expect.poll(() => textsFor(conversation)).toContain('Burst message');
    await slackAdapter().idle();
    await testApp.app.delivery.idle();
    const texts = await textsFor(conversation);
    expect(texts.filter((text) => text === 'One copy only, please')).toHaveLength(1);
    expect(texts.filter((text) => text === 'Burst message')).toHaveLength(1);
    expect(await testApp.app.store.findJournal('web', `slack:event:${event.event_id}`)).toBeDefined();
  });

  test('our own bot posts, other bots, edits and deletions in a handoff thread never reach the customer (no loops)', async () => {
    const { conversation, root } = await claimedBySam();
    const echoes = [
      messageEvent({ channel: CHANNEL, text: '*Customer:* hello', threadTs: root.ts, botId: BOT_ID, subtype: 'bot_message' }),
      messageEvent({ channel: CHANNEL, user: BOT_USER_ID, text: 'Sam claimed this conversation', threadTs: root.ts, botId: BOT_ID }),
      messageEvent({ channel: CHANNEL, user: BOT_USER_ID, text: 'posted as the bot user', threadTs: root.ts }),
      messageEvent({ channel: CHANNEL, user: SAM.id, text: 'edited text', threadTs: root.ts, subtype: 'message_changed' }),
      messageEvent({ channel: CHANNEL, user: SAM.id, text: '', threadTs: root.ts, subtype: 'message_deleted' }),
    ];
    for (const echo of echoes) expect((await postEvent(echo)).status).toBe(200);
    await slackAdapter().idle();
    for (const echo of echoes) expect(await testApp.app.store.findJournal('web', `slack:event:${echo.event_id}`)).toBeUndefined();
    expect((await textsFor(conversation)).join('\n')).not.toMatch(/hello|claimed this|bot user|edited/);
  });

  test('url_verification is answered with the challenge; an unsigned one is refused', async () => {
    const body = JSON.stringify({ token: 'x', challenge: 'challenge-abc', type: 'url_verification' });
    const response = await post(body, JSON_TYPE);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: 'challenge-abc' });
    const unsigned = await fetch(`${url}/api/slack/events`, { method: 'POST', headers: { 'content-type': JSON_TYPE }, body });
    expect(unsigned.status).toBe(401);
  });
});

describe('Slack API failures go through the outbox', () => {
  test('a 429 from Slack is retried after its Retry-After, and the thread is posted once', async () => {
    standIn.failNext('chat.postMessage', { kind: 'rate-limit', retryAfterSeconds: 1 });
    const { conversation } = await customerAsksForAPerson();
    const attempts = standIn.calls.filter((call) => call.method === 'chat.postMessage' && (call.params.metadata as { event_payload?: { conversation_id?: string } } | undefined)?.event_payload?.conversation_id === conversation.conversationId);
    expect(attempts.map((attempt) => attempt.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(standIn.rootsFor(conversation.conversationId)).toHaveLength(1);
  });

  test('the WebClient does not wait out a 429 itself: send fails at once with Retry-After for the outbox', async () => {
    const { conversation } = await customerAsksForAPerson();
    standIn.failNext('chat.postMessage', { kind: 'rate-limit', retryAfterSeconds: 7 });
    const started = Date.now();
    const failure = await slackAdapter().send(staffNotification(conversation.conversationId, { event: 'customerMessage', text: 'hello?' })).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as DeliveryError).delivery).toEqual({ isRetryable: true, retryAfterMilliseconds: 7000 });
  });

  test('when Slack posts the card but the answer is lost (500), the retry finds it instead of posting a second one', async () => {
    standIn.failNext('chat.postMessage', { kind: 'accept-then-500' });
    const { conversation, root } = await customerAsksForAPerson();
    await testApp.app.delivery.idle();
    expect(standIn.rootsFor(conversation.conversationId)).toHaveLength(1);
    expect(standIn.calls.some((call) => call.method === 'conversations.history')).toBe(true);
    // The thread still works: the recovered root is the one the buttons and replies use.
    await click(ACTION.claim, conversation.conversationId, SAM, root.ts);
    await expect.poll(() => textsFor(conversation)).toContain("You're now chatting with Sam.");
  });

  test('a reminder pings the configured mention in the thread and the channel', async () => {
    const { conversation, root } = await customerAsksForAPerson();
    await slackAdapter().send(staffNotification(conversation.conversationId, { event: 'reminder', text: 'Still waiting for someone to claim this conversation.' }));
    const ping = standIn.threadOf(root.ts).at(-1)!;
    expect(ping.text).toMatch(/^<!here> .*Still unclaimed/);
    expect(ping.reply_broadcast).toBe(true);
  });
});

describe('settings', () => {
  const full = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789', SLACK_HANDOFF_CHANNEL: 'C0123ABCD' };

  test('Slack is on when any of its settings is set, and a partial setup names what is missing', () => {
    expect(isSlackConfigured({})).toBe(false);
    expect(isSlackConfigured({ SLACK_BOT_TOKEN: 'xoxb-1' })).toBe(true);
    try {
      readSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1' });
      expect.unreachable();
    } catch (error) {
      expect(isFrontdeskError(error, 'config_missing')).toBe(true);
      expect((error as Error).message).toMatch(/SLACK_SIGNING_SECRET, SLACK_HANDOFF_CHANNEL are not set/);
    }
    expect(() => readSlackConfig({ ...full, SLACK_HANDOFF_CHANNEL: '#handoffs' })).toThrow(/SLACK_HANDOFF_CHANNEL is invalid: must be a channel ID/);
    expect(() => readSlackConfig({ ...full, FRONTDESK_STAFF_VISIBLE_FIELDS: 'name,ssn' })).toThrow(/unknown field "ssn"/);
  });

  test('defaults: "//" notes, <!here> reminders, name and orders visible', () => {
    const config = readSlackConfig(full);
    expect(config.notePrefix).toBe('//');
    expect(config.reminderMention).toBe('<!here>');
    expect([...config.visibleFields]).toEqual(['name', 'orders']);
    expect(readSlackConfig({ ...full, FRONTDESK_SLACK_REMINDER_MENTION: '<!subteam^S0123ABC>' }).reminderMention).toBe('<!subteam^S0123ABC>');
  });
});
