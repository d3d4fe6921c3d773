import { afterAll, beforeAll, expect, test } from 'vitest';
import { computeOverview, conversationFacts, findGapQuestions, groupGapQuestions, type AnalyticsConversation, type AnalyticsReader } from '../../../src/analytics/index.js';
import { OfflineEmbeddings } from '../../../src/knowledge/embeddings/offline-embeddings.js';
import { scoreSentiment } from '../../../src/sentiment/sentiment.js';
import { createSqliteAnalyticsReader } from '../../../src/store/sqlite-analytics.js';
import { DAY_ONE, runStandardScript, startDashboardApp, type DashboardApp } from './scripted-conversations.js';

// One scripted store for the file, filled through the real runtime: 3 answered web conversations (one also gives an
// NPS of 9), one SMS conversation handed to Sam with a CSAT of 4, and two web questions the knowledge cannot answer,
// paraphrases of each other. Day one has the first three, day two the rest.
let dashboard: DashboardApp;
let reader: AnalyticsReader;
let conversations: AnalyticsConversation[];
let script: Awaited<ReturnType<typeof runStandardScript>>;
const timeZone = 'America/New_York';

beforeAll(async () => {
  dashboard = await startDashboardApp();
  script = await runStandardScript(dashboard);
  reader = createSqliteAnalyticsReader({ file: dashboard.databaseFile });
  conversations = await reader.conversationsSince(new Date(DAY_ONE - 86_400_000).toISOString());
});
afterAll(async () => {
  reader?.close();
  await dashboard?.close();
});

const overview = async (days = 7) => {
  const now = dashboard.clock.now;
  const facts = conversations.map((conversation) => conversationFacts(conversation, now));
  return computeOverview({ facts, feedback: await reader.feedbackOf(facts.map((fact) => fact.id)), now, days, timeZone });
};

test('the read-only reader sees every scripted conversation with its items, oldest first', () => {
  expect(conversations.map((conversation) => conversation.id)).toEqual(Object.values(script.ids));
  expect(conversations.map((conversation) => conversation.channel)).toEqual(['web', 'web', 'web', 'sms', 'web', 'web']);
  expect(conversations[3]!.conversationKey).toBe('+15550100777');
});

test('containment, handoff rate and reasons: 5 of 6 conversations never reached a person', async () => {
  const figures = await overview();
  expect(figures).toMatchObject({ conversations: 6, handedOff: 1, contained: 5, containmentRate: 0.8333, handoffRate: 0.1667, handoffReasons: [{ reason: 'asked', count: 1 }], channels: ['sms', 'web'], unanswered: 2 });
});

test('conversations per day by channel, in the business time zone, every day of the window listed', async () => {
  const figures = await overview();
  expect(figures.window).toEqual({ days: 7, from: '2025-02-26', to: '2025-03-04', timeZone });
  expect(figures.perDay.filter((day) => day.total > 0)).toEqual([
    { day: '2025-03-03', total: 3, byChannel: { sms: 0, web: 3 } },
    { day: '2025-03-04', total: 3, byChannel: { sms: 1, web: 2 } },
  ]);
  expect(figures.perDay).toHaveLength(7);
  expect(figures.perDay[0]).toEqual({ day: '2025-02-26', total: 0, byChannel: { sms: 0, web: 0 } });
});

test('CSAT 4 from the handoff and NPS 9 from the feedback flow', async () => {
  const figures = await overview();
  expect(figures.csat).toEqual({ responses: 1, mean: 4, satisfiedShare: 1, distribution: [0, 0, 0, 1, 0] });
  expect(figures.nps).toEqual({ responses: 1, score: 100, promoters: 1, passives: 0, detractors: 0 });
});

test('median first response: replies came 1, 2, 3, 4, 5 and 6 seconds after the first message, so 3.5 s', async () => {
  expect((await overview()).firstResponse).toEqual({ samples: 6, medianMilliseconds: 3500 });
});

test('sentiment trend: the mean VADER score of each day’s customer messages', async () => {
  const figures = await overview();
  const dayOne = ['how much is shipping?', 'I want to give feedback', '9', 'skip', 'do gift cards expire?', 'when does the workshop open on saturday?'];
  const dayTwo = script.customerTexts.slice(dayOne.length);
  const mean = (texts: string[]) => Number((texts.map(scoreSentiment).reduce((sum, score) => sum + score, 0) / texts.length).toFixed(4));
  expect(figures.sentiment.find((day) => day.day === '2025-03-03')).toEqual({ day: '2025-03-03', samples: 6, mean: mean(dayOne) });
  expect(figures.sentiment.find((day) => day.day === '2025-03-04')).toEqual({ day: '2025-03-04', samples: 6, mean: mean(dayTwo) });
  expect(figures.sentiment.find((day) => day.day === '2025-03-01')).toEqual({ day: '2025-03-01', samples: 0, mean: null });
});

test('states: the handed-back SMS conversation is resolved, today’s bot conversations are open, yesterday’s ended', () => {
  const states = conversations.map((conversation) => conversationFacts(conversation, dashboard.clock.now).state);
  expect(states).toEqual(['ended', 'ended', 'ended', 'resolved', 'open', 'open']);
  // An hour later nothing is open any more.
  expect(conversations.map((conversation) => conversationFacts(conversation, dashboard.clock.now + 3_600_000).state)).toEqual(['ended', 'ended', 'ended', 'resolved', 'ended', 'ended']);
});

test('a conversation during a handoff is "with a person" until staff resolve it', () => {
  const handoff = conversations[3]!;
  const beforeResolve = { ...handoff, items: handoff.items.filter((item) => (item.body.channelData as { staff?: { event: string } } | undefined)?.staff?.event !== 'resolved') };
  expect(conversationFacts(beforeResolve, dashboard.clock.now)).toMatchObject({ state: 'withPerson', isHandedOff: true, handoffReason: 'asked', staffName: 'Sam', staffMessages: 1 });
});

test('knowledge gaps: the two paraphrased questions the bot could not answer form one group of 2', async () => {
  const questions = findGapQuestions(conversations, { lowConfidenceBelow: 0.65 });
  expect(questions.map((question) => [question.text, question.kind])).toEqual([
    ['Do you offer gift wrapping?', 'unanswered'],
    ['Is gift wrapping available?', 'unanswered'],
  ]);
  const byWords = groupGapQuestions(questions);
  const embeddings = new OfflineEmbeddings();
  const byVectors = groupGapQuestions(questions, { vectors: await embeddings.embedDocuments(questions.map((question) => question.text)) });
  for (const groups of [byWords, byVectors]) {
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ question: 'Do you offer gift wrapping?', count: 2, unanswered: 2, lowConfidence: 0 });
    expect(groups[0]!.examples.map((example) => example.text)).toEqual(['Is gift wrapping available?', 'Do you offer gift wrapping?']);
  }
});

test('an answer just above the threshold counts as a low-confidence gap when the line is drawn above it', () => {
  // "when does the workshop open on saturday?" was answered with confidence 0.89.
  const questions = findGapQuestions(conversations, { lowConfidenceBelow: 0.95 }).filter((question) => question.kind === 'lowConfidence');
  expect(questions.map((question) => question.text)).toEqual(['when does the workshop open on saturday?']);
});

test('a window that ends before the scripted days counts nothing and says so with nulls, not zeros', () => {
  const facts = conversations.map((conversation) => conversationFacts(conversation, DAY_ONE - 2 * 86_400_000));
  const figures = computeOverview({ facts, feedback: [], now: DAY_ONE - 2 * 86_400_000, days: 1, timeZone });
  expect(figures).toMatchObject({ conversations: 0, containmentRate: null, handoffRate: null, csat: { mean: null }, nps: { score: null }, firstResponse: { medianMilliseconds: null } });
});
