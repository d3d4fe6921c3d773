import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSmsChannel } from '../../adapters/sms/index.js';
import { countSegments } from '../../adapters/sms/render.js';
import { createFrontdesk, createId, createLogger, DeliveryError, FrontdeskError, readConfig, type Frontdesk, type Message } from '../../src/index.js';
import { loadProjectFlows, projectRoot, startTestApp, type TestApp } from '../helpers/start-test-chat.js';
import { incomingSmsParams, postStatusCallback, postTwilioWebhook, startTwilioStandIn, twilioSignature, waitFor, type TwilioStandIn } from '../helpers/twilio-stand-in.js';

const ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
const AUTH_TOKEN = '0123456789abcdef0123456789abcdef';
const BUSINESS_NUMBER = '+15035550100';
const CONTACT = '+1 503 555 0199 or help@riverside.example';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const smsEnv = (apiUrl: string, extra: Record<string, string> = {}) => ({
  TWILIO_ACCOUNT_SID: ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_PHONE_NUMBER: BUSINESS_NUMBER,
  TWILIO_API_URL: apiUrl,
  FRONTDESK_CONTACT: CONTACT,
  ...extra,
});

let nextCustomer = 1000;
/** A fresh customer number per test, so tests share one server without sharing a conversation. */
const newCustomer = () => `+1503555${String(nextCustomer++).padStart(4, '0')}`;

describe('SMS over Twilio: the real server, the real twilio SDK, a Twilio stand-in', () => {
  let twilioApi: TwilioStandIn;
  let testApp: TestApp;
  let app: Frontdesk;
  let inboundUrl: string;

  beforeAll(async () => {
    twilioApi = await startTwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    testApp = await startTestApp({
      serveHttp: true,
      channels: [createSmsChannel({ reconcileDelayMilliseconds: 150 })],
      env: smsEnv(twilioApi.url),
      delivery: { baseDelayMilliseconds: 20 },
    });
    app = testApp.app;
    const { url } = await app.start();
    inboundUrl = `${url}/api/sms/twilio`;
  });
  afterAll(async () => {
    await testApp?.close();
    await twilioApi?.close();
  });

  const text = (from: string, body: string, options: { messageSid?: string; extra?: Record<string, string> } = {}) => {
    const params = incomingSmsParams({ from, to: BUSINESS_NUMBER, body, accountSid: ACCOUNT_SID, ...options });
    return { params, post: () => postTwilioWebhook(inboundUrl, params, { authToken: AUTH_TOKEN }) };
  };
  const send = async (from: string, body: string, options: { messageSid?: string; extra?: Record<string, string> } = {}) => {
    const request = text(from, body, options);
    return { ...(await request.post()), messageSid: request.params.MessageSid! };
  };
  const smsAdapter = () => app.adapters.get('sms')!;
  const conversationOf = async (messageSid: string) => (await app.store.findJournal('sms', messageSid))!.conversationId;
  /** The transcript once the bot's replies to `messageSid` are committed and delivered (a turn commits them together). */
  const repliesSettled = async (conversationId: string, messageSid: string) => {
    await waitFor(async () => {
      const transcript = await app.store.transcript(conversationId);
      const index = transcript.findIndex((message) => message.externalId === messageSid);
      return index !== -1 && transcript.slice(index + 1).some((message) => message.role === 'bot');
    }, 'the bot to answer');
    await app.delivery.idle();
    return app.store.transcript(conversationId);
  };

  test('a signed SMS is journaled and answered with empty TwiML at once; the reply arrives through the Messages API', async () => {
    const customer = newCustomer();
    const response = await send(customer, 'hello');
    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(/^text\/xml/);
    expect(response.body).toBe(EMPTY_TWIML);
    const journaled = await app.store.findJournal('sms', response.messageSid);
    expect(journaled?.payload).toMatchObject({ kind: 'message', message: { text: 'hello', role: 'customer', channel: 'sms' } });

    const [reply] = await waitFor(() => twilioApi.messagesTo(customer).length > 0 && twilioApi.messagesTo(customer), 'the welcome reply');
    expect(reply!.from).toBe(BUSINESS_NUMBER);
    expect(reply!.body).toMatch(/automated assistant for Riverside Cycles/);
    expect(reply!.body).toMatch(/\nReply 1 for Opening hours, 2 for Track my order, 3 for Talk to a person$/);
    expect(reply!.statusCallback).toMatch(new RegExp(`^${inboundUrl}/status\\?outboxId=m_[a-z0-9]+$`));
  });

  test('a forged signature gets 403, the signature is not echoed, and nothing is journaled', async () => {
    const customer = newCustomer();
    const { params } = text(customer, 'hello');
    const forged = 'bm90IGEgcmVhbCBzaWduYXR1cmU=';
    const response = await postTwilioWebhook(inboundUrl, params, { authToken: AUTH_TOKEN, signature: forged });
    expect(response.status).toBe(403);
    expect(response.body).not.toContain(forged);
    const wrongToken = await postTwilioWebhook(inboundUrl, params, { authToken: 'ffffffffffffffffffffffffffffffff' });
    expect(wrongToken.status).toBe(403);
    expect(JSON.parse(wrongToken.body).error.code).toBe('signature_invalid');
    expect(await app.store.findJournal('sms', params.MessageSid!)).toBeUndefined();
  });

  test('a missing signature gets 403 and nothing is journaled', async () => {
    const { params } = text(newCustomer(), 'hello');
    const response = await postTwilioWebhook(inboundUrl, params, { authToken: AUTH_TOKEN, signature: null });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body).error.message).toMatch(/missing/);
    expect(await app.store.findJournal('sms', params.MessageSid!)).toBeUndefined();
  });

  test('one parameter changed, added or removed after signing gets 403', async () => {
    const customer = newCustomer();
    const { params } = text(customer, 'hello');
    const signature = twilioSignature(AUTH_TOKEN, inboundUrl, params);
    const signedFor = (changed: Record<string, string>) => postTwilioWebhook(inboundUrl, changed, { authToken: AUTH_TOKEN, signature });
    const { Body: _removed, ...withoutBody } = params;
    for (const [what, changed] of [
      ['Body changed', { ...params, Body: 'hello!' }],
      ['From changed', { ...params, From: newCustomer() }],
      ['a parameter added', { ...params, Extra: 'x' }],
      ['a parameter removed', withoutBody],
      ['trailing space (a trimming parser would make it valid again)', { ...params, Body: 'hello ' }],
    ] as const) {
      const response = await signedFor(changed);
      expect(response.status, what).toBe(403);
    }
    expect(await app.store.findJournal('sms', params.MessageSid!)).toBeUndefined();
  });

  test('a request signed for another scheme, host, port or path gets 403', async () => {
    const { params } = text(newCustomer(), 'hello');
    const url = new URL(inboundUrl);
    for (const signedUrl of [`https://evil.example${url.pathname}`, `http://${url.hostname}:1${url.pathname}`, `${url.origin}/api/sms/other`, `${inboundUrl}?x=1`]) {
      const response = await postTwilioWebhook(inboundUrl, params, { authToken: AUTH_TOKEN, signedUrl });
      expect(response.status, signedUrl).toBe(403);
    }
    expect(await app.store.findJournal('sms', params.MessageSid!)).toBeUndefined();
  });

  test('the same MessageSid five times, one after another and all at once, gets exactly one reply', async () => {
    const sequential = newCustomer();
    const first = text(sequential, 'hello');
    for (let copy = 0; copy < 5; copy++) {
      const response = await first.post();
      expect(response.status).toBe(200);
      expect(response.body).toBe(EMPTY_TWIML);
    }
    const concurrent = newCustomer();
    const second = text(concurrent, 'hello');
    const responses = await Promise.all(Array.from({ length: 5 }, () => second.post()));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);

    for (const [customer, request] of [[sequential, first], [concurrent, second]] as const) {
      const transcript = await repliesSettled(await conversationOf(request.params.MessageSid!), request.params.MessageSid!);
      expect(transcript.filter((message) => message.role === 'customer')).toHaveLength(1); // one journal row, one turn
      expect(twilioApi.messagesTo(customer).map((message) => message.body)).toHaveLength(transcript.filter((message) => message.role === 'bot').length);
      expect(twilioApi.messagesTo(customer)).toHaveLength(1); // "hello" → the welcome, once
    }
  });

  test('STOP gets one confirmation, and nothing reaches that number afterwards: not a queued reply, not a staff message', async () => {
    const customer = newCustomer();
    // The bot's reply to "hello" meets a 429 and waits a second for its retry: it is queued when STOP arrives.
    twilioApi.failSends({ kind: 'status', status: 429, retryAfterSeconds: 1 }, { to: customer });
    await send(customer, 'hello');
    await waitFor(() => twilioApi.attemptsTo(customer).length === 1, 'the first (rate-limited) attempt');

    const stop = text(customer, 'STOP');
    const stopped = await stop.post();
    expect(stopped.status).toBe(200);
    expect(stopped.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Message>You\'re unsubscribed from Riverside Cycles messages. Reply START to resubscribe.</Message></Response>');
    expect((await stop.post()).body).toBe(EMPTY_TWIML); // Twilio retrying the same STOP: no second confirmation
    expect((await send(customer, 'stop texting me')).body).toBe(EMPTY_TWIML); // already opted out: nothing more
    expect((await send(customer, 'are you still there?')).body).toBe(EMPTY_TWIML); // the bot stays silent

    const journaled = await app.store.findJournal('sms', stop.params.MessageSid!);
    expect(journaled?.payload).toMatchObject({ kind: 'event', event: { type: 'sms.consent', action: 'opt-out', text: 'STOP' } });

    await app.delivery.idle(); // the queued reply's retry runs and is refused
    const conversationId = journaled!.conversationId;
    expect((await app.store.undeliveredOutbox()).filter((entry) => entry.conversationId === conversationId)).toEqual([]);

    const staffMessage: Message = { id: createId('m'), conversationId, channel: 'sms', role: 'agent', text: 'Hi, this is Sam from the shop.', createdAt: new Date().toISOString() };
    const refusal = await smsAdapter().send(staffMessage).then(() => undefined, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(DeliveryError);
    expect((refusal as DeliveryError).delivery.isRetryable).toBe(false);
    expect((refusal as DeliveryError).message).toMatch(/opted out/);
    expect((refusal as DeliveryError).message).not.toContain(customer);
    app.delivery.enqueue([{ message: { ...staffMessage, id: createId('m') }, attempts: 0 }]);
    await app.delivery.idle();

    expect(twilioApi.messagesTo(customer)).toEqual([]);
    expect(twilioApi.attemptsTo(customer)).toHaveLength(1); // only the rate-limited attempt from before STOP
  });

  test('START after STOP re-enables messages with a short confirmation; YES opts in only after STOP', async () => {
    const customer = newCustomer();
    const yes = await send(customer, 'yes');
    expect(yes.body).toBe(EMPTY_TWIML);
    expect((await app.store.findJournal('sms', yes.messageSid))?.payload).toMatchObject({ kind: 'message', message: { text: 'yes' } });
    await waitFor(() => twilioApi.messagesTo(customer).length > 0, 'the reply to "yes"');
    await app.delivery.idle();
    const before = twilioApi.messagesTo(customer).length;

    await send(customer, 'Stop.');
    const started = await send(customer, 'START');
    expect(started.body).toMatch(/<Message>You're resubscribed to Riverside Cycles messages\. Reply HELP for help, STOP to unsubscribe\.<\/Message>/);
    await send(customer, 'hello');
    await waitFor(() => twilioApi.messagesTo(customer).length > before, 'a reply after START');

    await send(customer, 'STOP');
    expect((await send(customer, 'YES')).body).toMatch(/resubscribed/);
  });

  test('HELP answers with the business name and contact details, outside the conversation flow', async () => {
    const customer = newCustomer();
    const help = await send(customer, 'HELP');
    expect(help.body).toContain('<Message>Riverside Cycles automated customer service. Contact us: +1 503 555 0199 or help@riverside.example. Reply STOP to unsubscribe. Msg&amp;data rates may apply.</Message>');
    expect((await app.store.findJournal('sms', help.messageSid))?.payload).toMatchObject({ kind: 'event', event: { type: 'sms.consent', action: 'help' } });
    await app.delivery.idle();
    expect(twilioApi.messagesTo(customer)).toEqual([]);
  });

  test('"2" picks the second of the last numbered choices, and the original text is kept', async () => {
    const customer = newCustomer();
    const hello = await send(customer, 'hello');
    await waitFor(() => twilioApi.messagesTo(customer).length === 1, 'the welcome with three choices');
    const picked = await send(customer, ' 2 ');
    const message = (await app.store.findJournal('sms', picked.messageSid))!.payload;
    expect(message).toMatchObject({ kind: 'message', message: { text: 'Where is my order?', channelData: { originalText: ' 2 ', choice: { number: 2, label: 'Track my order' } } } });

    // Whatever the bot answers next, a number now refers to ITS choices (or to none, if it offered none).
    const transcript = await repliesSettled(await conversationOf(hello.messageSid), picked.messageSid);
    const latestChoices = transcript.at(-1)!.quickReplies ?? [];
    const outOfRange = await send(customer, `${latestChoices.length + 1}.`);
    expect((await app.store.findJournal('sms', outOfRange.messageSid))!.payload).toMatchObject({ message: { text: `${latestChoices.length + 1}.` } });
    const again = await repliesSettled(transcript[0]!.conversationId, outOfRange.messageSid);
    const choices = again.at(-1)!.quickReplies;
    if (choices?.length) {
      expect(twilioApi.messagesTo(customer).at(-1)!.body).toMatch(/Reply 1 for /);
      const one = await send(customer, '#1');
      expect((await app.store.findJournal('sms', one.messageSid))!.payload).toMatchObject({ message: { text: choices[0]!.value, channelData: { originalText: '#1' } } });
    }
  });

  test('a long answer goes out as several messages split at sentence boundaries, each within two segments', async () => {
    const customer = newCustomer();
    const first = await send(customer, 'hello');
    await waitFor(() => twilioApi.messagesTo(customer).length === 1, 'the welcome');
    const sentences = Array.from({ length: 8 }, (_, index) => `Point ${index + 1}: our workshop checks brakes, gears and tyres, and we call you before any extra work.`);
    sentences.push('Questions? Reply here 🚲 any time.');
    const long: Message = { id: createId('m'), conversationId: await conversationOf(first.messageSid), channel: 'sms', role: 'bot', text: sentences.join(' '), createdAt: new Date().toISOString() };
    const receipt = await smsAdapter().send(long);

    const parts = twilioApi.messagesTo(customer).slice(1);
    expect(parts.length).toBeGreaterThan(1);
    expect(receipt.externalId!.split(',')).toEqual(parts.map((part) => part.sid));
    for (const part of parts) {
      expect(countSegments(part.body).segments).toBeLessThanOrEqual(2);
      expect(part.body).toMatch(/[.?]$/);
    }
    expect(parts.map((part) => part.body).join(' ')).toBe(long.text);
    expect(parts.at(-1)!.statusCallback).toMatch(/outboxId=m_[a-z0-9]+&part=\d+$/);
    // Sending the same outbox message again (a retry after a crash) sends nothing twice.
    await smsAdapter().send(long);
    expect(twilioApi.messagesTo(customer).slice(1)).toHaveLength(parts.length);
  });

  test('status callbacks only move a message\'s delivery state forward, and must be signed too', async () => {
    const customer = newCustomer();
    await send(customer, 'hello');
    const [reply] = await waitFor(() => twilioApi.messagesTo(customer).length === 1 && twilioApi.messagesTo(customer), 'the reply');
    const outboxId = new URL(reply!.statusCallback!).searchParams.get('outboxId')!;
    const state = app.store.channelState('sms');
    const callback = (status: string, errorCode?: string) => postStatusCallback(reply!, status, { authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID, errorCode });

    expect((await callback('sent')).status).toBe(200);
    expect(await state.get(`status:${outboxId}`)).toMatchObject({ status: 'sent', sid: reply!.sid });
    await callback('delivered');
    expect((await callback('sent')).status).toBe(200); // late, out of order: ignored
    expect(await state.get(`status:${outboxId}`)).toMatchObject({ status: 'delivered' });
    await callback('undelivered', '30003');
    expect(await state.get(`status:${outboxId}`)).toMatchObject({ status: 'delivered' });
    await callback('read');
    expect(await state.get(`status:${outboxId}`)).toMatchObject({ status: 'read' });

    const forged = await postStatusCallback(reply!, 'failed', { authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID, signature: 'Zm9yZ2Vk' });
    expect(forged.status).toBe(403);
    expect(await state.get(`status:${outboxId}`)).toMatchObject({ status: 'read' });
  });

  test('status callbacks arriving at once still end on the furthest state', async () => {
    const customer = newCustomer();
    await send(customer, 'hello');
    const [reply] = await waitFor(() => twilioApi.messagesTo(customer).length === 1 && twilioApi.messagesTo(customer), 'the reply');
    const outboxId = new URL(reply!.statusCallback!).searchParams.get('outboxId')!;
    await Promise.all(['delivered', 'sent', 'sending', 'queued', 'sent'].map((status) => postStatusCallback(reply!, status, { authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID })));
    expect(await app.store.channelState('sms').get(`status:${outboxId}`)).toMatchObject({ status: 'delivered' });
  });

  test('an ambiguous send (Twilio accepts, then answers 500) is reconciled and not sent twice', async () => {
    const customer = newCustomer();
    twilioApi.failSends({ kind: 'accept-then-500' }, { to: customer });
    const listCallsBefore = twilioApi.listCalls;
    const first = await send(customer, 'hello');
    const conversationId = await waitFor(() => app.store.findJournal('sms', first.messageSid).then((entry) => entry?.conversationId), 'the journal entry');
    await waitFor(async () => twilioApi.attemptsTo(customer).length >= 1 && (await app.store.undeliveredOutbox()).every((entry) => entry.conversationId !== conversationId), 'the reply to be settled', 8000);

    const bodies = twilioApi.messagesTo(customer).map((message) => message.body);
    expect(new Set(bodies).size).toBe(bodies.length); // nothing sent twice
    expect(twilioApi.attemptsTo(customer)).toHaveLength(bodies.length); // no blind resend of the accepted one
    expect(twilioApi.listCalls).toBeGreaterThan(listCallsBefore); // it asked Twilio instead
    const outboxId = new URL(twilioApi.messagesTo(customer)[0]!.statusCallback!).searchParams.get('outboxId')!;
    expect(await app.store.channelState('sms').get(`maybe:${outboxId}`)).toBeUndefined();
    expect(await app.store.channelState('sms').get(`sent:${outboxId}`)).toMatchObject({ sid: twilioApi.messagesTo(customer)[0]!.sid });
  });

  test('a 500 that Twilio did not accept is checked, then sent exactly once', async () => {
    const customer = newCustomer();
    twilioApi.failSends({ kind: 'status', status: 500 }, { to: customer });
    await send(customer, 'hello');
    await waitFor(() => twilioApi.messagesTo(customer).length === 1, 'the reply after reconciliation', 8000);
    await app.delivery.idle();
    expect(twilioApi.attemptsTo(customer).map((attempt) => attempt.status)).toEqual([500, 201]);
    expect(twilioApi.messagesTo(customer)).toHaveLength(1);
    expect(twilioApi.attemptsTo(customer)[0]!.body).toBe(twilioApi.messagesTo(customer)[0]!.body);
  });

  test('a 429 is retried no earlier than its Retry-After', async () => {
    const customer = newCustomer();
    twilioApi.failSends({ kind: 'status', status: 429, retryAfterSeconds: 1 }, { to: customer });
    await send(customer, 'hello');
    await waitFor(() => twilioApi.messagesTo(customer).length === 1, 'the reply after the 429', 8000);
    const [limited, accepted] = twilioApi.attemptsTo(customer);
    expect(limited!.status).toBe(429);
    expect(accepted!.at - limited!.at).toBeGreaterThanOrEqual(1000);
  });

  test('Twilio refusing a number (21211 invalid, 21610 opted out) dead-letters at once; 21610 also suppresses the number', async () => {
    const invalid = newCustomer();
    const first = await send(invalid, 'hello');
    await waitFor(() => twilioApi.messagesTo(invalid).length === 1, 'the welcome');
    const conversationId = await conversationOf(first.messageSid);
    const message = (text: string): Message => ({ id: createId('m'), conversationId, channel: 'sms', role: 'bot', text, createdAt: new Date().toISOString() });

    twilioApi.failSends({ kind: 'status', status: 400, code: 21211 }, { to: invalid });
    const refused = await smsAdapter().send(message('One more thing.')).catch((error: DeliveryError) => error);
    expect(refused).toBeInstanceOf(DeliveryError);
    expect((refused as DeliveryError).delivery.isRetryable).toBe(false);
    expect((refused as DeliveryError).message).toMatch(/not a valid phone number/);

    twilioApi.failSends({ kind: 'status', status: 400, code: 21610 }, { to: invalid });
    const optedOut = await smsAdapter().send(message('And another.')).catch((error: DeliveryError) => error);
    expect((optedOut as DeliveryError).delivery.isRetryable).toBe(false);
    expect(await app.store.channelState('sms').get(`suppressed:${invalid}`)).toMatchObject({ source: 'twilio' });
    const attempts = twilioApi.attemptsTo(invalid).length;
    await expect(smsAdapter().send(message('Still there?'))).rejects.toThrow(/opted out/);
    expect(twilioApi.attemptsTo(invalid)).toHaveLength(attempts);
  });

  test('malformed but signed webhooks get 400 with the reason; nothing is journaled', async () => {
    const customer = newCustomer();
    const base = incomingSmsParams({ from: customer, to: BUSINESS_NUMBER, body: 'hi', accountSid: ACCOUNT_SID });
    const { From: _from, ...noFrom } = base;
    const { MessageSid: _sid, ...noSid } = base;
    const { Body: _body, ...noBody } = base;
    for (const [params, reason] of [
      [noFrom, /"From" is missing/],
      [noSid, /"MessageSid" is missing/],
      [noBody, /"Body" is missing/],
      [{ ...base, Body: 'x'.repeat(50_000) }, /"Body" is 50000 characters/],
    ] as const) {
      const response = await postTwilioWebhook(inboundUrl, params, { authToken: AUTH_TOKEN });
      expect(response.status, String(reason)).toBe(400);
      expect(JSON.parse(response.body).error).toMatchObject({ code: 'body_invalid', message: expect.stringMatching(reason) });
    }
    const json = await postTwilioWebhook(inboundUrl, {}, { authToken: AUTH_TOKEN, body: JSON.stringify(base), contentType: 'application/json' });
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body).error.message).toMatch(/application\/x-www-form-urlencoded/);
    expect(await app.store.findJournal('sms', base.MessageSid!)).toBeUndefined();
  });

  test('an MMS with an empty body carries its media as attachments', async () => {
    const customer = newCustomer();
    const mediaUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM1/Media/ME1`;
    const response = await send(customer, '', { extra: { NumMedia: '1', MediaUrl0: mediaUrl, MediaContentType0: 'image/jpeg' } });
    expect(response.status).toBe(200);
    expect((await app.store.findJournal('sms', response.messageSid))!.payload).toMatchObject({ message: { text: '', attachments: [{ url: mediaUrl, contentType: 'image/jpeg' }] } });
  });

  test('when the journal cannot be written the webhook answers 503 and nothing is journaled', async () => {
    const store = app.store as { writeBatch: typeof app.store.writeBatch };
    const original = store.writeBatch;
    store.writeBatch = () => Promise.reject(new FrontdeskError('store_failed', 'SQLite failed to write a batch: disk I/O error'));
    try {
      const response = await send(newCustomer(), 'hello');
      expect(response.status).toBe(503);
      store.writeBatch = original;
      expect(await app.store.findJournal('sms', response.messageSid)).toBeUndefined();
    } finally {
      store.writeBatch = original;
    }
  });
});

describe('SMS behind a proxy, and what the logs hold', () => {
  test('behind a TLS proxy, a request signed for FRONTDESK_PUBLIC_URL is accepted although Host and scheme differ', async () => {
    const twilioApi = await startTwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const publicUrl = 'https://sms.riverside.example/frontdesk';
    const testApp = await startTestApp({ serveHttp: true, channels: [createSmsChannel()], env: { ...smsEnv(twilioApi.url), FRONTDESK_PUBLIC_URL: publicUrl } });
    try {
      const { url } = await testApp.app.start();
      const customer = newCustomer();
      const params = incomingSmsParams({ from: customer, to: BUSINESS_NUMBER, body: 'hello', accountSid: ACCOUNT_SID });
      const viaProxy = { authToken: AUTH_TOKEN, host: 'frontdesk-internal:3000', signedUrl: `${publicUrl}/api/sms/twilio` };
      const accepted = await postTwilioWebhook(`${url}/api/sms/twilio`, params, viaProxy);
      expect(accepted.status).toBe(200);
      const [reply] = await waitFor(() => twilioApi.messagesTo(customer).length === 1 && twilioApi.messagesTo(customer), 'the reply');
      expect(reply!.statusCallback).toMatch(/^https:\/\/sms\.riverside\.example\/frontdesk\/api\/sms\/twilio\/status\?outboxId=m_/);

      // With a public URL configured, it is the only URL accepted: the URL we see locally is not.
      const other = incomingSmsParams({ from: customer, to: BUSINESS_NUMBER, body: 'hello', accountSid: ACCOUNT_SID });
      expect((await postTwilioWebhook(`${url}/api/sms/twilio`, other, { authToken: AUTH_TOKEN })).status).toBe(403);

      // Query values with ', + and %20 are accepted when signed exactly as Twilio signs them.
      const statusPath = `/api/sms/twilio/status?outboxId=m_quoted&note=it's+a%20test`;
      const status = await postTwilioWebhook(`${url}${statusPath}`, { MessageSid: 'SMquoted', MessageStatus: 'sent' }, { authToken: AUTH_TOKEN, host: 'frontdesk-internal:3000', signedUrl: `${publicUrl}${statusPath}` });
      expect(status.status).toBe(200);
      expect(await testApp.app.store.channelState('sms').get('status:m_quoted')).toMatchObject({ status: 'sent' });
    } finally {
      await testApp.close();
      await twilioApi.close();
    }
  });

  test('logs name what happened without phone numbers or message text', async () => {
    const twilioApi = await startTwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const dataDirectory = mkdtempSync(join(tmpdir(), 'frontdesk-sms-logs-'));
    const env = { PORT: '0', FRONTDESK_DATA_DIR: dataDirectory, ...smsEnv(twilioApi.url) };
    const app = await createFrontdesk({
      config: readConfig(env),
      env,
      flows: await loadProjectFlows(),
      rootDirectory: projectRoot,
      channels: [createSmsChannel({ reconcileDelayMilliseconds: 100 })],
      logger: createLogger({ level: 'debug', destination }),
      delivery: { baseDelayMilliseconds: 20 },
    });
    try {
      const { url } = await app.start();
      const inbound = `${url}/api/sms/twilio`;
      const customer = '+15039876542';
      const secretText = 'my secret words';
      const post = (body: string, options: { signature?: string | null } = {}) =>
        postTwilioWebhook(inbound, incomingSmsParams({ from: customer, to: BUSINESS_NUMBER, body, accountSid: ACCOUNT_SID }), { authToken: AUTH_TOKEN, ...options });
      twilioApi.failSends({ kind: 'accept-then-500' }, { to: customer });
      expect((await post(secretText, { signature: 'Zm9yZ2Vk' })).status).toBe(403);
      await post(secretText);
      await waitFor(() => twilioApi.messagesTo(customer).length >= 1 && lines.some((line) => line.includes('reached Twilio')), 'the reconciled reply');
      await post('STOP');
      await app.delivery.idle();

      const log = lines.join('');
      expect(log).toMatch(/refused a webhook not signed by Twilio/);
      expect(log).toMatch(/SMS maybe sent/);
      expect(log).toContain('+1…42');
      expect(log).not.toContain('9876542');
      expect(log).not.toContain(secretText);
      expect(log).not.toMatch(/automated assistant/);
    } finally {
      await app.stop();
      await twilioApi.close();
      rmSync(dataDirectory, { recursive: true, force: true });
    }
  });
});
