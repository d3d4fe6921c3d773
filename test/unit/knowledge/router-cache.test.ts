import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createMessageRouter } from '../../../src/knowledge/message-router.js';

const cacheDirectory = mkdtempSync(join(tmpdir(), 'frontdesk-router-cache-'));
afterAll(() => rmSync(cacheDirectory, { recursive: true, force: true }));

const flows = [
  { id: 'handoff', triggers: ['agent', 'human', 'talk to a person', 'I want to speak to someone'] },
  { id: 'orderStatus', triggers: ['where is my order', 'track my order', 'has my order shipped', 'when will my order arrive'] },
];
const faqEntries = [
  { id: 'faq/shipping.md#cost', question: 'How much does shipping cost?', paraphrases: ['how much is delivery', 'shipping fees', 'do you charge for postage'], source: 'faq/shipping.md' },
  { id: 'faq/returns.md#window', question: 'How long do I have to return something?', paraphrases: ['return window', 'can I send it back after a month', 'return policy'], source: 'faq/returns.md' },
  { id: 'faq/store.md#hours', question: 'When are you open?', paraphrases: ['opening hours', 'what time do you close', 'are you open on sunday'], source: 'faq/store.md' },
];
const questions = ['how much is shipping to Ohio', 'where is my parcel', 'can I return my helmet', 'what is the capital of France', 'are you open tomorrow', 'agent'];

test('a second start reuses the stored calibration and routes exactly as the first', async () => {
  const first = await createMessageRouter({ flows, faqEntries, cacheDirectory });
  expect(readdirSync(cacheDirectory).filter((name) => name.startsWith('router-calibration-'))).toHaveLength(1);
  const second = await createMessageRouter({ flows, faqEntries, cacheDirectory });
  expect(second.classifier.calibration).toEqual(first.classifier.calibration);
  for (const question of questions) expect(second.classify(question)).toEqual(first.classify(question));
});

test('different examples get their own calibration', async () => {
  await createMessageRouter({ flows: flows.slice(0, 1), faqEntries, cacheDirectory });
  expect(readdirSync(cacheDirectory).filter((name) => name.startsWith('router-calibration-'))).toHaveLength(2);
});

test('a question asked again is answered from the recent matches, and old ones make room', async () => {
  // The router classifies an FAQ question, then the knowledge search classifies the same text again.
  const router = await createMessageRouter({ flows, faqEntries, cacheDirectory });
  const first = router.classify('how much is shipping to Ohio');
  expect(router.classify('how much is shipping to Ohio')).toBe(first);
  // Three hundred other questions later it is worked out again, to the same match.
  for (let question = 0; question < 300; question++) router.classify(`is item ${question} in stock`);
  const again = router.classify('how much is shipping to Ohio');
  expect(again).not.toBe(first);
  expect(again).toEqual(first);
});
