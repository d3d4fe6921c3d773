import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Slack Web API on 127.0.0.1 (Bolt's `slackApiUrl`), and a signer that posts to Frontdesk exactly
 * as Slack signs its requests. It parses the WebClient's application/x-www-form-urlencoded bodies (nested values
 * such as `blocks` and `metadata` arrive as JSON strings) and JSON bodies.
 */

export const BOT_USER_ID = 'UBOT0001';
export const BOT_ID = 'BBOT0001';
export const TEAM_ID = 'T0TEST001';

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: Array<Record<string, unknown>>;
  thread_ts?: string;
  reply_broadcast?: boolean;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  /** Later chat.update calls replace these; `updates` keeps every version. */
  updates: Array<{ text: string; blocks?: Array<Record<string, unknown>> }>;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string;
  thread_ts?: string;
  blocks?: Array<Record<string, unknown>>;
}

export interface ApiCall {
  method: string;
  status: number;
  at: number;
  params: Record<string, unknown>;
}

export type Fault = { kind: 'rate-limit'; retryAfterSeconds: number } | { kind: 'accept-then-500' } | { kind: 'error'; error: string };

export interface SlackStandIn {
  url: string;
  messages: PostedMessage[];
  ephemerals: EphemeralMessage[];
  calls: ApiCall[];
  /** The handoff root posted for a Frontdesk conversation (found by the metadata Frontdesk puts on it). */
  rootsFor(conversationId: string): PostedMessage[];
  threadOf(rootTs: string): PostedMessage[];
  /** The next `times` calls to `method` fail with `fault`. */
  failNext(method: string, fault: Fault, times?: number): void;
  close(): Promise<void>;
}

export interface StandInUser {
  id: string;
  name: string;
  display_name?: string;
  real_name?: string;
}

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const JSON_FIELDS = new Set(['blocks', 'metadata', 'attachments']);

function parseParams(contentType: string, body: string): Record<string, unknown> {
  if (contentType.startsWith('application/json')) return body ? (JSON.parse(body) as Record<string, unknown>) : {};
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) params[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value;
  return params;
}

/**
 * Starts the Web API stand-in: auth.test, chat.postMessage, chat.update, chat.postEphemeral, users.info and
 * conversations.history, with Bearer-token checks and programmable faults.
 *
 * @example
 * const slackApi = await startSlackStandIn({ users: [{ id: 'U1', name: 'sam', display_name: 'Sam' }] });
 * slackApi.failNext('chat.postMessage', { kind: 'rate-limit', retryAfterSeconds: 1 });
 */
export async function startSlackStandIn(options: { token?: string; users?: StandInUser[] } = {}): Promise<SlackStandIn> {
  const token = options.token ?? 'xoxb-test';
  const users = new Map((options.users ?? []).map((user) => [user.id, user]));
  const messages: PostedMessage[] = [];
  const ephemerals: EphemeralMessage[] = [];
  const calls: ApiCall[] = [];
  const faults: Array<{ method: string; fault: Fault; remaining: number }> = [];
  let sequence = 0;
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, '0')}`;

  const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    response.end(JSON.stringify(body));
  };

  const takeFault = (method: string) => {
    const rule = faults.find((candidate) => candidate.method === method && candidate.remaining > 0);
    if (!rule) return undefined;
    rule.remaining--;
    return rule.fault;
  };

  const handlers: Record<string, (params: Record<string, unknown>) => Record<string, unknown>> = {
    'auth.test': () => ({ ok: true, url: 'https://frontdesk-test.slack.com/', team: 'Frontdesk Test', user: 'frontdesk', team_id: TEAM_ID, user_id: BOT_USER_ID, bot_id: BOT_ID }),
    'chat.postMessage': (params) => {
      if (!params.channel) return { ok: false, error: 'channel_not_found' };
      if (!params.text && !params.blocks) return { ok: false, error: 'no_text' };
      const message: PostedMessage = {
        channel: String(params.channel),
        ts: nextTs(),
        text: String(params.text ?? ''),
        blocks: params.blocks as PostedMessage['blocks'],
        ...(params.thread_ts !== undefined && { thread_ts: String(params.thread_ts) }),
        ...(params.reply_broadcast !== undefined && { reply_broadcast: params.reply_broadcast === true || params.reply_broadcast === 'true' }),
        metadata: params.metadata as PostedMessage['metadata'],
        updates: [],
      };
      messages.push(message);
      return { ok: true, channel: message.channel, ts: message.ts, message: { type: 'message', bot_id: BOT_ID, user: BOT_USER_ID, text: message.text, ts: message.ts } };
    },
    'chat.update': (params) => {
      const message = messages.find((candidate) => candidate.channel === params.channel && candidate.ts === params.ts);
      if (!message) return { ok: false, error: 'message_not_found' };
      message.text = String(params.text ?? message.text);
      message.blocks = (params.blocks as PostedMessage['blocks']) ?? message.blocks;
      message.updates.push({ text: message.text, blocks: message.blocks });
      return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
    },
    'chat.postEphemeral': (params) => {
      if (!params.channel || !params.user) return { ok: false, error: 'invalid_arguments' };
      ephemerals.push({ channel: String(params.channel), user: String(params.user), text: String(params.text ?? ''), thread_ts: params.thread_ts as string | undefined, blocks: params.blocks as EphemeralMessage['blocks'] });
      return { ok: true, message_ts: nextTs() };
    },
    'users.info': (params) => {
      const user = users.get(String(params.user));
      if (!user) return { ok: false, error: 'user_not_found' };
      return { ok: true, user: { id: user.id, name: user.name, real_name: user.real_name, profile: { display_name: user.display_name ?? '', real_name: user.real_name ?? '' } } };
    },
    'conversations.history': (params) => {
      const oldest = Number(params.oldest ?? 0);
      const found = messages
        .filter((message) => message.channel === params.channel && !message.thread_ts && Number(message.ts) >= oldest)
        .reverse()
        .map((message) => ({ type: 'message', ts: message.ts, text: message.text, bot_id: BOT_ID, ...(Boolean(params.include_all_metadata) && message.metadata ? { metadata: message.metadata } : {}) }));
      return { ok: true, messages: found, has_more: false };
    },
  };

  const server: Server = createServer(async (request, response) => {
    const method = new URL(request.url ?? '/', 'http://stand-in').pathname.replace(/^\/api\//, '');
    const params = parseParams(String(request.headers['content-type'] ?? ''), await readBody(request));
    const record = (status: number) => calls.push({ method, status, at: Date.now(), params });
    const handler = handlers[method];
    if (!handler) {
      record(404);
      return json(response, 404, { ok: false, error: 'unknown_method' });
    }
    if (request.headers.authorization !== `Bearer ${token}`) {
      record(200);
      return json(response, 200, { ok: false, error: 'invalid_auth' });
    }
    const fault = takeFault(method);
    if (fault?.kind === 'rate-limit') {
      record(429);
      return json(response, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfterSeconds) });
    }
    if (fault?.kind === 'error') {
      record(200);
      return json(response, 200, { ok: false, error: fault.error });
    }
    const result = handler(params);
    if (fault?.kind === 'accept-then-500') {
      // Slack did the work, but the answer is lost: the caller cannot tell whether it happened.
      record(500);
      response.writeHead(500, { 'content-type': 'text/plain' });
      return response.end('internal error');
    }
    record(200);
    return json(response, 200, result);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    ephemerals,
    calls,
    rootsFor: (conversationId) => messages.filter((message) => !message.thread_ts && message.metadata?.event_payload?.conversation_id === conversationId),
    threadOf: (rootTs) => messages.filter((message) => message.thread_ts === rootTs),
    failNext(method, fault, times = 1) {
      faults.push({ method, fault, remaining: times });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Slack's v0 signature: `v0=` + hex HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`). */
export function signSlackRequest(signingSecret: string, timestampSeconds: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${body}`).digest('hex')}`;
}

export interface SlackPostOptions {
  secret?: string;
  /** Seconds to add to the current time for the signed timestamp (negative: in the past). */
  skewSeconds?: number;
  /** Send this signature instead of the correct one. */
  signature?: string;
  retryNum?: number;
}

/** Posts a body to Frontdesk's Slack endpoint, signed as Slack signs it (unless told to forge it). */
export function postToSlackEndpoint(url: string, body: string, contentType: string, options: SlackPostOptions & { secret: string }) {
  const timestamp = Math.floor(Date.now() / 1000) + (options.skewSeconds ?? 0);
  return fetch(`${url}/api/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? signSlackRequest(options.secret, timestamp, body),
      ...(options.retryNum !== undefined && { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' }),
    },
    body,
  });
}

let eventSequence = 0;

/** A `message` event as the Events API delivers it (event_callback envelope). */
export function messageEvent(fields: { channel: string; user?: string; text: string; threadTs?: string; eventId?: string; botId?: string; subtype?: string }) {
  const ts = `${Math.floor(Date.now() / 1000)}.${String(900_000 + ++eventSequence).padStart(6, '0')}`;
  return {
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    api_app_id: 'A0TEST001',
    type: 'event_callback',
    event_id: fields.eventId ?? `Ev${Date.now().toString(36).toUpperCase()}${eventSequence}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
    event: {
      type: 'message',
      channel: fields.channel,
      channel_type: 'channel',
      text: fields.text,
      ts,
      event_ts: ts,
      ...(fields.user && { user: fields.user }),
      ...(fields.threadTs && { thread_ts: fields.threadTs }),
      ...(fields.botId && { bot_id: fields.botId }),
      ...(fields.subtype && { subtype: fields.subtype }),
    },
  };
}

/** A `block_actions` payload for a button click, form-encoded as Slack sends it. */
export function buttonClick(fields: { actionId: string; value: string; user: { id: string; username: string }; channel: string; messageTs: string; threadTs?: string; isEphemeral?: boolean }) {
  const actionTs = `${Math.floor(Date.now() / 1000)}.${String(800_000 + ++eventSequence).padStart(6, '0')}`;
  const payload = {
    type: 'block_actions',
    user: { id: fields.user.id, username: fields.user.username, name: fields.user.username, team_id: TEAM_ID },
    api_app_id: 'A0TEST001',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: fields.messageTs, channel_id: fields.channel, is_ephemeral: fields.isEphemeral ?? false, ...(fields.threadTs && { thread_ts: fields.threadTs }) },
    trigger_id: `${eventSequence}.trigger`,
    team: { id: TEAM_ID, domain: 'frontdesk-test' },
    channel: { id: fields.channel, name: 'handoffs' },
    ...(!fields.isEphemeral && { message: { type: 'message', ts: fields.messageTs, bot_id: BOT_ID, text: 'Handoff' } }),
    response_url: 'https://hooks.slack.com/actions/T0TEST001/1/abc',
    actions: [{ type: 'button', action_id: fields.actionId, block_id: 'frontdesk_actions', value: fields.value, text: { type: 'plain_text', text: fields.actionId }, action_ts: actionTs }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A slash command, form-encoded as Slack sends it. */
export function slashCommand(fields: { command: string; user: { id: string; username: string }; channel: string; text?: string }) {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    team_domain: 'frontdesk-test',
    channel_id: fields.channel,
    channel_name: 'handoffs',
    user_id: fields.user.id,
    user_name: fields.user.username,
    command: fields.command,
    text: fields.text ?? '',
    api_app_id: 'A0TEST001',
    response_url: 'https://hooks.slack.com/commands/T0TEST001/1/abc',
    trigger_id: `${++eventSequence}.trigger`,
  }).toString();
}
