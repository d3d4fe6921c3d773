import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

/**
 * A stand-in for Twilio on 127.0.0.1: the Messages API the real twilio SDK talks to (TWILIO_API_URL), and a signer
 * that posts webhooks to Frontdesk exactly as Twilio signs them (twilio-node's own getExpectedTwilioSignature).
 */

export interface StandInMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  status: string;
  dateCreated: Date;
}

export interface SendAttempt {
  to: string;
  body: string;
  at: number;
  /** What the stand-in answered. */
  status: number;
}

/** How to fail a Messages.json POST: an HTTP error (nothing stored), or accept and store the SMS, then answer 500. */
export type Fault = { kind: 'status'; status: number; code?: number; retryAfterSeconds?: number } | { kind: 'accept-then-500' };

interface FaultRule {
  fault: Fault;
  to?: string;
  remaining: number;
}

export interface TwilioStandIn {
  url: string;
  /** Messages the stand-in accepted (an accept-then-500 counts: the SMS went out). */
  messages: StandInMessage[];
  /** Every POST to Messages.json, accepted or not. */
  attempts: SendAttempt[];
  /** How many times the Messages list was read (reconciliation). */
  listCalls: number;
  messagesTo(to: string): StandInMessage[];
  attemptsTo(to: string): SendAttempt[];
  /** The next `times` sends (to `to`, or to anyone) fail with `fault`. */
  failSends(fault: Fault, options?: { to?: string; times?: number }): void;
  close(): Promise<void>;
}

const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');
const newSid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

/**
 * Starts the Messages API stand-in: POST and GET /2010-04-01/Accounts/{sid}/Messages.json with Basic auth, JSON like
 * Twilio's (RFC 2822 dates, `messages` list key), and programmable faults.
 *
 * @example
 * const twilioApi = await startTwilioStandIn({ accountSid, authToken });
 * twilioApi.failSends({ kind: 'accept-then-500' }, { to: '+15550001111' });
 */
export async function startTwilioStandIn(options: { accountSid: string; authToken: string }): Promise<TwilioStandIn> {
  const messages: StandInMessage[] = [];
  const attempts: SendAttempt[] = [];
  const rules: FaultRule[] = [];
  let listCalls = 0;
  const basePath = `/2010-04-01/Accounts/${options.accountSid}/Messages.json`;
  const expectedAuth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;

  const toResource = (message: StandInMessage) => ({
    sid: message.sid,
    account_sid: options.accountSid,
    api_version: '2010-04-01',
    to: message.to,
    from: message.from,
    body: message.body,
    status: message.status,
    direction: 'outbound-api',
    num_segments: '1',
    num_media: '0',
    date_created: rfc2822(message.dateCreated),
    date_updated: rfc2822(message.dateCreated),
    date_sent: null,
    error_code: null,
    error_message: null,
    price: null,
    price_unit: 'USD',
    messaging_service_sid: null,
    uri: `/2010-04-01/Accounts/${options.accountSid}/Messages/${message.sid}.json`,
  });

  const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
  const twilioError = (response: ServerResponse, status: number, code: number, message: string, headers?: Record<string, string>) =>
    json(response, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, headers);

  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    if (url.pathname !== basePath) return twilioError(response, 404, 20404, 'The requested resource was not found');
    if (request.headers.authorization !== expectedAuth) return twilioError(response, 401, 20003, 'Authenticate');
    if (request.method === 'GET') {
      listCalls++;
      const to = url.searchParams.get('To');
      const from = url.searchParams.get('From');
      const pageSize = Number(url.searchParams.get('PageSize') ?? '50');
      const found = messages.filter((message) => (!to || message.to === to) && (!from || message.from === from)).reverse().slice(0, pageSize);
      return json(response, 200, { messages: found.map(toResource), page: 0, page_size: pageSize, start: 0, end: found.length, first_page_uri: basePath, next_page_uri: null, previous_page_uri: null, uri: basePath });
    }
    if (request.method !== 'POST') return twilioError(response, 405, 20004, 'Method not allowed');
    const form = new URLSearchParams(await readBody(request));
    const to = form.get('To') ?? '';
    const body = form.get('Body') ?? '';
    const rule = rules.find((candidate) => candidate.remaining > 0 && (!candidate.to || candidate.to === to));
    const attempt: SendAttempt = { to, body, at: Date.now(), status: 201 };
    attempts.push(attempt);
    if (rule) {
      rule.remaining--;
      if (rule.fault.kind === 'status') {
        attempt.status = rule.fault.status;
        const headers: Record<string, string> = rule.fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(rule.fault.retryAfterSeconds) };
        return twilioError(response, rule.fault.status, rule.fault.code ?? (rule.fault.status === 429 ? 20429 : 20500), 'Injected failure', headers);
      }
    }
    const message: StandInMessage = { sid: newSid('SM'), to, from: form.get('From') ?? '', body, statusCallback: form.get('StatusCallback') ?? undefined, status: 'queued', dateCreated: new Date() };
    messages.push(message);
    if (rule?.fault.kind === 'accept-then-500') {
      attempt.status = 500;
      return twilioError(response, 500, 20500, 'Internal Server Error');
    }
    json(response, 201, toResource(message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    attempts,
    get listCalls() {
      return listCalls;
    },
    messagesTo: (to) => messages.filter((message) => message.to === to),
    attemptsTo: (to) => attempts.filter((attempt) => attempt.to === to),
    failSends(fault, failOptions = {}) {
      rules.push({ fault, to: failOptions.to, remaining: failOptions.times ?? 1 });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Parameters of an incoming-message webhook, with the fields Twilio really sends (so "all parameters" is tested). */
export function incomingSmsParams(options: { from: string; to: string; body: string; accountSid: string; messageSid?: string; extra?: Record<string, string> }): Record<string, string> {
  const messageSid = options.messageSid ?? newSid('SM');
  return {
    ToCountry: 'US',
    ToState: 'OR',
    SmsMessageSid: messageSid,
    NumMedia: '0',
    ToCity: 'PORTLAND',
    FromZip: '97201',
    SmsSid: messageSid,
    FromState: 'OR',
    SmsStatus: 'received',
    FromCity: 'PORTLAND',
    Body: options.body,
    FromCountry: 'US',
    To: options.to,
    ToZip: '97201',
    NumSegments: '1',
    MessageSid: messageSid,
    AccountSid: options.accountSid,
    From: options.from,
    ApiVersion: '2010-04-01',
    ...options.extra,
  };
}

/** X-Twilio-Signature exactly as Twilio computes it, with twilio-node's own helper. */
export const twilioSignature = (authToken: string, url: string, params: Record<string, string>) => twilio.getExpectedTwilioSignature(authToken, url, params);

export interface WebhookResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * POSTs a form-encoded webhook with node:http, so the Host header can be what a proxy would send. The signature is
 * computed for `signedUrl` (default: the URL posted to) unless `signature` is given (or null for none).
 */
export function postTwilioWebhook(url: string, params: Record<string, string>, options: { authToken: string; signedUrl?: string; signature?: string | null; host?: string; body?: string; contentType?: string }): Promise<WebhookResponse> {
  const target = new URL(url);
  const body = options.body ?? new URLSearchParams(params).toString();
  const signature = options.signature === undefined ? twilioSignature(options.authToken, options.signedUrl ?? url, params) : options.signature;
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
    'content-length': String(Buffer.byteLength(body)),
    host: options.host ?? target.host,
    'user-agent': 'TwilioProxy/1.1',
  };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return new Promise((resolve, reject) => {
    // The path is sent exactly as written: new URL() would re-encode a ' in the query as %27 (twilio-node #1059).
    const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '') || '/';
    const request = httpRequest({ host: target.hostname, port: target.port, method: 'POST', path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Sends the status callback Twilio would send for `message`, signed, to the StatusCallback URL it was given. */
export function postStatusCallback(message: StandInMessage, status: string, options: { authToken: string; accountSid: string; errorCode?: string; signature?: string | null }): Promise<WebhookResponse> {
  if (!message.statusCallback) throw new Error(`message ${message.sid} was sent without a StatusCallback`);
  const params: Record<string, string> = {
    SmsSid: message.sid,
    SmsStatus: status,
    MessageStatus: status,
    To: message.to,
    MessageSid: message.sid,
    AccountSid: options.accountSid,
    From: message.from,
    ApiVersion: '2010-04-01',
    ...(options.errorCode && { ErrorCode: options.errorCode }),
  };
  return postTwilioWebhook(message.statusCallback, params, { authToken: options.authToken, signature: options.signature });
}

/** Polls `check` until it returns a truthy value (every 20 ms, up to `timeoutMilliseconds`). */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMilliseconds = 5000): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + timeoutMilliseconds;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMilliseconds} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
