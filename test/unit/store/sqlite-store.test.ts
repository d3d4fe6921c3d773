import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readlinkSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createSqliteStore, type Message, type Store } from '../../../src/index.js';
import type { JournalRequest } from '../../../src/store/store.js';
import { startWalCheckpointer } from '../../../src/store/wal-checkpointer.js';

let directory: string;
let store: Store;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'frontdesk-store-'));
  store = createSqliteStore({ file: join(directory, 'test.db') });
});
afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

const inbound = (externalId: string, text = 'hi'): JournalRequest => ({
  id: `m_${externalId}`,
  channel: 'sms',
  externalId,
  conversationKey: '+15550100001',
  customerKey: '+15550100001',
  receivedAt: '2026-11-23T10:00:00.000Z',
  payload: (conversationId) => ({ kind: 'message', message: { id: `m_${externalId}`, conversationId, channel: 'sms', role: 'customer', text, createdAt: '2026-11-23T10:00:00.000Z' } }),
});

const reply = (id: string, conversationId: string, text: string): Message => ({ id, conversationId, channel: 'sms', role: 'bot', text, createdAt: '2026-11-23T10:00:01.000Z' });

test('migrations are numbered, applied once, and recorded', async () => {
  await store.close();
  store = createSqliteStore({ file: join(directory, 'test.db') });
  const db = new Database(join(directory, 'test.db'), { readonly: true });
  expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  db.close();
});

test('the journal is unique on (channel, external id): a platform retry is a duplicate, not a second entry', async () => {
  const [first] = await store.writeBatch({ journal: [inbound('SM1')], turns: [], deliveries: [] });
  const [again] = await store.writeBatch({ journal: [inbound('SM1', 'changed')], turns: [], deliveries: [] });
  expect(first!.isDuplicate).toBe(false);
  expect(again!.isDuplicate).toBe(true);
  expect(again!.entry!.seq).toBe(first!.entry!.seq);
  expect(await store.pendingJournal()).toHaveLength(1);
  expect((await store.transcript(first!.conversation!.id)).map((message) => message.text)).toEqual(['hi']);
});

test('one customer on one channel keeps one conversation; messages resolve to it', async () => {
  const results = await store.writeBatch({ journal: [inbound('SM1'), inbound('SM2')], turns: [], deliveries: [] });
  expect(results[0]!.conversation!.id).toBe(results[1]!.conversation!.id);
  const customer = await store.getCustomer(results[0]!.conversation!.customerId);
  expect(customer?.id).toMatch(/^cu_/);
});

test('a turn commits snapshot, outbox and transcript together and marks the journal entry processed', async () => {
  const [received] = await store.writeBatch({ journal: [inbound('SM1')], turns: [], deliveries: [] });
  const conversationId = received!.conversation!.id;
  await store.writeBatch({
    journal: [],
    turns: [{ journalSeq: received!.entry!.seq, conversationId, flowVersion: 'v1', snapshot: { value: 'listening' }, replies: [reply('m_r1', conversationId, 'hello back')], replyTo: 'm_SM1' }],
    deliveries: [],
  });
  expect(await store.pendingJournal()).toEqual([]);
  expect(await store.loadSnapshot(conversationId)).toMatchObject({ flowVersion: 'v1', snapshot: { value: 'listening' } });
  expect((await store.undeliveredOutbox()).map((entry) => entry.id)).toEqual(['m_r1']);
  expect((await store.repliesTo('m_SM1')).map((message) => message.text)).toEqual(['hello back']);
  await store.writeBatch({ journal: [], turns: [], deliveries: [{ outboxId: 'm_r1', status: 'delivered', attempts: 1, nextAttemptAt: 0 }] });
  expect(await store.undeliveredOutbox()).toEqual([]);
});

test('a failing batch commits nothing of itself', async () => {
  const [received] = await store.writeBatch({ journal: [inbound('SM1')], turns: [], deliveries: [] });
  const conversationId = received!.conversation!.id;
  const duplicateReplyId = reply('m_same', conversationId, 'x');
  await expect(
    store.writeBatch({
      journal: [inbound('SM2')],
      turns: [{ journalSeq: received!.entry!.seq, conversationId, flowVersion: 'v1', snapshot: {}, replies: [duplicateReplyId, duplicateReplyId] }],
      deliveries: [],
    }),
  ).rejects.toMatchObject({ code: 'store_failed' });
  expect((await store.pendingJournal()).map((entry) => entry.externalId)).toEqual(['SM1']);
  expect(await store.loadSnapshot(conversationId)).toBeUndefined();
});

test('a turn run inside the journal transaction commits with its row; one that cannot finish there leaves the row pending', async () => {
  const seenDuringTurn: string[] = [];
  const results = await store.writeBatch({ journal: [inbound('SM1'), inbound('SM2', 'needs a service')], turns: [], deliveries: [] }, (entry) => {
    // The customer's message is readable while its turn runs (services such as the privacy summary read it).
    seenDuringTurn.push(entry.externalId);
    if (entry.externalId === 'SM2') return undefined;
    return { journalSeq: entry.seq, conversationId: entry.conversationId, flowVersion: 'v1', snapshot: { value: 'listening' }, replies: [reply('m_r1', entry.conversationId, 'hello back')], replyTo: entry.id };
  });
  expect(seenDuringTurn).toEqual(['SM1', 'SM2']);
  expect(results.map((result) => 'isTurnCommitted' in result && result.isTurnCommitted)).toEqual([true, false]);
  expect((await store.pendingJournal()).map((entry) => entry.externalId)).toEqual(['SM2']);
  expect((await store.transcript(results[0]!.conversation!.id)).map((message) => message.text)).toEqual(['hi', 'hello back', 'needs a service']);
  expect((await store.findJournal('sms', 'SM1'))?.status).toBe('processed');
});

test('an inline turn that throws rolls its journal row back with it', async () => {
  await expect(store.writeBatch({ journal: [inbound('SM1')], turns: [], deliveries: [] }, () => { throw new Error('the machine failed'); })).rejects.toMatchObject({ code: 'store_failed' });
  expect(await store.findJournal('sms', 'SM1')).toBeUndefined();
  expect(await store.pendingJournal()).toEqual([]);
});

test('a message for an unknown conversation is refused when the channel opens conversations explicitly', async () => {
  const [result] = await store.writeBatch({ journal: [{ ...inbound('W1'), channel: 'web', conversationKey: 'c_unknown', createIfMissing: false }], turns: [], deliveries: [] });
  expect(result!.conversation).toBeUndefined();
  expect(await store.pendingJournal()).toEqual([]);
});

test('each channel keeps its own durable key-value state', async () => {
  const sms = store.channelState('sms');
  await sms.set('suppressed:+15550100001', { at: '2026-11-23T10:00:00Z' });
  await sms.set('suppressed:+15550100002', { at: '2026-11-23T10:01:00Z' });
  await sms.set('choices:+15550100001', ['Returns', 'Shipping']);
  expect(await sms.get('suppressed:+15550100001')).toEqual({ at: '2026-11-23T10:00:00Z' });
  expect(await store.channelState('teams').get('suppressed:+15550100001')).toBeUndefined();
  expect((await sms.list('suppressed:')).map((entry) => entry.key)).toEqual(['suppressed:+15550100001', 'suppressed:+15550100002']);
  await sms.delete('suppressed:+15550100001');
  expect(await sms.get('suppressed:+15550100001')).toBeUndefined();
});

test('with background checkpoints the log is copied into the database file by the worker, not by the commits', async () => {
  await store.close();
  const file = join(directory, 'background.db');
  store = createSqliteStore({ file, checkpointInBackground: true });
  const sizeAfterMigrations = statSync(file).size;
  for (let batch = 0; batch < 50; batch++) {
    await store.writeBatch({ journal: Array.from({ length: 10 }, (_, index) => inbound(`SM${batch}-${index}`, 'x'.repeat(500))), turns: [], deliveries: [] });
  }
  // About 300 pages were logged: far below the commits' own fallback limit (10,000), so only the worker copies them.
  const deadline = Date.now() + 5000;
  while (statSync(file).size <= sizeAfterMigrations && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(statSync(file).size).toBeGreaterThan(sizeAfterMigrations + 100_000);
  expect(await store.pendingJournal()).toHaveLength(500);
});

test('under steady writes the log still starts over, long before the commits\' own fallback limit', async () => {
  await store.close();
  const file = join(directory, 'steady.db');
  // A shorter log than the server's 16,384 pages keeps the test quick; the commits' own limit is then 10,240 pages.
  store = createSqliteStore({ file, checkpointInBackground: true, walRestartPages: 4096 });
  // Bytes 12-15 of the log header count how often the log has started over.
  const restarts = () => {
    const fd = openSync(`${file}-wal`, 'r');
    const header = Buffer.alloc(16);
    readSync(fd, header, 0, 16, 0);
    closeSync(fd);
    return header.readUInt32BE(12);
  };
  await store.writeBatch({ journal: [inbound('first')], turns: [], deliveries: [] });
  const before = restarts();
  // One commit a millisecond, never pausing long enough for the worker to copy the whole log between two commits.
  const deadline = Date.now() + 10_000;
  let batch = 0;
  while (restarts() === before && Date.now() < deadline) {
    await store.writeBatch({ journal: [inbound(`steady-${batch++}`, 'x'.repeat(3000))], turns: [], deliveries: [] });
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  expect(restarts()).toBeGreaterThan(before);
  // The fallback would restart at 10,240 pages (about 42 MB); the worker asks from 4,096 pages on.
  expect(statSync(`${file}-wal`).size).toBeLessThan(8_000 * 4120);
});

test('the worker syncs the pages it copied through the descriptor it is given, so the last small pass has little to sync', async () => {
  await store.close();
  const file = join(directory, 'synced.db');
  const writer = createSqliteStore({ file });
  await writer.writeBatch({ journal: [inbound('to-copy', 'x'.repeat(3000))], turns: [], deliveries: [] });
  // A descriptor that is not open: the worker's sync after copying fails, and says so.
  const errors: string[] = [];
  const checkpointer = startWalCheckpointer({ file, databaseFd: 1_000_000, intervalMilliseconds: 20, onError: (message) => errors.push(message) });
  const deadline = Date.now() + 5000;
  while (errors.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  await checkpointer.stop();
  await writer.close();
  expect(errors[0]).toMatch(/EBADF|bad file descriptor/i);
  store = createSqliteStore({ file: join(directory, 'reopened.db') });
});

test('a store with background checkpoints closes the database descriptor it opened for them', async () => {
  if (!existsSync('/proc/self/fd')) return;
  await store.close();
  const file = join(directory, 'descriptors.db');
  const descriptorsOfFile = () => readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false; // closed while listing
    }
  }).length;
  const background = createSqliteStore({ file, checkpointInBackground: true });
  await background.writeBatch({ journal: [inbound('fd')], turns: [], deliveries: [] });
  // The connection's own descriptor, the worker connection's and the one for syncing.
  expect(descriptorsOfFile()).toBeGreaterThanOrEqual(2);
  await background.close();
  expect(descriptorsOfFile()).toBe(0);
  store = createSqliteStore({ file: join(directory, 'reopened.db') });
});

test('a background checkpointer that cannot open the database says why, and stops cleanly', async () => {
  const errors: string[] = [];
  const checkpointer = startWalCheckpointer({ file: join(directory, 'no-such-folder', 'x.db'), onError: (message) => errors.push(message) });
  const deadline = Date.now() + 5000;
  while (errors.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(errors[0]).toMatch(/directory does not exist|unable to open/i);
  await checkpointer.stop();
});
