import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestApp } from '../helpers/start-test-chat.js';
import { ADMIN_TOKEN, runStandardScript, startDashboardApp, type DashboardApp } from '../unit/analytics/scripted-conversations.js';

// The dashboard's HTTP API over a store filled by the standard script (test/unit/analytics/scripted-conversations.ts).
let dashboard: DashboardApp;
let ids: Record<string, string>;
const logLines: string[] = [];

beforeAll(async () => {
  dashboard = await startDashboardApp({ serveHttp: true, logLines });
  ({ ids } = await runStandardScript(dashboard));
});
afterAll(() => dashboard?.close());

const get = (path: string, token: string | undefined = ADMIN_TOKEN) => fetch(`${dashboard.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const getJson = async (path: string) => {
  const response = await get(path);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Record<string, any>;
};
const post = (path: string, body: unknown) => fetch(`${dashboard.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('with no token configured outside development, the page and the API refuse and say how to turn it on', async () => {
  const refused = await startTestApp({ serveHttp: true, env: { NODE_ENV: 'production' } });
  try {
    const { url } = await refused.app.start();
    const page = await fetch(`${url}/admin`);
    expect(page.status).toBe(403);
    expect(page.headers.get('content-security-policy')).toMatch(/require-trusted-types-for 'script'/);
    expect(await page.text()).toMatch(/Set FRONTDESK_ADMIN_TOKEN in \.env/);
    const api = await fetch(`${url}/api/admin/overview`, { headers: { authorization: 'Bearer anything-at-all-here' } });
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ error: { code: 'admin_disabled', message: expect.stringMatching(/FRONTDESK_ADMIN_TOKEN is not set/) } });
  } finally {
    await refused.close();
  }
});

test('a missing or wrong token gets 401; the page itself (no data in it) loads with a strict CSP', async () => {
  expect((await get('/api/admin/overview', '')).status).toBe(401);
  const wrong = await get('/api/admin/overview', 'not-the-admin-token-at-all');
  expect(wrong.status).toBe(401);
  expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(await wrong.json()).toMatchObject({ error: { code: 'unauthorized', message: expect.stringMatching(/not right/) } });
  const page = await fetch(`${dashboard.url}/admin`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'.*require-trusted-types-for 'script'/);
  expect(await page.text()).not.toMatch(/<script>|style=/);
});

test('the right token gets the figures of the scripted conversations', async () => {
  const overview = await getJson('/api/admin/overview?days=7');
  expect(overview).toMatchObject({ conversations: 6, containmentRate: 0.8333, handoffRate: 0.1667, handoffReasons: [{ reason: 'asked', count: 1 }], csat: { mean: 4, responses: 1 }, nps: { score: 100 }, firstResponse: { medianMilliseconds: 3500 }, gapGroups: 1, canAddFaq: true });
  expect(overview.perDay.at(-1)).toEqual({ day: '2025-03-04', total: 3, byChannel: { sms: 1, web: 2 } });
  expect((await get('/api/admin/overview?days=0')).status).toBe(400);
});

test('conversations are listed newest first, filtered by channel and state, with personal data masked', async () => {
  const all = await getJson('/api/admin/conversations?days=7');
  expect(all.total).toBe(6);
  expect(all.channels).toEqual(['sms', 'web']);
  const text = JSON.stringify(all);
  expect(text).not.toMatch(/Jane|Doe|Priya|0100777|jane\.doe/);
  const sms = await getJson('/api/admin/conversations?days=7&channel=sms');
  expect(sms.conversations).toEqual([expect.objectContaining({ id: ids.handoff, channel: 'sms', customer: 'J••• D•••', address: '•••77', state: 'resolved', isHandedOff: true, staffName: 'Sam' })]);
  expect((await getJson('/api/admin/conversations?days=7&state=open')).conversations.map((entry: { id: string }) => entry.id)).toEqual([ids.wrapping2, ids.wrapping]);
  expect((await getJson('/api/admin/conversations?days=7&state=withPerson')).total).toBe(0);
  expect((await get('/api/admin/conversations?state=closed')).status).toBe(400);
  // Pages of 4 and 2, joined by the cursor, in the same order as one page.
  const first = await getJson('/api/admin/conversations?days=7&limit=4');
  const second = await getJson(`/api/admin/conversations?days=7&limit=4&cursor=${first.nextCursor}`);
  expect([...first.conversations, ...second.conversations].map((entry: { id: string }) => entry.id)).toEqual(all.conversations.map((entry: { id: string }) => entry.id));
  expect(second.nextCursor).toBeNull();
});

test('a transcript is masked by default; "reveal" shows it and is logged without the data', async () => {
  const masked = await getJson(`/api/admin/conversations/${ids.handoff}`);
  const maskedText = JSON.stringify(masked);
  expect(maskedText).not.toMatch(/jane\.doe@example\.com|555 010 0777|\+15550100777|Jane Doe/);
  expect(masked.items.find((item: { text?: string }) => item.text?.startsWith('my email'))?.text).toBe('my email is [email], call me on [phone]');
  expect(masked.items.filter((item: { type: string }) => item.type === 'event').map((item: { event: string }) => item.event)).toEqual(['opened', 'claimed', 'resolved', 'feedback']);
  expect(masked.isRevealed).toBe(false);
  const revealed = await getJson(`/api/admin/conversations/${ids.handoff}?reveal=1`);
  expect(revealed.isRevealed).toBe(true);
  expect(JSON.stringify(revealed)).toMatch(/jane\.doe@example\.com, call me on \+1 555 010 0777/);
  expect(revealed.conversation).toMatchObject({ customer: 'Jane Doe', address: '+15550100777' });
  const revealLog = logLines.map((line) => JSON.parse(line)).find((entry) => entry.event === 'admin.reveal');
  expect(revealLog).toMatchObject({ conversationId: ids.handoff });
  expect(logLines.join('\n')).not.toMatch(/jane\.doe|0100777|555 010/);
  expect((await get('/api/admin/conversations/c_nope')).status).toBe(404);
});

test('"add as FAQ" writes a valid entry to knowledge/faq/added-from-dashboard.md and the bot answers it next time', async () => {
  const gaps = await getJson('/api/admin/gaps?days=7');
  expect(gaps.groups).toEqual([expect.objectContaining({ question: 'Do you offer gift wrapping?', count: 2, isAddressed: false })]);

  const invalid = await post('/api/admin/gaps/faq', { question: 'Do you offer gift wrapping', answer: 'Yes.' });
  expect(invalid.status).toBe(400);
  expect(await invalid.json()).toMatchObject({ error: { message: expect.stringMatching(/end with "\?"/) } });
  expect((await post('/api/admin/gaps/faq', { question: 'Do you offer gift wrapping?', answer: '' })).status).toBe(400);

  const added = await post('/api/admin/gaps/faq', { question: 'Do you offer gift wrapping?', answer: 'Yes! Gift wrapping is $5 per item; choose it at checkout or ask in the shop.', paraphrases: ['Is gift wrapping available?'] });
  expect(added.status, await added.clone().text()).toBe(201);
  expect(await added.json()).toMatchObject({ file: join('faq', 'added-from-dashboard.md'), question: 'Do you offer gift wrapping?', chunksAdded: 1 });
  expect(readFileSync(join(dashboard.knowledgeDirectory, 'faq', 'added-from-dashboard.md'), 'utf8')).toContain(
    '## Do you offer gift wrapping?\n- Is gift wrapping available?\n\nYes! Gift wrapping is $5 per item; choose it at checkout or ask in the shop.\n',
  );

  const customer = await dashboard.conversation('web');
  await customer.say('Do you offer gift wrapping?');
  const transcript = await dashboard.app.store.transcript(customer.id);
  const answer = transcript.at(-1)!;
  expect(answer.text).toBe('Yes! Gift wrapping is $5 per item; choose it at checkout or ask in the shop.');
  expect(answer.citations?.[0]?.source).toBe('faq/added-from-dashboard.md');
  expect((await getJson('/api/admin/gaps?days=7')).groups[0]).toMatchObject({ count: 2, isAddressed: true });
});
