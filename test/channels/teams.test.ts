import { afterAll, beforeAll, describe, expect, test, vi, type MockInstance } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createId, createLogger, DeliveryError, isFrontdeskError, type ChannelAdapter, type ChannelContext, type Message } from '../../src/index.js';
import { createTeamsChannel } from '../../adapters/teams/index.js';
import { createTeamsAdapter } from '../../adapters/teams/teams-adapter.js';
import { startTestApp, type TestApp } from '../helpers/start-test-chat.js';
import { BOT_FRAMEWORK_ISSUER, createTestCredentialsFactory, OUTBOUND_TEST_TOKEN, startBotFrameworkStandIn, type BotFrameworkStandIn } from '../helpers/bot-framework-stand-in.js';

const APP_ID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const BOT_ID = `28:${APP_ID}`;
const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

let standIn: BotFrameworkStandIn;
/** A second connector, standing in for an attacker's URL: it must never hear from the bot. */
let attacker: BotFrameworkStandIn;
let testApp: TestApp;
let url: string;
let quietConsole: MockInstance[];

beforeAll(async () => {
  // botbuilder prints every refused token (and the public key it tried) with console.error.
  quietConsole = [vi.spyOn(console, 'error').mockImplementation(() => undefined), vi.spyOn(console, 'warn').mockImplementation(() => undefined)];
  [standIn, attacker] = await Promise.all([startBotFrameworkStandIn(), startBotFrameworkStandIn()]);
  const teams = createTeamsChannel({
    auth: {
      openIdMetadataUrl: standIn.openIdMetadataUrl,
      emulatorOpenIdMetadataUrl: standIn.openIdMetadataUrl,
      tokenIssuer: BOT_FRAMEWORK_ISSUER,
      credentialsFactory: createTestCredentialsFactory(APP_ID),
    },
  });
  testApp = await startTestApp({ serveHttp: true, channels: [teams], env: { MicrosoftAppId: APP_ID }, delivery: { baseDelayMilliseconds: 20 } });
  ({ url } = (await testApp.app.start()) as { url: string });
});

afterAll(async () => {
  await testApp?.close();
  await Promise.all([standIn?.close(), attacker?.close()]);
  for (const spy of quietConsole) spy.mockRestore();
});

type Activity = Record<string, unknown> & { id: string; serviceUrl: string; conversation: { id: string; conversationType?: string; tenantId?: string } };

/** A customer's message as Teams posts it to the bot. */
function customerActivity(overrides: Partial<Activity> = {}): Activity {
  return {
    type: 'message',
    id: `1${Math.floor(Math.random() * 1e12)}`,
    channelId: 'msteams',
    serviceUrl: standIn.serviceUrl,
    timestamp: new Date().toISOString(),
    conversation: { id: `a:${randomUUID()}`, conversationType: 'personal', tenantId: 'tenant-1' },
    from: { id: `29:${randomUUID()}`, name: 'Ana Customer', aadObjectId: randomUUID() },
    recipient: { id: BOT_ID, name: 'Riverside Cycles' },
    text: 'hello',
    ...overrides,
  };
}

/** Posts like the Teams channel: a token for our app id and the activity's own serviceUrl, unless told otherwise. */
function post(activity: unknown, options: { token?: string | null } = {}) {
  const token = options.token === undefined ? standIn.token({ appId: APP_ID, serviceUrl: (activity as Activity).serviceUrl }) : options.token;
  return fetch(`${url}/api/teams/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...(token !== null && { authorization: `Bearer ${token}` }) },
    body: typeof activity === 'string' ? activity : JSON.stringify(activity),
  });
}

const journaled = (externalId: string) => testApp.app.store.findJournal('teams', externalId);
const teamsAdapter = () => testApp.app.adapters.get('teams') as ChannelAdapter;
const repliesIn = (conversationId: string) => standIn.received.filter((item) => item.conversationId === conversationId);

describe('a customer writes to the bot in Teams', () => {
  test('a signed message is acknowledged with 200 and the bot\'s reply reaches the connector', async () => {
    const activity = customerActivity();
    const response = await post(activity);
    expect(response.status).toBe(200);
    expect(await journaled(activity.id)).toBeDefined();

    const [reply] = await standIn.waitForActivities(1, { conversationId: activity.conversation.id });
    expect(reply!.activity.text).toMatch(/I'm the automated assistant for Riverside Cycles/);
    expect(reply!.activity.textFormat).toBe('plain');
    expect(reply!.activity.from.id).toBe(BOT_ID);
    expect(reply!.activity.recipient.id).toBe((activity.from as { id: string }).id);
    // Sent proactively (botbuilder posts it as a reply to its own continuation id), not threaded under the customer's message.
    expect(reply!.replyToActivityId).not.toBe(activity.id);
    expect(reply!.authorization).toBe(`Bearer ${OUTBOUND_TEST_TOKEN}`);
  });

  test('the webhook does not wait for the reply: a throttled connector is retried after Retry-After', async () => {
    standIn.failNext(1, 429, { 'retry-after': '1' });
    const activity = customerActivity();
    const startedAt = Date.now();
    expect((await post(activity)).status).toBe(200);
    const [reply] = await standIn.waitForActivities(1, { conversationId: activity.conversation.id });
    expect(reply!.activity.text).toMatch(/automated assistant/);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(950);
  });

  test('the same activity id three times in a row, and three at once, each get one reply', async () => {
    const sequential = customerActivity();
    for (let copy = 0; copy < 3; copy++) expect((await post(sequential)).status).toBe(200);
    const concurrent = customerActivity();
    const statuses = await Promise.all([1, 2, 3].map(() => post(concurrent).then((response) => response.status)));
    expect(statuses).toEqual([200, 200, 200]);

    // A later, different message in each conversation: its reply can only arrive after any duplicate would have.
    for (const activity of [sequential, concurrent]) {
      expect((await post(customerActivity({ conversation: activity.conversation, from: activity.from, text: 'hello again' }))).status).toBe(200);
      await standIn.waitForActivities(2, { conversationId: activity.conversation.id });
      expect(repliesIn(activity.conversation.id)).toHaveLength(2);
    }
  });

  test('a card button pressed again (new activity id, same card and value) runs one turn', async () => {
    const first = customerActivity();
    expect((await post(first)).status).toBe(200);
    await standIn.waitForActivities(1, { conversationId: first.conversation.id });

    const press = () => customerActivity({ conversation: first.conversation, from: first.from, text: undefined, replyToId: 'card-activity-1', value: { text: 'hello' } });
    const [pressed, pressedAgain] = [press(), press()];
    expect(pressed.id).not.toBe(pressedAgain.id);
    expect((await post(pressed)).status).toBe(200);
    expect((await post(pressedAgain)).status).toBe(200);
    // A value without a "text" field is acknowledged and ignored.
    const odd = press();
    odd.value = { choice: 3 };
    expect((await post(odd)).status).toBe(200);

    expect((await post(customerActivity({ conversation: first.conversation, from: first.from, text: 'hello again' }))).status).toBe(200);
    await standIn.waitForActivities(3, { conversationId: first.conversation.id });
    expect(repliesIn(first.conversation.id)).toHaveLength(3);
    expect(await journaled(pressed.id)).toBeUndefined();
    expect(await journaled(odd.id)).toBeUndefined();
  });

  test('in a group chat the bot\'s @mention is removed before the flows read the text', async () => {
    const activity = customerActivity({
      conversation: { id: `19:${randomUUID()}@thread.v2`, conversationType: 'groupChat' },
      text: '<at>Riverside Cycles</at> where is my order?',
      entities: [{ type: 'mention', text: '<at>Riverside Cycles</at>', mentioned: { id: BOT_ID, name: 'Riverside Cycles' } }],
    });
    expect((await post(activity)).status).toBe(200);
    const entry = await journaled(activity.id);
    expect(entry!.payload).toMatchObject({ kind: 'message', message: { text: 'where is my order?' } });
  });

  test('typing, invokes and other activity types get 200 and are ignored', async () => {
    for (const type of ['typing', 'invoke', 'messageReaction']) {
      const activity = customerActivity({ type, text: undefined, name: type === 'invoke' ? 'adaptiveCard/action' : undefined });
      expect((await post(activity)).status, type).toBe(200);
      expect(await journaled(activity.id), type).toBeUndefined();
    }
  });
});

describe('a new member is greeted', () => {
  const memberAdded = (conversationType: string) => {
    const member = { id: `29:${randomUUID()}`, name: 'Ben Newcomer', aadObjectId: randomUUID() };
    return customerActivity({
      type: 'conversationUpdate',
      text: undefined,
      conversation: { id: `${conversationType === 'personal' ? 'a:' : '19:'}${randomUUID()}`, conversationType },
      membersAdded: [member, { id: BOT_ID }],
      from: member,
    });
  };

  test('in a one-to-one chat, with the welcome quick replies as suggested actions', async () => {
    const update = memberAdded('personal');
    expect((await post(update)).status).toBe(200);
    const [greeting] = await standIn.waitForActivities(1, { conversationId: update.conversation.id });
    expect(greeting!.activity.text).toMatch(/automated assistant for Riverside Cycles/);
    expect(greeting!.activity.suggestedActions.actions).toEqual([
      expect.objectContaining({ type: 'imBack', title: 'Opening hours', value: 'What are your opening hours?' }),
      expect.objectContaining({ type: 'imBack', title: 'Track my order', value: 'Where is my order?' }),
      expect.objectContaining({ type: 'imBack', title: 'Talk to a person', value: 'agent' }),
    ]);
  });

  test('installing the bot in a one-to-one chat greets the person who installed it', async () => {
    const update = memberAdded('personal');
    update.membersAdded = [{ id: BOT_ID }];
    expect((await post(update)).status).toBe(200);
    const [greeting] = await standIn.waitForActivities(1, { conversationId: update.conversation.id });
    expect(greeting!.activity.text).toMatch(/automated assistant/);
    expect(greeting!.activity.recipient.id).toBe((update.from as { id: string }).id);
  });

  test('in a group chat, with the quick replies as Adaptive Card buttons that submit their text', async () => {
    const update = memberAdded('groupChat');
    expect((await post(update)).status).toBe(200);
    const [greeting] = await standIn.waitForActivities(1, { conversationId: update.conversation.id });
    expect(greeting!.activity.text).toMatch(/automated assistant/);
    const card = greeting!.activity.attachments[0];
    expect(card.contentType).toBe(ADAPTIVE_CARD);
    expect(card.content.actions.map((action: { type: string; data: unknown }) => [action.type, action.data])).toEqual([
      ['Action.Submit', { text: 'What are your opening hours?' }],
      ['Action.Submit', { text: 'Where is my order?' }],
      ['Action.Submit', { text: 'agent' }],
    ]);
  });
});

describe('later messages go out through the stored conversation reference', () => {
  async function conversationWithReference() {
    const activity = customerActivity();
    expect((await post(activity)).status).toBe(200);
    await standIn.waitForActivities(1, { conversationId: activity.conversation.id });
    return { activity, conversationId: (await journaled(activity.id))!.conversationId };
  }
  const outbound = (conversationId: string, fields: Partial<Message>): Message => ({
    id: createId('m'), conversationId, channel: 'teams', role: 'bot', text: '', createdAt: new Date().toISOString(), ...fields,
  });

  test('a staff reply after a handoff reaches the customer\'s Teams chat', async () => {
    const { activity, conversationId } = await conversationWithReference();
    const receipt = await teamsAdapter().send(outbound(conversationId, { role: 'agent', text: 'Hi, this is Sam from the shop. Your bike is ready.' }));
    const replies = await standIn.waitForActivities(2, { conversationId: activity.conversation.id });
    expect(replies[1]!.activity.text).toBe('Hi, this is Sam from the shop. Your bike is ready.');
    expect(receipt.externalId).toMatch(/^sent-/);
  });

  test('product cards become Adaptive Cards with https links only, and citations a Source line', async () => {
    const { activity, conversationId } = await conversationWithReference();
    await teamsAdapter().send(outbound(conversationId, {
      text: 'Two bikes that fit:',
      cards: [
        { productId: 'P-1', name: 'Tempo AL 8', price: 999, currency: 'USD', reason: 'Comfortable for long rides', url: 'https://riversidecycles.example/p/P-1' },
        { productId: 'P-2', name: 'Tempo AL 10', url: 'http://riversidecycles.example/p/P-2' },
      ],
      citations: [{ source: 'pages/returns.md', heading: 'Refunds' }],
    }));
    const sent = (await standIn.waitForActivities(2, { conversationId: activity.conversation.id }))[1]!.activity;
    expect(sent.text).toBe('Two bikes that fit:\n\nSource: pages/returns.md › Refunds');
    expect(sent.attachmentLayout).toBe('carousel');
    const [first, second] = sent.attachments.map((attachment: { content: { body: Array<{ text: string }>; actions: unknown[] } }) => attachment.content);
    expect(first.body.map((block: { text: string }) => block.text)).toEqual(['Tempo AL 8', '$999.00', 'Comfortable for long rides']);
    expect(first.actions).toEqual([{ type: 'Action.OpenUrl', title: 'View product', url: 'https://riversidecycles.example/p/P-1' }]);
    expect(second.actions).toEqual([]);
  });

  test('connector refusals: 429/412/502/504 are retried (honouring Retry-After), 401/403/404 are not', async () => {
    const { conversationId } = await conversationWithReference();
    const sendExpectingFailure = async (status: number, headers?: Record<string, string>) => {
      standIn.failNext(1, status, headers);
      const error = await teamsAdapter().send(outbound(conversationId, { text: 'status check' })).catch((caught: unknown) => caught);
      expect(error, `HTTP ${status}`).toBeInstanceOf(DeliveryError);
      return (error as DeliveryError).delivery;
    };
    expect(await sendExpectingFailure(429, { 'retry-after': '7' })).toEqual({ isRetryable: true, retryAfterMilliseconds: 7000 });
    for (const status of [412, 502, 504]) expect((await sendExpectingFailure(status)).isRetryable, `HTTP ${status}`).toBe(true);
    for (const status of [401, 403, 404]) expect((await sendExpectingFailure(status)).isRetryable, `HTTP ${status}`).toBe(false);
  });

  test('a conversation Teams never told us about cannot be written to, and says why', async () => {
    const { conversation } = await testApp.app.gateway.openConversation({ channel: 'teams', conversationKey: `a:${randomUUID()}`, customerKey: randomUUID(), greet: false });
    const error = await teamsAdapter().send(outbound(conversation.id, { text: 'hello?' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).delivery.isRetryable).toBe(false);
    expect((error as DeliveryError).message).toMatch(/No Teams conversation reference is stored/);
  });
});

describe('requests that are not from Teams are refused before anything is journaled', () => {
  async function expectRefused(activity: Activity, token: string | null) {
    const response = await post(activity, { token });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'signature_invalid', message: 'The Bot Framework token is missing or invalid.' } });
    expect(await journaled(activity.id)).toBeUndefined();
  }

  test('a token for another app id', async () => {
    const activity = customerActivity();
    await expectRefused(activity, standIn.token({ appId: '00000000-0000-0000-0000-000000000000', serviceUrl: activity.serviceUrl }));
  });

  test('a token expired beyond the 5-minute clock skew', async () => {
    const activity = customerActivity();
    await expectRefused(activity, standIn.token({ appId: APP_ID, serviceUrl: activity.serviceUrl, notBeforeOffsetSeconds: -3600, expiresInSeconds: -6 * 60 }));
  });

  test('no Authorization header while an app id is set', async () => {
    await expectRefused(customerActivity(), null);
  });

  test('a token signed with a key the channel does not publish', async () => {
    const activity = customerActivity();
    await expectRefused(activity, standIn.token({ appId: APP_ID, serviceUrl: activity.serviceUrl, isForged: true }));
  });

  test('a token from another issuer', async () => {
    const activity = customerActivity();
    await expectRefused(activity, standIn.token({ appId: APP_ID, serviceUrl: activity.serviceUrl, issuer: 'https://evil.example' }));
  });

  test('a serviceUrl other than the one the token was issued for, and the other URL hears nothing', async () => {
    const activity = customerActivity({ serviceUrl: attacker.serviceUrl });
    await expectRefused(activity, standIn.token({ appId: APP_ID, serviceUrl: standIn.serviceUrl }));
    // A valid message afterwards is answered, so the bot is working: had the forged one run, its reply would be out too.
    const genuine = customerActivity();
    expect((await post(genuine)).status).toBe(200);
    await standIn.waitForActivities(1, { conversationId: genuine.conversation.id });
    expect(attacker.received).toEqual([]);
  });
});

test('when the signing keys cannot be fetched the answer is 503, so the channel retries, and nothing is journaled', async () => {
  const closedPort = await startBotFrameworkStandIn();
  await closedPort.close();
  const unreachable = createTeamsChannel({ auth: { openIdMetadataUrl: `${closedPort.url}/openid`, emulatorOpenIdMetadataUrl: `${closedPort.url}/openid`, tokenIssuer: BOT_FRAMEWORK_ISSUER, credentialsFactory: createTestCredentialsFactory(APP_ID) } });
  const outageApp = await startTestApp({ serveHttp: true, channels: [unreachable], env: { MicrosoftAppId: APP_ID } });
  try {
    const { url: outageUrl } = (await outageApp.app.start()) as { url: string };
    const activity = customerActivity();
    const response = await fetch(`${outageUrl}/api/teams/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${standIn.token({ appId: APP_ID, serviceUrl: activity.serviceUrl })}` },
      body: JSON.stringify(activity),
    });
    expect(response.status).toBe(503);
    expect(await outageApp.app.store.findJournal('teams', activity.id)).toBeUndefined();
  } finally {
    await outageApp.close();
  }
});

describe('malformed bodies get 400 with the reason', () => {
  test.each([
    ['truncated JSON', '{"type": "message", ', /not valid JSON/],
    ['a JSON array', '[]', /must be a JSON object/],
    ['no type', JSON.stringify({ id: '1', channelId: 'msteams', serviceUrl: 'https://smba.example/', conversation: { id: 'a:1' } }), /"type" is required/],
    ['no conversation id', JSON.stringify({ type: 'message', id: '1', channelId: 'msteams', serviceUrl: 'https://smba.example/', conversation: {}, from: { id: '29:1' } }), /"conversation.id" is required/],
    ['no serviceUrl', JSON.stringify({ type: 'message', id: '1', channelId: 'msteams', conversation: { id: 'a:1' }, from: { id: '29:1' } }), /"serviceUrl" is required/],
    ['a javascript: serviceUrl', JSON.stringify({ type: 'message', id: '1', channelId: 'msteams', serviceUrl: 'javascript:alert(1)', conversation: { id: 'a:1' }, from: { id: '29:1' } }), /"serviceUrl"/],
    ['a message without an id', JSON.stringify({ type: 'message', channelId: 'msteams', serviceUrl: 'https://smba.example/', conversation: { id: 'a:1' }, from: { id: '29:1' } }), /"id" is required on a message/],
  ])('%s', async (_what, body, reason) => {
    const response = await post(body, { token: standIn.token({ appId: APP_ID, serviceUrl: 'https://smba.example/' }) });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('body_invalid');
    expect(error.message).toMatch(reason);
    expect(error.message).not.toMatch(/\n\s+at /);
  });
});

describe('start-up', () => {
  const contextWith = (env: Record<string, string>) => ({ env, logger: createLogger({ level: 'silent' }), now: Date.now }) as unknown as ChannelContext;

  test('Teams settings without an app id, and without emulator mode, are a config error that says why', () => {
    expect(createTeamsChannel().isEnabled({ MicrosoftAppPassword: 'secret' })).toBe(true);
    let error: unknown;
    try {
      createTeamsAdapter({ context: contextWith({ MicrosoftAppPassword: 'secret' }) });
    } catch (caught) {
      error = caught;
    }
    expect(isFrontdeskError(error, 'config_missing')).toBe(true);
    expect((error as Error).message).toMatch(/MicrosoftAppId is not set.*accepts unauthenticated requests.*FRONTDESK_TEAMS_EMULATOR=1/s);
  });

  test('with nothing set, Teams is simply off', () => {
    expect(createTeamsChannel().isEnabled({})).toBe(false);
    expect(createTeamsChannel().isEnabled({ FRONTDESK_TEAMS_EMULATOR: '0' })).toBe(false);
  });
});

describe('emulator mode (FRONTDESK_TEAMS_EMULATOR=1, no app id)', () => {
  test('accepts unsigned activities from a loopback serviceUrl and replies, but refuses any other serviceUrl', async () => {
    const emulatorApp = await startTestApp({ serveHttp: true, channels: [createTeamsChannel()], env: { FRONTDESK_TEAMS_EMULATOR: '1' } });
    try {
      const { url: emulatorUrl } = (await emulatorApp.app.start()) as { url: string };
      const send = (activity: Activity) =>
        fetch(`${emulatorUrl}/api/teams/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...activity, channelId: 'emulator' }) });

      const local = customerActivity();
      expect((await send(local)).status).toBe(200);
      const [reply] = await standIn.waitForActivities(1, { conversationId: local.conversation.id });
      expect(reply!.activity.text).toMatch(/automated assistant/);
      expect(reply!.authorization).toBeUndefined();

      const remote = customerActivity({ serviceUrl: 'https://smba.trafficmanager.net/amer/' });
      expect((await send(remote)).status).toBe(401);
      expect(await emulatorApp.app.store.findJournal('teams', remote.id)).toBeUndefined();
    } finally {
      await emulatorApp.close();
    }
  });
});
