import { createHmac, timingSafeEqual } from 'node:crypto';
import { FrontdeskError, type HttpRequest } from '../../src/index.js';

/** Slack's documented replay window: requests more than five minutes from our clock, either way, are refused. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? undefined : value);

/**
 * Checks Slack's v0 request signature: `v0=` + hex HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`), over the
 * raw bytes as received. Bolt's own `verifySlackRequest` only refuses timestamps older than five minutes; a timestamp
 * from the future is refused here too, so a captured request cannot be replayed later by pre-dating it.
 *
 * @throws FrontdeskError('signature_invalid') (answered 401) when anything is missing, outside the window or wrong.
 */
export function verifySlackSignature(request: Pick<HttpRequest, 'headers' | 'rawBody'>, signingSecret: string, nowMilliseconds: number): void {
  const signature = single(request.headers['x-slack-signature']);
  const timestamp = single(request.headers['x-slack-request-timestamp']);
  if (!signature || !timestamp) throw new FrontdeskError('signature_invalid', 'The request has no Slack signature (x-slack-signature and x-slack-request-timestamp are required).');
  if (!/^\d{1,12}$/.test(timestamp)) throw new FrontdeskError('signature_invalid', 'x-slack-request-timestamp must be Unix seconds.');
  const skewSeconds = Math.abs(Math.floor(nowMilliseconds / 1000) - Number(timestamp));
  if (skewSeconds > SIGNATURE_WINDOW_SECONDS) {
    throw new FrontdeskError('signature_invalid', `The Slack request timestamp is ${skewSeconds} s away from this server's clock; at most ${SIGNATURE_WINDOW_SECONDS} s is accepted. If every request fails like this, fix the server clock (NTP).`);
  }
  const match = /^v0=([0-9a-f]{64})$/.exec(signature);
  if (!match) throw new FrontdeskError('signature_invalid', 'x-slack-signature must be a v0 signature.');
  const expected = createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(request.rawBody).digest();
  // Same length by construction (both 32 bytes), so the comparison itself takes constant time.
  if (!timingSafeEqual(Buffer.from(match[1]!, 'hex'), expected)) {
    throw new FrontdeskError('signature_invalid', 'The Slack signature does not match. Check SLACK_SIGNING_SECRET (Basic Information page of the Slack app).');
  }
}
