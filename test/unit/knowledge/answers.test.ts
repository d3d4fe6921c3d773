import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildKnowledge, demoQuestions } from './demo-knowledge.js';

let knowledge: Awaited<ReturnType<typeof buildKnowledge>>;
beforeAll(async () => (knowledge = await buildKnowledge()));
afterAll(() => knowledge?.dispose());

const answerable = demoQuestions.filter((question) => !question.isOutOfScope);
const outOfScope = demoQuestions.filter((question) => question.isOutOfScope);

describe('hybrid search over the demo knowledge', () => {
  test('the top passage comes from a right source for at least 95% of the demo questions, and fusion beats either half', async () => {
    const hitRate = async (fusion: 'rrf' | 'vector' | 'keyword') => {
      let hits = 0;
      for (const { question, sources } of answerable) if (sources.includes((await knowledge.knowledge.search(question, { fusion, limit: 1 }))[0]?.source ?? '')) hits++;
      return hits / answerable.length;
    };
    const [hybrid, vector, keyword] = [await hitRate('rrf'), await hitRate('vector'), await hitRate('keyword')];
    expect(hybrid).toBeGreaterThanOrEqual(0.95);
    expect(hybrid).toBeGreaterThanOrEqual(Math.max(vector, keyword));
  });

  test('passages carry scores, source file and heading path', async () => {
    const passages = await knowledge.knowledge.search('when do you refund returns?');
    expect(passages.length).toBeGreaterThan(1);
    expect(passages[0]).toMatchObject({ source: expect.stringMatching(/returns/), heading: expect.stringContaining(' > '), score: expect.any(Number) });
    expect(passages.map((passage) => passage.score)).toEqual([...passages.map((passage) => passage.score)].sort((a, b) => b - a));
  });
});

describe('extractive answers', () => {
  test('"how much is shipping?" is answered from the shipping FAQ, with its citation', async () => {
    const answer = await knowledge.services.searchKnowledge({ query: 'how much is shipping?' });
    expect(answer.isConfident).toBe(true);
    expect(answer.answer).toMatch(/^Standard shipping is \$7\.95/);
    expect(answer.citations).toEqual([{ source: 'faq/orders-and-shipping.md', heading: 'Orders, shipping and delivery > How much does shipping cost?', score: expect.any(Number) }]);
  });

  test('a page section answers with its heading and citation', async () => {
    const answer = await knowledge.services.searchKnowledge({ query: 'when does the workshop open on saturday' });
    expect(answer).toMatchObject({ isConfident: true, citations: [{ source: 'pages/hours.md', heading: 'Opening hours > Workshop hours' }] });
    expect(answer.answer).toMatch(/^From "Workshop hours": The workshop is open Monday to Saturday/);
  });

  test('every confident answer cites a source; at least 90% of answerable demo questions are answered from a right one', async () => {
    let right = 0;
    for (const { question, sources } of answerable) {
      const answer = await knowledge.services.searchKnowledge({ query: question });
      if (!answer.isConfident) continue;
      expect(answer.citations.length, question).toBeGreaterThan(0);
      expect(sources, `"${question}" was answered from the wrong source`).toContain(answer.citations[0]!.source);
      right++;
    }
    expect(right / answerable.length).toBeGreaterThanOrEqual(0.9);
  });

  test.each(['what is the capital of France', 'retroactive bereavement refund?', 'do you sell pizza'])('"%s" is refused, never guessed', async (question) => {
    const answer = await knowledge.services.searchKnowledge({ query: question });
    expect(answer).toMatchObject({ isConfident: false, citations: [] });
    expect(answer.answer).toBeUndefined();
    expect(answer.confidence).toBeLessThan(0.6);
  });

  test('every out-of-scope demo question is refused', async () => {
    const answered: string[] = [];
    for (const { question } of outOfScope) if ((await knowledge.services.searchKnowledge({ query: question })).isConfident) answered.push(question);
    expect(answered).toEqual([]);
  });
});

describe('routing', () => {
  test('an FAQ question routes to the faq flow and names the entry; a flow trigger routes to its flow', () => {
    expect(knowledge.classify('how much is delivery?')).toMatchObject({
      flowId: 'faq',
      faq: { id: 'faq/orders-and-shipping.md#how-much-does-shipping-cost', question: 'How much does shipping cost?' },
      confidence: expect.any(Number),
    });
    expect(knowledge.classify('hello there')).toMatchObject({ flowId: 'welcome' });
  });

  test('gibberish is out of scope, but the faq flow stays among the candidates so the router can try the knowledge', () => {
    const match = knowledge.classify('zxqv plorb');
    expect(match.flowId).toBeNull();
    expect(match.candidates.map((candidate) => candidate.flowId)).toContain('faq');
  });
});
