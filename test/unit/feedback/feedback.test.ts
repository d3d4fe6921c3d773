import { afterEach, beforeEach, expect, test } from 'vitest';
import { createFeedbackService, createSqliteStore, parseScore, type Store } from '../../../src/index.js';

let store: Store;
beforeEach(() => (store = createSqliteStore({ file: ':memory:' })));
afterEach(() => store.close());

test.each([
  ['csat', '4', 4],
  ['csat', ' 5 stars! ', 5],
  ['csat', '4/5', 4],
  ['csat', '0', undefined],
  ['csat', '6', undefined],
  ['nps', '0', 0],
  ['nps', '10', 10],
  ['nps', '9 out of 10', 9],
  ['nps', '11', undefined],
  ['nps', 'ten', undefined],
  ['nps', '7.5', undefined],
  ['nps', 'I would say 8', undefined],
] as const)('parseScore(%s, %j) is %s', (kind, text, expected) => expect(parseScore(kind, text)).toBe(expected));

test('recordFeedback stores the score and a trimmed comment for the asking conversation', async () => {
  const { conversation } = await store.openConversation({ channel: 'web', conversationKey: 'c1', customerKey: 'k1' });
  const recordFeedback = createFeedbackService({ store });
  const context = { conversationId: conversation.id, customerId: conversation.customerId, channel: 'web' as const, signal: new AbortController().signal, afterCommit: () => undefined };
  await recordFeedback({ kind: 'nps', score: 8, comment: `  ${'x'.repeat(1200)}  ` }, context);
  const [record] = await store.feedbackOf({ conversationId: conversation.id });
  expect(record).toMatchObject({ kind: 'nps', score: 8, customerId: conversation.customerId });
  expect(record!.comment).toHaveLength(1000);
  await expect(recordFeedback({ kind: 'csat', score: 0 }, context)).rejects.toThrow(/csat score must be a whole number from 1 to 5 \(got 0\)/);
});
