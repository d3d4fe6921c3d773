import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { trainIntentClassifier, type IntentClassifier, type LabelledExample } from '../../../src/nlu/intent-classifier.js';
import { ensureWordVectors, loadWordVectors } from '../../../src/knowledge/embeddings/word-vectors.js';

/** The demo FAQs (knowledge/faq/*.md): `## Question?`, then `- paraphrase` bullets; one label per question. */
function demoFaqExamples(): LabelledExample[] {
  const dir = join(process.cwd(), 'knowledge/faq');
  const examples: LabelledExample[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.md')).sort()) {
    let question: string | undefined;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line.startsWith('## ')) {
        question = line.slice(3).trim();
        examples.push({ text: question, label: question });
      } else if (line.startsWith('# ')) question = undefined;
      else if (question && line.startsWith('- ')) examples.push({ text: line.slice(2).trim(), label: question });
    }
  }
  return examples;
}

let classifier: IntentClassifier;
beforeAll(async () => {
  await ensureWordVectors();
  classifier = await trainIntentClassifier(demoFaqExamples(), { wordVectors: await loadWordVectors() });
}, 30_000);

test('the demo FAQs parse into about a hundred labels', () => {
  expect(classifier.labels.length).toBeGreaterThan(90);
  expect(classifier.calibration.isFallback).toBe(false);
});

// Written for this test, not copied from the FAQ files.
const paraphrases: Array<[string, string]> = [
  ['when do you close today', 'What are your opening hours?'],
  ['can I speak with someone from your team', 'How can I talk to a real person?'],
  ['will you beat a cheaper price from another store', 'Do you price match?'],
  ['how do I send back something I bought', 'How do I start a return?'],
  ['what frame size is right for my height', 'What size bike do I need?'],
  ['could you fix my flat tyre while I wait', 'Can you fix a puncture while I wait?'],
  ['do you send orders to canada', 'Do you ship internationally?'],
  ['please stop sending me promotional emails', 'How do I unsubscribe from marketing emails?'],
];

test.each(paraphrases)('a real paraphrase is answered: %s', (text, label) => {
  expect(classifier.predict(text).label).toBe(label);
});

test('a stranger that shares no content words with the FAQs is refused', () => {
  expect(classifier.predict('what is the capital of France').label).toBeNull();
});

// Once a known gap (docs/nlu.md): answered while the demo FAQs had a "Where is my order?" entry. Without it the 1 %
// coverage line moved from 0.18 to 0.24 and these are refused, by a small margin (confidence 0.19 and 0.17 against
// a threshold of 0.195): a calibration shift, not a new method, so a change to the FAQs can bring them back.
test.each(['tell me a joke about penguins', 'who won the football match yesterday'])('a stranger that shares a word with an FAQ is refused: %s', (text) => {
  expect(classifier.predict(text).label).toBeNull();
});
