import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { afterEach, expect, test } from 'vitest';
import { createActor, enqueueActions, fromCallback, setup } from 'xstate';
import { createCaptureAdapter, projectRoot, startTestApp, type TestApp } from '../../helpers/start-test-chat.js';

/*
 * V8 gives objects of the same shape one hidden class. When it cannot, every object gets a class of its own, allocated
 * in the old generation, and a busy server fills its heap with them (README, "Hidden classes"). These tests ask V8
 * directly, through its %HaveSameMap intrinsic, whether the objects a turn builds over and over share their class.
 */
setFlagsFromString('--allow-natives-syntax');
const haveSameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

let dataDirectory: string | undefined;
const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  if (dataDirectory) rmSync(dataDirectory, { recursive: true, force: true });
});

test('a flow spawned and stopped on every message reuses one hidden class for its options and snapshots', () => {
  // Without patches/xstate+*.patch, Node 20 builds the child's options (`{ ...defaultOptions, ...options }`) and each
  // persisted snapshot with a new hidden class every time.
  const child = fromCallback(() => () => {});
  const root = setup({ actors: { child } }).createMachine({
    initial: 'idle',
    states: {
      idle: { on: { start: { target: 'busy', actions: enqueueActions(({ enqueue }) => enqueue.spawnChild('child', { id: 'activeFlow' })) } } },
      busy: { on: { stop: { target: 'idle', actions: enqueueActions(({ enqueue }) => enqueue.stopChild('activeFlow')) } } },
    },
  });
  const conversation = createActor(root).start();
  const childOptions: object[] = [];
  const persisted: object[] = [];
  for (let message = 0; message < 60; message++) {
    conversation.send({ type: 'start' });
    childOptions.push((conversation.getSnapshot().children.activeFlow as unknown as { options: object }).options);
    persisted.push(conversation.getPersistedSnapshot() as object);
    conversation.send({ type: 'stop' });
  }
  // The first few objects are built before V8 has collected feedback; from then on one class must serve them all.
  for (const options of childOptions.slice(20)) expect(haveSameHiddenClass(options, childOptions[20]!)).toBe(true);
  for (const snapshot of persisted.slice(20)) expect(haveSameHiddenClass(snapshot, persisted[20]!)).toBe(true);
});

test('two thousand turns on a transcript channel leave the empty-object class able to take new keys', async () => {
  // V8 keeps at most ~1,500 "first key" transitions on the shared class of `{}`. A turn that keyed a fresh `{}` by its
  // message id used one up per message; once they ran out, every new object shape in the process (each request's
  // headers, each response's) got a class of its own.
  const probe = (key: string) => {
    const first: Record<string, number> = {};
    first[key] = 1;
    const second: Record<string, number> = {};
    second[key] = 1;
    return haveSameHiddenClass(first, second);
  };
  expect(probe('frontdesk.hiddenClassProbe.before')).toBe(true);

  dataDirectory = mkdtempSync(join(tmpdir(), 'frontdesk-hidden-classes-'));
  // A channel that, like web chat, delivers from the transcript: its replies count as delivered at commit, the path
  // that records a status per reply. (SMS opens conversations by itself, so the test need not open 40 first.)
  const pullChannel = { ...createCaptureAdapter('sms'), deliversFromTranscript: true };
  const testApp = await startTestApp({ flowsDirectory: join(projectRoot, 'test/fixtures/counter-flows'), dataDirectory, adapters: [pullChannel] });
  apps.push(testApp);
  await testApp.app.start();
  const received = [];
  for (let customer = 0; customer < 40; customer++) {
    for (let message = 0; message < 50; message++) {
      const key = `+1555020${String(customer).padStart(4, '0')}`;
      received.push(testApp.app.gateway.receive({ channel: 'sms', externalId: `${key}:${message}`, conversationKey: key, customerKey: key, text: `message ${message}` }));
    }
  }
  const replies = await Promise.all((await Promise.all(received)).map((turn) => turn.replies));
  expect(replies.flat()).toHaveLength(2000);

  expect(probe('frontdesk.hiddenClassProbe.after')).toBe(true);
});
