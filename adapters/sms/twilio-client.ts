import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

/** The HTTP status and headers of the call in flight: RestException keeps neither Retry-After nor any header. */
interface ResponseRecord {
  statusCode?: number;
  headers?: Record<string, unknown>;
}
const responses = new AsyncLocalStorage<ResponseRecord>();

/**
 * twilio-node's own RequestClient (axios, auth, form encoding untouched) with one change: when TWILIO_API_URL is
 * set, every request goes to that base URL instead of https://api.twilio.com (tests, a proxy, a regional relay).
 * A custom `httpClient` is how the twilio-node maintainers suggest redirecting the SDK (twilio-node #326,
 * advanced-examples/custom-http-client.md); the SDK still builds every request.
 */
class RoutedRequestClient extends twilio.RequestClient {
  private readonly apiBaseUrl?: string;

  constructor(options: { apiBaseUrl?: string; timeoutMilliseconds: number }) {
    super({ timeout: options.timeoutMilliseconds });
    this.apiBaseUrl = options.apiBaseUrl?.replace(/\/+$/, '');
  }

  override async request<TData>(options: RequestClient.RequestOptions<TData>) {
    const uri = this.apiBaseUrl && options.uri ? rebase(options.uri, this.apiBaseUrl) : options.uri;
    const response = await super.request<TData>({ ...options, uri });
    const record = responses.getStore();
    if (record) Object.assign(record, { statusCode: response.statusCode, headers: response.headers as Record<string, unknown> });
    return response;
  }
}

/** https://api.twilio.com/2010-04-01/… (or a regional host) → <base>/2010-04-01/…, keeping the query. */
function rebase(uri: string, base: string): string {
  const url = new URL(uri);
  return `${base}${url.pathname}${url.search}`;
}

/** How a failed send ended, as far as we can tell. Only `ambiguous` may have sent the SMS. */
export type SendFailure =
  | { kind: 'opted-out'; status: number; code: number }
  | { kind: 'refused'; status: number; code?: number }
  | { kind: 'rate-limited'; status: number; retryAfterMilliseconds?: number }
  | { kind: 'not-sent'; reason: string }
  | { kind: 'ambiguous'; reason: string };

export type SendResult = { isSent: true; sid: string } | { isSent: false; failure: SendFailure };

export interface ListedSms {
  sid: string;
  body: string;
  status: string;
  dateCreated?: Date;
}

export interface TwilioMessages {
  create(params: { to: string; from: string; body: string; statusCallback?: string }): Promise<SendResult>;
  /** The newest messages from `from` to `to`, newest first. Throws when the lookup itself fails. */
  listRecent(params: { to: string; from: string; limit: number }): Promise<ListedSms[]>;
}

/** Twilio: "Attempt to send to unsubscribed recipient" (the number texted STOP to this sender). */
export const TWILIO_OPTED_OUT = 21610;
/** Twilio: "Invalid 'To' Phone Number". */
export const TWILIO_INVALID_NUMBER = 21211;

// Failures that happen before a byte of the request reached Twilio: resending is safe.
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_INVALID_URL', 'ERR_BAD_OPTION_VALUE']);

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Math.ceil(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Sorts an error from twilio-node (RestException, TwilioServiceException, or axios underneath) into a SendFailure. */
export function classifySendError(error: unknown, record: ResponseRecord, now: number): SendFailure {
  const candidate = error as { status?: unknown; code?: unknown; isAxiosError?: boolean; message?: string };
  if (typeof candidate.status === 'number') {
    const status = candidate.status;
    const code = typeof candidate.code === 'number' ? candidate.code : undefined;
    if (status === 429) return { kind: 'rate-limited', status, retryAfterMilliseconds: parseRetryAfter(record.headers?.['retry-after'], now) };
    // A 5xx after the request reached Twilio: it may have accepted the message before failing (elizaOS #22382).
    if (status >= 500) return { kind: 'ambiguous', reason: `Twilio answered HTTP ${status}${code ? ` (code ${code})` : ''}` };
    if (code === TWILIO_OPTED_OUT) return { kind: 'opted-out', status, code };
    if (status === 408) return { kind: 'ambiguous', reason: 'Twilio answered HTTP 408' };
    return { kind: 'refused', status, code };
  }
  const networkCode = typeof candidate.code === 'string' ? candidate.code : undefined;
  if (networkCode && CONNECT_ERRORS.has(networkCode)) return { kind: 'not-sent', reason: `could not connect to the Twilio API (${networkCode})` };
  // A reset, timeout or an unknown failure once the request may have left: treat it as "maybe sent".
  return { kind: 'ambiguous', reason: networkCode ? `the connection failed after the request was sent (${networkCode})` : 'the Twilio API call failed without a response' };
}

/**
 * The Messages API through the official twilio client: `messages.create` and `messages.list`, with errors sorted so
 * the adapter can tell "refused", "try later" and "maybe sent" apart.
 *
 * @example
 * const messages = createTwilioMessages({ accountSid, authToken, timeoutMilliseconds: 15_000, now: Date.now });
 * const result = await messages.create({ to, from, body });
 */
export function createTwilioMessages(options: { accountSid: string; authToken: string; apiBaseUrl?: string; timeoutMilliseconds: number; now: () => number }): TwilioMessages {
  const client = twilio(options.accountSid, options.authToken, {
    httpClient: new RoutedRequestClient({ apiBaseUrl: options.apiBaseUrl, timeoutMilliseconds: options.timeoutMilliseconds }),
    // The SDK's own 429 auto-retry would hide Retry-After from our delivery queue, which schedules retries itself.
    autoRetry: false,
  });
  return {
    async create(params) {
      const record: ResponseRecord = {};
      try {
        const message = await responses.run(record, () => client.messages.create(params));
        return { isSent: true, sid: message.sid };
      } catch (error) {
        return { isSent: false, failure: classifySendError(error, record, options.now()) };
      }
    },
    async listRecent(params) {
      const messages = await client.messages.list({ to: params.to, from: params.from, limit: params.limit, pageSize: params.limit });
      return messages.map((message) => ({ sid: message.sid, body: message.body ?? '', status: String(message.status), dateCreated: message.dateCreated ?? undefined }));
    },
  };
}
