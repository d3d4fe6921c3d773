import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  createId,
  defineChannel,
  FrontdeskError,
  PAGE_CONTENT_SECURITY_POLICY,
  parseJsonBody,
  type ChannelAdapter,
  type ChannelContext,
  type HttpRequest,
  type Message,
} from '../../src/index.js';
import { createEventHub } from './event-hub.js';
import { createRateLimiter } from './rate-limiter.js';
import { createTokenVerifier, signConversationToken } from './token.js';

/** 64 KB: far above any chat message, far below what could hurt the server. */
const WEB_BODY_LIMIT = 64 * 1024;

const NewConversationBody = z.object({ name: z.string().trim().min(1).max(100).optional() }).strict();
const PostMessageBody = z.object({
  text: z.string({ error: (issue) => `"text" must be a string of 1-4000 characters (got ${issue.input === undefined ? 'nothing' : typeof issue.input})` })
    .refine((text) => text.trim().length > 0, '"text" must not be empty')
    .refine((text) => text.length <= 4000, '"text" must be a string of 1-4000 characters'),
  clientMessageId: z.string({ error: '"clientMessageId" must be a string of 1-200 characters, unique per message (a UUID is fine)' }).min(1, '"clientMessageId" must not be empty').max(200, '"clientMessageId" must be at most 200 characters'),
});

/** Turns a zod failure into the first problem, said plainly. */
function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const message = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}` : issue.message;
  throw new FrontdeskError('body_invalid', message.startsWith('"') ? message : `${issue.path.length ? `"${issue.path.join('.')}": ` : ''}${message}`);
}

const asset = (name: string) => readFileSync(new URL(`./public/${name}`, import.meta.url));

/** The page, the widget and its styles. The widget files may be embedded by any site, so they allow cross-origin use. */
const STATIC_FILES: Array<{ path: string; file: string; type: string; headers: Record<string, string> }> = [
  { path: '/', file: 'index.html', type: 'text/html; charset=utf-8', headers: { 'content-security-policy': PAGE_CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache' } },
  { path: '/site.css', file: 'site.css', type: 'text/css; charset=utf-8', headers: { 'cache-control': 'no-cache' } },
  { path: '/favicon.svg', file: 'favicon.svg', type: 'image/svg+xml', headers: { 'cache-control': 'public, max-age=86400' } },
  { path: '/widget.js', file: 'widget.js', type: 'text/javascript; charset=utf-8', headers: { 'cache-control': 'public, max-age=300', 'cross-origin-resource-policy': 'cross-origin' } },
  { path: '/widget.css', file: 'widget.css', type: 'text/css; charset=utf-8', headers: { 'cache-control': 'public, max-age=300', 'cross-origin-resource-policy': 'cross-origin' } },
];

export interface WebAdapterOptions {
  context: ChannelContext;
}

/**
 * The web chat channel: a small JSON API with bearer tokens per conversation, server-sent events for messages that
 * arrive later (a staff reply), the embeddable widget (`/widget.js`) and a demo page at `/` that shows it.
 *
 * @example
 * const web = createWebAdapter({ context });
 * web.mount(server.routes);
 */
export function createWebAdapter(options: WebAdapterOptions): ChannelAdapter & { subscriberCount(conversationId: string): number } {
  const { gateway, store, secret, config, now } = options.context;
  const hub = createEventHub();
  const limiter = createRateLimiter(config.FRONTDESK_WEB_RATE_LIMIT, now);
  const isValidToken = createTokenVerifier(secret);
  const staticFiles = STATIC_FILES.map((file) => ({ ...file, body: asset(file.file) }));

  const tokenOf = (request: HttpRequest) => {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) return header.slice(7).trim();
    // EventSource cannot send headers, so the events stream also accepts the token as a query parameter.
    return request.query.get('token') ?? undefined;
  };

  /** A wrong token and an unknown conversation look the same: 404, so ids cannot be probed. */
  const authorize = (request: HttpRequest): string => {
    const conversationId = request.params.id!;
    if (!isValidToken(conversationId, tokenOf(request))) throw new FrontdeskError('not_found', 'No conversation with that id and token.');
    return conversationId;
  };

  const requireConversation = async (conversationId: string) => {
    const conversation = await store.getConversation(conversationId);
    if (!conversation || conversation.channel !== 'web') throw new FrontdeskError('not_found', 'No conversation with that id and token.');
    return conversation;
  };

  const publicMessage = ({ channelData: _channelData, ...message }: Message) => message;

  return {
    channel: 'web',
    // The POST answer carries the replies and the event stream replays from the transcript after a reconnect.
    deliversFromTranscript: true,
    subscriberCount: hub.subscriberCount,
    mount(routes) {
      for (const file of staticFiles) {
        routes.get(file.path, () => ({ status: 200, headers: { 'content-type': file.type, ...file.headers }, body: file.body }));
      }

      routes.post('/api/web/conversations', async (request) => {
        const body = parseBody(NewConversationBody, parseJsonBody(request, { isOptional: true }));
        const conversationId = createId('c');
        const opened = await gateway.openConversation({ conversationId, channel: 'web', conversationKey: conversationId, customerKey: conversationId, customerName: body.name });
        // The greeting is in the transcript before the client first reads it.
        await opened.replies;
        return { status: 201, body: { conversationId, token: signConversationToken(secret, conversationId) } };
      }, { bodyLimit: WEB_BODY_LIMIT, cors: true });

      routes.post('/api/web/conversations/:id/messages', async (request) => {
        const conversationId = authorize(request);
        const body = parseBody(PostMessageBody, parseJsonBody(request));
        const waitSeconds = limiter.take(conversationId);
        if (waitSeconds > 0) throw new FrontdeskError('rate_limited', `Too many messages; try again in ${waitSeconds} s.`, { details: { retryAfterSeconds: waitSeconds } });
        const received = await gateway.receive({
          channel: 'web',
          // Scoped by conversation: two browsers may well both call their first message "1".
          externalId: `${conversationId}:${body.clientMessageId}`,
          conversationKey: conversationId,
          customerKey: conversationId,
          text: body.text,
        });
        // Only what the customer sees: a turn may also notify the staff console.
        const replies = (await received.replies).filter((reply) => reply.channel === 'web');
        return { status: 200, body: { messageId: received.message.id, isDuplicate: received.isDuplicate, replies: replies.map(publicMessage) } };
      }, { bodyLimit: WEB_BODY_LIMIT, cors: true });

      routes.get('/api/web/conversations/:id/messages', async (request) => {
        const conversationId = authorize(request);
        await requireConversation(conversationId);
        const messages = await store.transcript(conversationId);
        return { status: 200, body: { messages: messages.map(publicMessage) } };
      }, { cors: true });

      routes.get('/api/web/conversations/:id/events', async (request, response) => {
        const conversationId = authorize(request);
        await requireConversation(conversationId);
        // Resume after a reconnect: replay what the client missed since the last event it saw.
        const lastEventId = request.headers['last-event-id'] ?? request.query.get('after') ?? undefined;
        let backlog: Message[] = [];
        if (lastEventId) {
          const transcript = await store.transcript(conversationId);
          const index = transcript.findIndex((message) => message.id === lastEventId);
          backlog = index === -1 ? [] : transcript.slice(index + 1).filter((message) => message.role !== 'customer');
        }
        response.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-content-type-options': 'nosniff',
        });
        response.write('retry: 3000\n\n');
        hub.subscribe(conversationId, response, backlog.map(publicMessage));
        return undefined;
      }, { cors: true });
    },
    async send(message) {
      // The HTTP reply already carries replies to a message; pushing every message too keeps other tabs and late
      // messages (staff replies) in sync. Clients drop ids they have seen.
      hub.publish(publicMessage(message));
      return {};
    },
    async close() {
      hub.closeAll();
    },
  };
}

export default defineChannel({
  channel: 'web',
  // Web chat needs no credentials: it is always on.
  isEnabled: () => true,
  create: (context) => createWebAdapter({ context }),
});
