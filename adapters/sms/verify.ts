import twilio from 'twilio';
import type { HttpRequest } from '../../src/index.js';

/** Form parameters as Twilio sent them: a name sent twice keeps every value, as twilio-node's signer expects. */
export type TwilioParams = Record<string, string | string[]>;

const isFormBody = (request: HttpRequest) => /^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '');

/**
 * The request's form parameters, parsed from the raw bytes with URLSearchParams. Nothing is trimmed or normalized:
 * the signature covers the values exactly as sent, and a parser that trims breaks it (Twilio error 57012).
 * A body that is not form-encoded yields no parameters (and so, almost surely, a signature mismatch).
 */
export function parseTwilioForm(request: HttpRequest): { params: TwilioParams; isForm: boolean } {
  const params: TwilioParams = Object.create(null) as TwilioParams;
  if (!isFormBody(request)) return { params, isForm: false };
  for (const [name, value] of new URLSearchParams(request.rawBody.toString('utf8'))) {
    const existing = params[name];
    if (existing === undefined) params[name] = value;
    else params[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return { params, isForm: true };
}

/** The path and query exactly as received; a proxy may send the absolute form `http://host/path?query`. */
function requestTarget(request: HttpRequest): string {
  const target = request.raw.url ?? request.path;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(.*)$/i.exec(target);
  return absolute ? absolute[1] || '/' : target;
}

/**
 * The URLs Twilio may have signed for this request.
 * - With FRONTDESK_PUBLIC_URL: that URL (scheme, host, port and any path prefix) + the path and query received. Behind
 *   a TLS-terminating proxy or tunnel the Host and scheme we see are not what Twilio called (twilio-node #321, #505).
 * - Without it: `http://` and `https://` + the Host header + path and query, which covers a direct connection and
 *   tunnels that keep the Host header. X-Forwarded-* headers are never trusted: anyone can send them.
 */
export function signedUrlCandidates(request: HttpRequest, publicUrl: string | undefined): string[] {
  const target = requestTarget(request);
  if (publicUrl) return [publicUrl.replace(/\/+$/, '') + target];
  const host = request.headers.host;
  if (!host) return [];
  return [`http://${host}${target}`, `https://${host}${target}`];
}

export type VerifyResult = { isValid: true; url: string } | { isValid: false; reason: string; url?: string };

/**
 * Checks X-Twilio-Signature with twilio-node's own `validateRequest` over ALL received parameters (Twilio adds
 * parameters without notice, so a whitelist would break). `validateRequest` also tries the URL with and without the
 * default port, as Twilio's own signing is inconsistent there.
 */
export function verifyTwilioSignature(options: { authToken: string; request: HttpRequest; params: TwilioParams; publicUrl?: string }): VerifyResult {
  const header = options.request.headers['x-twilio-signature'];
  if (header === undefined || header === '') return { isValid: false, reason: 'the X-Twilio-Signature header is missing' };
  if (Array.isArray(header)) return { isValid: false, reason: 'more than one X-Twilio-Signature header' };
  const candidates = signedUrlCandidates(options.request, options.publicUrl);
  if (candidates.length === 0) return { isValid: false, reason: 'the request has no Host header and FRONTDESK_PUBLIC_URL is not set, so the signed URL cannot be rebuilt' };
  for (const url of candidates) {
    if (twilio.validateRequest(options.authToken, header, url, options.params)) return { isValid: true, url };
  }
  return {
    isValid: false,
    url: candidates[0],
    reason: options.publicUrl
      ? 'the signature does not match FRONTDESK_PUBLIC_URL + path and the parameters received (wrong auth token, a changed parameter, or a webhook URL in the Twilio console that differs from FRONTDESK_PUBLIC_URL)'
      : 'the signature does not match the URL rebuilt from the Host header and the parameters received (behind a proxy or tunnel, set FRONTDESK_PUBLIC_URL to the URL Twilio calls)',
  };
}

/** The scheme://host[:port][/prefix] part of a verified URL, minus our route: where Twilio can reach us. */
export function baseUrlOf(verifiedUrl: string, routePath: string): string {
  const end = verifiedUrl.indexOf(routePath);
  return end === -1 ? new URL(verifiedUrl).origin : verifiedUrl.slice(0, end);
}
