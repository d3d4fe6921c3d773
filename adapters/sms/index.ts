import { defineChannel } from '../../src/index.js';
import type { SmsAdapterOptions } from './sms-adapter.js';

export type { SmsAdapterOptions } from './sms-adapter.js';

/**
 * The SMS channel plugin; options tune timings (tests shorten the reconcile delay). The twilio SDK (about 6 MB of
 * heap) is imported only when SMS is configured.
 *
 * @example
 * startTestApp({ serveHttp: true, channels: [createSmsChannel({ reconcileDelayMilliseconds: 200 })], env });
 */
export function createSmsChannel(tuning: Omit<SmsAdapterOptions, 'context'> = {}) {
  return defineChannel({
    channel: 'sms',
    // On when the credentials are set; a missing TWILIO_PHONE_NUMBER then fails start-up with a config error.
    isEnabled: (env) => Boolean(env.TWILIO_ACCOUNT_SID?.trim() && env.TWILIO_AUTH_TOKEN?.trim()),
    create: async (context) => (await import('./sms-adapter.js')).createSmsAdapter({ context, ...tuning }),
  });
}

export default createSmsChannel();
