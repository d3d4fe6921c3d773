import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasChromium, launchChromium, missingChromiumMessage, screenshotPath, watchPage, type PageWatch } from '../helpers/browser.js';
import { ADMIN_TOKEN, runStandardScript, startDashboardApp, XSS_PAYLOADS, type DashboardApp } from '../unit/analytics/scripted-conversations.js';

if (!hasChromium) console.warn(missingChromiumMessage);

// The owner dashboard in Debian's Chromium, over the standard scripted conversations plus one web customer whose
// message is a bundle of XSS payloads: 7 conversations (6 web, 1 SMS), one handed to a person with a CSAT of 4.
describe.skipIf(!hasChromium)('the owner dashboard in Chromium', () => {
  let dashboard: DashboardApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watch: PageWatch;
  let xssConversationId = '';
  const xssText = `${XSS_PAYLOADS.join(' ')} is the moon made of cheese?`;

  beforeAll(async () => {
    dashboard = await startDashboardApp({ serveHttp: true });
    await runStandardScript(dashboard);
    const xss = await dashboard.conversation('web', { customerName: 'Mallory <b>Bold</b>' });
    await xss.say(xssText, 2);
    xssConversationId = xss.id;
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    watch = watchPage(page);
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  test('signing in: a wrong token is refused with a message, the right one opens the dashboard', async () => {
    await page.goto(`${dashboard.url}/admin`);
    await page.getByLabel('Admin token').fill('definitely-not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#login-error').textContent()).toMatch(/not accepted/);
    await page.screenshot({ path: screenshotPath('dashboard-login') });
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#dashboard').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => sessionStorage.getItem('frontdesk.adminToken'))).toBe(ADMIN_TOKEN);
  });

  test('the key figures match the scripted conversations', async () => {
    const figure = (name: string) => page.locator(`[data-kpi="${name}"] .kpi__value`).textContent();
    expect(await figure('conversations')).toBe('7');
    expect(await page.locator('[data-kpi="conversations"] .kpi__detail').textContent()).toBe('SMS 1 · Web chat 6');
    expect(await figure('containment')).toBe('86%');
    expect(await figure('handoff')).toBe('14%');
    expect(await figure('csat')).toBe('4.0 / 5');
    expect(await figure('nps')).toBe('+100');
    expect(await figure('first-response')).toBe('3.0 s');
    expect(await page.locator('#reasons-chart svg').getAttribute('aria-label')).toBe('Handoff reasons: Customer asked for a person 1');
  });

  test('conversations per day by channel, as a chart and as its table', async () => {
    const chart = page.locator('#per-day-chart');
    expect(await chart.locator('svg rect.bar').count()).toBe(3); // Mar 3: web; Mar 4: SMS and web
    await chart.locator('summary').click();
    const rows = await chart.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent)));
    expect(rows).toEqual([
      ['Mar 3', '0', '3', '3'],
      ['Mar 4', '1', '3', '4'],
    ]);
    await page.screenshot({ path: screenshotPath('dashboard-overview'), fullPage: true });
  });

  test('the gaps list shows the paraphrased question once, asked twice, and "add as FAQ" saves an answer', async () => {
    const group = page.locator('.gap', { hasText: 'Do you offer gift wrapping?' });
    expect(await group.locator('.badge').textContent()).toBe('asked 2×');
    expect(await group.locator('.gap__examples li').allTextContents()).toEqual(['“Is gift wrapping available?”', '“Do you offer gift wrapping?”']);
    await group.getByRole('button', { name: 'Add as FAQ' }).click();
    await group.getByLabel('Answer').fill('Yes! Gift wrapping is $5 per item; choose it at checkout.');
    await group.locator('.gap__head').scrollIntoViewIfNeeded();
    await page.locator('#gaps-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('dashboard-gaps') });
    await group.getByRole('button', { name: 'Save to the knowledge base' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/Added “Do you offer gift wrapping\?” to knowledge\/faq\/added-from-dashboard\.md/);
    expect(await group.locator('.done').textContent()).toBe('✓ Added as an FAQ');
  });

  test('XSS payloads in customer text and names render as text: no dialog, no request off loopback, no CSP error', async () => {
    const row = page.locator('#conversations tbody tr', { hasText: 'is the moon made of cheese?' });
    expect(await row.locator('.preview').textContent()).toBe(xssText);
    await row.locator('button.link').click();
    await page.locator('#transcript').waitFor({ state: 'visible' });
    const customerMessage = page.locator('#messages .message--customer .message__text');
    expect(await customerMessage.textContent()).toBe(xssText);
    // Masked name: first letters only, still as text.
    expect(await page.locator('#transcript-title').textContent()).toBe('Web chat · M••• <•••');
    await page.getByRole('button', { name: 'Reveal personal data' }).click();
    await expect.poll(() => page.locator('#transcript-title').textContent()).toBe('Web chat · Mallory <b>Bold</b>');
    expect(await page.locator('#messages img, #messages script, #messages svg, #gaps img, #gaps svg, #conversations img').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('dashboard-transcript') });
    expect(watch.dialogs).toEqual([]);
    expect(watch.foreignRequests).toEqual([]);
    // Expected: the two 401s of the wrong-token sign-in, and Chromium's own /favicon.ico request (404 without the web channel).
    expect(watch.errors.filter((error) => !/Failed to load resource: the server responded with a status of (401|404)/.test(error))).toEqual([]);
    expect(xssConversationId).not.toBe('');
  });

  test('the transcript of the handoff shows staff events and masks the customer’s email and phone', async () => {
    await page.getByRole('button', { name: 'Close the conversation' }).click();
    await page.locator('#filter-channel').selectOption('sms');
    await expect.poll(() => page.locator('#conversations tbody tr').count()).toBe(1);
    await page.locator('#conversations tbody tr button.link').click();
    await expect.poll(() => page.locator('#messages').textContent()).toContain('my email is [email], call me on [phone]');
    expect(await page.locator('#messages .event').allTextContents()).toEqual([
      expect.stringMatching(/^Handed to a person: Customer asked for a person · /),
      expect.stringMatching(/^Claimed by Sam · /),
      expect.stringMatching(/^Handed back to the bot by Sam · /),
      expect.stringMatching(/^Satisfaction score 4 \/ 5 · /),
    ]);
    await page.screenshot({ path: screenshotPath('dashboard-handoff-transcript') });
  });

  test('on a phone the layout stacks and nothing overflows sideways', async () => {
    const phone = await context.newPage();
    const phoneWatch = watchPage(phone);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${dashboard.url}/admin#token=${ADMIN_TOKEN}`);
    await phone.locator('#dashboard').waitFor({ state: 'visible' });
    expect(phone.url()).not.toContain('token'); // the one-time link leaves no token in the address bar or history
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: screenshotPath('dashboard-mobile'), fullPage: true });
    expect(phoneWatch.errors.filter((error) => !/status of 404/.test(error))).toEqual([]);
    await phone.close();
  });
});
