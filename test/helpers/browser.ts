import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from './start-test-chat.js';

/** Debian's `chromium` package; `.ci/run` installs it. Browser tests skip (saying why) when it is missing. */
export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
export const missingChromiumMessage = `browser tests skipped: ${chromiumPath} is missing. Install it with \`apt-get update && apt-get install -y chromium\` (.ci/run does this).`;

/**
 * Keeps Chromium on loopback. The usual "quiet" flags are not enough: without the resolver rules it still looked up
 * accounts.google.com and update.googleapis.com (../shared/PACKAGES.md, checked with strace). Both EXCLUDE clauses
 * are needed, or 127.0.0.1 itself fails to resolve.
 */
export const LOOPBACK_ONLY_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
  '--disable-quic',
  '--no-pings',
  '--disable-domain-reliability',
  '--disable-features=AutofillServerCommunication,OptimizationHints,Translate,MediaRouter',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: LOOPBACK_ONLY_ARGS });
}

export const screenshotDirectory = join(projectRoot, 'test-results', 'screenshots');

/** Where a screenshot goes (test-results/screenshots/<name>.png), creating the folder. */
export function screenshotPath(name: string): string {
  mkdirSync(screenshotDirectory, { recursive: true });
  return join(screenshotDirectory, `${name}.png`);
}

export interface PageWatch {
  /** Every alert/confirm/prompt the page opened: an XSS payload that ran. */
  dialogs: string[];
  /** Requests to any host but 127.0.0.1: an exfiltration or a leak. */
  foreignRequests: string[];
  /** Uncaught exceptions, and console errors (CSP violations are reported there). */
  errors: string[];
}

/** Records what must never happen on our pages: dialogs, requests off loopback, script errors, CSP violations. */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { dialogs: [], foreignRequests: [], errors: [] };
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1') watch.foreignRequests.push(request.url());
  });
  page.on('pageerror', (error) => watch.errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') watch.errors.push(`console: ${message.text()}`);
  });
  return watch;
}
