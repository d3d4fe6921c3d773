import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { DeliveryError, createSqliteStore, type ChannelAdapter, type Message } from '../../../src/index.js';
import { createCaptureAdapter, projectRoot, startTestApp, type TestApp } from '../../helpers/start-test-chat.js';

const counterFlows = join(projectRoot, 'test/fixtures/counter-flows');
let dataDirectory: string;
const apps: TestApp[] = [];
beforeEach(() => (dataDirectory = mkdtempSync(join(tmpdir(), 'frontdesk-runtime-'))));
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  rmSync(dataDirectory, { recursive: true, force: true });
});

async function start(options: { adapters?: ChannelAdapter[]; env?: Record<string, string> } = {}) {
  const testApp = await startTestApp({ flowsDirectory: counterFlows, dataDirectory, adapters: options.adapters ?? [createCaptureAdapter('sms')], env: options.env });
  apps.push(testApp);
  const started = await testApp.app.start();
  return { ...testApp, started };
}

const text = (phone: string, body: string, externalId = `${phone}:${body}`) => ({ channel: 'sms' as const, externalId, conversationKey: phone, customerKey: phone, text: body });
const replyTexts = async (received: Promise<{ replies: Promise<Message[]> }>) => (await (await received).replies).map((message) => message.text);

test('a conversation keeps its state across a restart', async () => {
  const first = await start();
  expect(await replyTexts(first.app.gateway.receive(text('+15550100001', 'one')))).toEqual(['#1 one']);
  await apps.pop()!.app.stop();
  const second = await start();
  expect(await replyTexts(second.app.gateway.receive(text('+15550100001', 'two')))).toEqual(['#2 two']);
});

test('idle actors leave memory and come back from their snapshot', async () => {
  let clock = Date.parse('2026-11-23T10:00:00Z');
  const testApp = await startTestApp({ flowsDirectory: counterFlows, dataDirectory, adapters: [createCaptureAdapter('sms')], env: { FRONTDESK_ACTOR_IDLE_SECONDS: '60' }, now: () => clock });
  apps.push(testApp);
  await testApp.app.start();
  await replyTexts(testApp.app.gateway.receive(text('+15550100002', 'a')));
  expect(testApp.app.runtime.liveActorCount()).toBe(1);
  clock += 30_000;
  expect(testApp.app.runtime.evictIdle()).toBe(0);
  clock += 31_000;
  expect(testApp.app.runtime.evictIdle()).toBe(1);
  expect(testApp.app.runtime.liveActorCount()).toBe(0);
  expect(await replyTexts(testApp.app.gateway.receive(text('+15550100002', 'b')))).toEqual(['#2 b']);
  expect(testApp.app.runtime.liveActorCount()).toBe(1);
});

test('a snapshot from a flow version whose states no longer exist restarts the conversation at a safe state', async () => {
  const first = await start();
  const received = await first.app.gateway.receive(text('+15550100003', 'one'));
  await received.replies;
  await apps.pop()!.app.stop();
  const db = new Database(join(dataDirectory, 'frontdesk.db'));
  db.prepare("UPDATE snapshots SET flow_version = 'retired', snapshot = json_set(snapshot, '$.value', 'stateThatWasRemoved')").run();
  db.close();
  const second = await start();
  expect(await replyTexts(second.app.gateway.receive(text('+15550100003', 'two')))).toEqual(['#1 two']);
});

test('a snapshot from another flow version that still fits is restored as it is', async () => {
  const first = await start();
  await (await first.app.gateway.receive(text('+15550100004', 'one'))).replies;
  await apps.pop()!.app.stop();
  const db = new Database(join(dataDirectory, 'frontdesk.db'));
  db.prepare("UPDATE snapshots SET flow_version = 'older'").run();
  db.close();
  const second = await start();
  expect(await replyTexts(second.app.gateway.receive(text('+15550100004', 'two')))).toEqual(['#2 two']);
});

test('journaled but unprocessed messages are processed at start, in arrival order', async () => {
  const store = createSqliteStore({ file: join(dataDirectory, 'frontdesk.db') });
  const journal = ['first', 'second', 'third'].map((body) => ({
    id: `m_${body}`,
    channel: 'sms' as const,
    externalId: `SM-${body}`,
    conversationKey: '+15550100005',
    customerKey: '+15550100005',
    receivedAt: new Date().toISOString(),
    payload: (conversationId: string) => ({ kind: 'message' as const, message: { id: `m_${body}`, conversationId, channel: 'sms' as const, role: 'customer' as const, text: body, createdAt: new Date().toISOString() } }),
  }));
  await store.writeBatch({ journal, turns: [], deliveries: [] });
  await store.close();
  const capture = createCaptureAdapter('sms');
  const restarted = await start({ adapters: [capture] });
  expect(restarted.started.recovered.journal).toBe(3);
  await expect.poll(() => capture.sent.map((message) => message.text)).toEqual(['#1 first', '#2 second', '#3 third']);
  await restarted.app.delivery.idle();
  expect(await restarted.app.store.pendingJournal()).toEqual([]);
  expect(await restarted.app.store.undeliveredOutbox()).toEqual([]);
});

test('replies committed but not delivered before a stop are delivered at the next start, once', async () => {
  const failing: ChannelAdapter = { channel: 'sms', mount: () => undefined, send: async () => { throw new DeliveryError('platform down', { isRetryable: true, retryAfterMilliseconds: 60_000 }); } };
  const first = await start({ adapters: [failing] });
  expect(await replyTexts(first.app.gateway.receive(text('+15550100006', 'hello')))).toEqual(['#1 hello']);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await apps.pop()!.app.stop();
  const capture = createCaptureAdapter('sms');
  const second = await start({ adapters: [capture] });
  expect(second.started.recovered.outbox).toBe(1);
  await second.app.delivery.idle();
  expect(capture.sent.map((message) => message.text)).toEqual(['#1 hello']);
  expect(await second.app.store.undeliveredOutbox()).toEqual([]);
});

test('stopping delivery wakes a retry that waits for its backoff; the reply stays in the outbox for the next start', async () => {
  let calls = 0;
  const down: ChannelAdapter = { channel: 'sms', mount: () => undefined, send: async () => { calls++; throw new DeliveryError('platform down', { isRetryable: true, retryAfterMilliseconds: 60_000 }); } };
  const testApp = await start({ adapters: [down] });
  await replyTexts(testApp.app.gateway.receive(text('+15550100011', 'a')));
  while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  testApp.app.delivery.stop();
  // Before, idle() waited on the 60-second backoff timer that stop() had cleared, so it never resolved.
  const settled = await Promise.race([testApp.app.delivery.idle().then(() => 'idle'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2000))]);
  expect(settled).toBe('idle');
  expect(calls).toBe(1);
  expect((await testApp.app.store.undeliveredOutbox()).map((row) => row.message.text)).toEqual(['#1 a']);
});

test('a failed send is retried with backoff, in order, and later replies wait for it', async () => {
  const attempts: string[] = [];
  let failuresLeft = 2;
  const flaky: ChannelAdapter = {
    channel: 'sms',
    mount: () => undefined,
    async send(message) {
      attempts.push(message.text);
      if (message.text.startsWith('#1') && failuresLeft-- > 0) throw new Error('connection reset');
      return { externalId: `SM-out-${attempts.length}` };
    },
  };
  // Fast backoff for the test; the production default starts at one second.
  const testApp = await startTestApp({ flowsDirectory: counterFlows, dataDirectory, adapters: [flaky], delivery: { baseDelayMilliseconds: 5 } });
  apps.push(testApp);
  await testApp.app.start();
  await replyTexts(testApp.app.gateway.receive(text('+15550100007', 'a')));
  await replyTexts(testApp.app.gateway.receive(text('+15550100007', 'b')));
  await testApp.app.delivery.idle();
  expect(attempts).toEqual(['#1 a', '#1 a', '#1 a', '#2 b']);
  expect(await testApp.app.store.undeliveredOutbox()).toEqual([]);
});

test('delivery gives up after the configured attempts and dead-letters the message', async () => {
  let calls = 0;
  const down: ChannelAdapter = { channel: 'sms', mount: () => undefined, send: async () => { calls++; throw new Error('503 Service Unavailable'); } };
  const testApp = await startTestApp({ flowsDirectory: counterFlows, dataDirectory, adapters: [down], delivery: { baseDelayMilliseconds: 1, maxAttempts: 4 } });
  apps.push(testApp);
  await testApp.app.start();
  await replyTexts(testApp.app.gateway.receive(text('+15550100010', 'a')));
  await testApp.app.delivery.idle();
  expect(calls).toBe(4);
  const db = new Database(join(dataDirectory, 'frontdesk.db'), { readonly: true });
  expect(db.prepare('SELECT status, attempts FROM items WHERE direction = \'out\'').all()).toEqual([{ status: 'dead', attempts: 4 }]);
  db.close();
});

test('a permanent refusal is dead-lettered at once and not retried', async () => {
  let calls = 0;
  const refusing: ChannelAdapter = { channel: 'sms', mount: () => undefined, send: async () => { calls++; throw new DeliveryError('number opted out', { isRetryable: false }); } };
  const testApp = await start({ adapters: [refusing] });
  await replyTexts(testApp.app.gateway.receive(text('+15550100008', 'a')));
  await testApp.app.delivery.idle();
  expect(calls).toBe(1);
  const db = new Database(join(dataDirectory, 'frontdesk.db'), { readonly: true });
  expect(db.prepare('SELECT status, attempts, last_error FROM items WHERE direction = \'out\'').all()).toEqual([{ status: 'dead', attempts: 1, last_error: 'number opted out' }]);
  db.close();
});

test('a duplicate platform id produces no second turn', async () => {
  const testApp = await start();
  const first = await testApp.app.gateway.receive(text('+15550100009', 'hi', 'SM123'));
  const copies = await Promise.all(Array.from({ length: 5 }, () => testApp.app.gateway.receive(text('+15550100009', 'hi', 'SM123'))));
  expect(copies.every((copy) => copy.isDuplicate)).toBe(true);
  expect((await first.replies).map((message) => message.text)).toEqual(['#1 hi']);
  for (const copy of copies) expect(await copy.replies).toEqual(await first.replies);
  expect(await replyTexts(testApp.app.gateway.receive(text('+15550100009', 'next', 'SM124')))).toEqual(['#2 next']);
});

test('a flow that retries a failed service without end still gets its turn ended after the deadline', async () => {
  let clock = Date.parse('2026-11-23T10:00:00Z');
  let searches = 0;
  const testApp = await startTestApp({
    flowsDirectory: join(projectRoot, 'test/fixtures/retrying-flows'),
    dataDirectory,
    adapters: [createCaptureAdapter('sms')],
    // Never answers; once searching, every reading of the clock is 31 s later, past the 30-second turn deadline.
    services: { searchKnowledge: () => (searches++, new Promise(() => {})) },
    now: () => (searches > 0 ? (clock += 31_000) : clock),
  });
  apps.push(testApp);
  await testApp.app.start();
  // The turn is committed (with nothing to say) instead of retrying for ever; the next message is handled.
  expect(await replyTexts(testApp.app.gateway.receive(text('+15550100009', 'first')))).toEqual([]);
  // Only the first call reached the service; the retries after the deadline failed without calling it.
  expect(searches).toBe(1);
  expect(await (await testApp.app.gateway.receive(text('+15550100009', 'second'))).replies).toBeDefined();
});
