import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { askConsent, attachReplySink, createPrivacyServices, createSqliteStore, flow, type ReplyContent, type ServiceCallContext, type Store, type Message } from '../../../src/index.js';

let store: Store;
beforeEach(() => (store = createSqliteStore({ file: ':memory:' })));
afterEach(() => store.close());

const messageIn = (conversationId: string, text: string, role: Message['role'] = 'customer'): Message => ({ id: `m_${Math.random().toString(36).slice(2)}`, conversationId, channel: 'sms', role, text, createdAt: new Date().toISOString() });

async function customerWithHistory(phone: string) {
  const { conversation } = await store.openConversation({ channel: 'sms', conversationKey: phone, customerKey: phone, customerName: 'Ana' });
  const [result] = await store.writeBatch({ journal: [{ id: `j_${phone}`, channel: 'sms', externalId: `x_${phone}`, conversationKey: phone, customerKey: phone, receivedAt: new Date().toISOString(), payload: (conversationId) => ({ kind: 'message', message: messageIn(conversationId, `hello from ${phone}`) }) }], turns: [], deliveries: [] });
  await store.writeBatch({
    journal: [],
    turns: [{ journalSeq: result!.entry!.seq, conversationId: conversation.id, flowVersion: 'v1', snapshot: { status: 'active' }, replies: [messageIn(conversation.id, 'hi Ana', 'bot')], replyTo: result!.entry!.id, timers: [{ name: 'handoffClaim', dueAt: Date.now() + 60_000 }] }],
    deliveries: [],
  });
  await store.recordFeedback({ conversationId: conversation.id, customerId: conversation.customerId, kind: 'csat', score: 5 });
  await store.recordConsent(conversation.customerId, 'personalization', false);
  await store.linkShopCustomer(conversation.customerId, { shopCustomerId: 'C-1', verifiedBy: 'phone' });
  await store.channelState('sms').set(`choices:${phone}`, { options: [] });
  await store.channelState('sms').set(`suppressed:${phone}`, { since: 'then' });
  return conversation;
}

const contextOf = (conversation: { id: string; customerId: string }, afterCommit: ServiceCallContext['afterCommit'] = () => undefined): ServiceCallContext => ({ conversationId: conversation.id, customerId: conversation.customerId, channel: 'sms', signal: new AbortController().signal, afterCommit });

describe('the store', () => {
  test('customerData gathers a customer across tables', async () => {
    const conversation = await customerWithHistory('+15550000001');
    const data = await store.customerData(conversation.customerId);
    expect(data).toMatchObject({
      customer: { displayName: 'Ana' },
      identities: [{ channel: 'sms', customerKey: '+15550000001' }],
      feedback: [{ kind: 'csat', score: 5 }],
      consents: [{ purpose: 'personalization', isGranted: false }],
      shopLink: { shopCustomerId: 'C-1', verifiedBy: 'phone' },
      timers: [{ name: 'handoffClaim' }],
    });
    expect(data!.conversations[0]!.messages.map((message) => message.text)).toEqual(['hello from +15550000001', 'hi Ana']);
    expect(data!.channelState.map((entry) => entry.key).sort()).toEqual(['choices:+15550000001', 'suppressed:+15550000001']);
  });

  test('eraseCustomer removes every row of the customer, keeps the opt-out, and leaves other customers alone', async () => {
    const ana = await customerWithHistory('+15550000001');
    const ben = await customerWithHistory('+15550000002');
    const benBefore = await store.customerData(ben.customerId);
    const summary = await store.eraseCustomer(ana.customerId);
    expect(summary).toEqual({ customerId: ana.customerId, conversationIds: [ana.id], messages: 2, feedback: 1, channelState: 1 });
    expect(await store.customerData(ana.customerId)).toBeUndefined();
    expect(await store.loadSnapshot(ana.id)).toBeUndefined();
    expect((await store.loadTimers()).map((timer) => timer.conversationId)).toEqual([ben.id]);
    expect(await store.findJournal('sms', 'x_+15550000001')).toBeUndefined();
    expect(await store.channelState('sms').get('suppressed:+15550000001')).toEqual({ since: 'then' });
    expect(await store.channelState('sms').get('choices:+15550000001')).toBeUndefined();
    expect(await store.customerData(ben.customerId)).toEqual(benBefore);
  });

  test('feedback outside its range is refused by the database too', async () => {
    const ana = await customerWithHistory('+15550000001');
    await expect(store.recordFeedback({ conversationId: ana.id, customerId: ana.customerId, kind: 'csat', score: 9 })).rejects.toThrow(/CHECK constraint/);
  });
});

describe('privacy services', () => {
  test('the erasure waits for the commit, then tells the app what to drop', async () => {
    const ana = await customerWithHistory('+15550000001');
    const tasks: Array<() => Promise<void> | void> = [];
    const erased: unknown[] = [];
    const privacy = createPrivacyServices({ store, onErased: (summary, timers) => void erased.push({ summary, timers }) });
    await privacy.eraseCustomerData({}, contextOf(ana, (task) => tasks.push(task)));
    expect(await store.customerData(ana.customerId)).toBeDefined();
    for (const task of tasks) await task();
    expect(await store.customerData(ana.customerId)).toBeUndefined();
    expect(erased).toEqual([{ summary: expect.objectContaining({ conversationIds: [ana.id] }), timers: [expect.objectContaining({ name: 'handoffClaim', conversationId: ana.id })] }]);
  });

  test('an earlier export in the transcript is not copied into the next one', async () => {
    const ana = await customerWithHistory('+15550000001');
    const privacy = createPrivacyServices({ store, maxExportCharacters: { sms: 100_000 } });
    const first = await privacy.exportCustomerData({}, contextOf(ana));
    const [result] = await store.writeBatch({ journal: [{ id: 'j2', channel: 'sms', externalId: 'x2', conversationKey: '+15550000001', customerKey: '+15550000001', receivedAt: new Date().toISOString(), payload: (id) => ({ kind: 'message', message: messageIn(id, 'export my data') }) }], turns: [], deliveries: [] });
    await store.writeBatch({ journal: [], turns: [{ journalSeq: result!.entry!.seq, conversationId: ana.id, flowVersion: 'v1', snapshot: {}, replies: [messageIn(ana.id, first.json, 'bot')] }], deliveries: [] });
    const second = await privacy.exportCustomerData({}, contextOf(ana));
    expect(second.json).toContain('[an earlier export of your data]');
    expect(second.json.length).toBeLessThan(first.json.length + 400);
  });

  test('consents are read and recorded for the asking customer only', async () => {
    const ana = await customerWithHistory('+15550000001');
    const ben = await customerWithHistory('+15550000002');
    const privacy = createPrivacyServices({ store });
    await privacy.recordConsent({ purpose: 'personalization', isGranted: true }, contextOf(ana));
    expect(await privacy.checkConsent({ purpose: 'personalization' }, contextOf(ana))).toEqual({ status: 'granted' });
    expect(await privacy.checkConsent({ purpose: 'personalization' }, contextOf(ben))).toEqual({ status: 'refused' });
    expect(await privacy.checkConsent({ purpose: 'newsletter' }, contextOf(ben))).toEqual({ status: 'unknown' });
  });
});

describe('askConsent', () => {
  const machine = flow.createMachine({
    id: 'consentDemo',
    context: flow.startingContext,
    initial: 'checkingConsent',
    states: {
      checkingConsent: askConsent({ purpose: 'personalization', question: 'May I use your past orders to suggest products?', then: 'personalized', ifRefused: 'generic' }),
      personalized: { entry: flow.reply('Based on your past orders...'), type: 'final' },
      generic: { entry: flow.reply('Our best sellers...'), type: 'final' },
    },
  });

  function run(stored: 'granted' | 'refused' | 'unknown', answers: string[] = []) {
    const recorded: boolean[] = [];
    const provided = machine.provide({
      actors: {
        checkConsent: fromPromise(async () => ({ status: stored })),
        recordConsent: fromPromise(async ({ input }: { input: { purpose: string; isGranted: boolean } }) => (recorded.push(input.isGranted), { isGranted: input.isGranted })),
      } as never,
    });
    const actor = createActor(provided, { input: { conversationId: 'c', channel: 'web', customer: { id: 'cu', isReturning: true } } });
    const replies: ReplyContent[] = [];
    attachReplySink(actor, (reply) => replies.push(reply));
    actor.start();
    const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
    return {
      replies,
      recorded,
      actor,
      async play() {
        await settle();
        for (const text of answers) {
          actor.send({ type: 'message.received', message: { id: 'm', conversationId: 'c', channel: 'web', role: 'customer', text, createdAt: new Date().toISOString() }, intent: { flowId: null, confidence: 0, candidates: [] } });
          await settle();
        }
        return actor.getSnapshot().value;
      },
    };
  }

  test('asks once when never asked, and records a yes', async () => {
    const conversation = run('unknown', ['yes please']);
    expect(await conversation.play()).toBe('personalized');
    expect(conversation.replies.map((reply) => reply.text)).toEqual(['May I use your past orders to suggest products?', 'Based on your past orders...']);
    expect(conversation.replies[0]!.quickReplies?.map((quickReply) => quickReply.value)).toEqual(['yes', 'no']);
    expect(conversation.recorded).toEqual([true]);
  });

  test('anything but a clear yes is a no, and it is recorded', async () => {
    const conversation = run('unknown', ['what for?']);
    expect(await conversation.play()).toBe('generic');
    expect(conversation.recorded).toEqual([false]);
  });

  test('a stored yes or no is not asked again', async () => {
    const granted = run('granted');
    expect(await granted.play()).toBe('personalized');
    const refused = run('refused');
    expect(await refused.play()).toBe('generic');
    expect([...granted.replies, ...refused.replies].map((reply) => reply.text)).toEqual(['Based on your past orders...', 'Our best sellers...']);
    expect([...granted.recorded, ...refused.recorded]).toEqual([]);
  });
});
