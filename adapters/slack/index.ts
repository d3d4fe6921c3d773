import { defineChannel, type ChannelPlugin } from '../../src/index.js';
import { isSlackConfigured } from './config.js';
import type { SlackAdapterOptions } from './slack-adapter.js';

export type { SlackAdapterOptions } from './slack-adapter.js';
export { verifySlackSignature, SIGNATURE_WINDOW_SECONDS } from './verify.js';
export { readSlackConfig, isSlackConfigured, type SlackConfig } from './config.js';
// For tests and tools that build Slack payloads.
export { ACTION } from './render.js';

/**
 * The Slack channel, optionally with options (tests shorten timeouts). `frontdesk start` uses the default export.
 * @slack/bolt (about 8 MB of heap) is imported only when Slack is configured.
 *
 * @example
 * const slack = createSlackChannel({ sendTimeoutMilliseconds: 2000 });
 */
export function createSlackChannel(overrides: Omit<SlackAdapterOptions, 'context'> = {}): ChannelPlugin {
  return defineChannel({
    channel: 'slack',
    isEnabled: isSlackConfigured,
    create: async (context) => (await import('./slack-adapter.js')).createSlackAdapter({ ...overrides, context }),
  });
}

export default createSlackChannel();
