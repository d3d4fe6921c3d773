import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HttpRequest, HttpResponse, RouteRegistrar } from '../channel.js';
import type { FrontdeskConfig } from '../config.js';
import { FrontdeskError } from '../errors.js';
import type { Logger } from '../logger.js';
import { parseJsonBody, PAGE_CONTENT_SECURITY_POLICY } from '../server/http-server.js';
import { conversationFacts, type ConversationFacts } from '../analytics/conversation-facts.js';
import { dayKey, lastDays, windowStart } from '../analytics/days.js';
import { findGapQuestions, groupGapQuestions } from '../analytics/gaps.js';
import { maskConversationKey, maskName, maskText } from '../analytics/masking.js';
import { computeOverview } from '../analytics/overview.js';
import { conversationStates, type AnalyticsConversation, type AnalyticsReader, type ConversationState } from '../analytics/types.js';
import { DEFAULT_ANSWER_THRESHOLD } from '../knowledge/extractive-answer.js';
import { readKnowledgeSettings } from '../knowledge/settings.js';
import type { DashboardKnowledge } from './knowledge-hook.js';

/** `createFrontdesk({ admin })`: what the dashboard can do beyond reading the store. */
export interface AdminOptions {
  /** "Add as FAQ" (and better gap grouping). Without it the dashboard is read-only. */
  knowledge?: DashboardKnowledge;
  /** Where the figures come from; default: a read-only connection to the SQLite store's file. */
  reader?: AnalyticsReader;
  /** The confidence below which an answer counts as a low-confidence gap (default: the answer threshold + 0.05). */
  lowConfidenceBelow?: number;
}

/** How the dashboard is protected right now. */
export type AdminAccess = { mode: 'token'; token: string } | { mode: 'generated'; token: string } | { mode: 'refused'; reason: string };

const isLoopback = (host: string) => host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');

/**
 * FRONTDESK_ADMIN_TOKEN when set. Without it the dashboard is refused, except in development (NODE_ENV=development, or
 * listening on loopback only and NODE_ENV is not production), where a one-time token is generated for this process and
 * `frontdesk start` prints the /admin link with it once.
 */
export function resolveAdminAccess(config: Pick<FrontdeskConfig, 'FRONTDESK_ADMIN_TOKEN' | 'FRONTDESK_HOST' | 'NODE_ENV'>): AdminAccess {
  if (config.FRONTDESK_ADMIN_TOKEN) return { mode: 'token', token: config.FRONTDESK_ADMIN_TOKEN };
  const isDevelopment = config.NODE_ENV === 'development' || (config.NODE_ENV !== 'production' && isLoopback(config.FRONTDESK_HOST));
  if (isDevelopment) return { mode: 'generated', token: randomBytes(24).toString('base64url') };
  return {
    mode: 'refused',
    reason: `The dashboard is off because FRONTDESK_ADMIN_TOKEN is not set and this server is not in development (NODE_ENV=${config.NODE_ENV ?? 'unset'}, FRONTDESK_HOST=${config.FRONTDESK_HOST}). Set FRONTDESK_ADMIN_TOKEN in .env to a long random secret (for example the output of \`openssl rand -base64 32\`), restart, and sign in at /admin with it.`,
  };
}

/** Constant-time: both sides are hashed first, so neither the content nor the length leaks through timing. */
export function isSameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const asset = (name: string) => readFileSync(new URL(`./public/${name}`, import.meta.url));
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const noStore = { 'cache-control': 'no-store' };

const refusedPage = (reason: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Dashboard disabled · Frontdesk</title><link rel="stylesheet" href="/admin/admin.css"></head>
<body class="refused"><main class="card"><h1>The dashboard is disabled</h1><p>${escapeHtml(reason)}</p><p>See docs/dashboard.md.</p></main></body></html>
`;

const MAX_DAYS = 365;
/** Answers this close above the threshold count as low-confidence gaps too: they were nearly "I don't know". */
const LOW_CONFIDENCE_MARGIN = 0.05;

/** FRONTDESK_ANSWER_THRESHOLD (the knowledge settings already reported it if it is invalid). */
function answerThresholdOf(env: NodeJS.ProcessEnv): number {
  try {
    return readKnowledgeSettings(env).FRONTDESK_ANSWER_THRESHOLD ?? DEFAULT_ANSWER_THRESHOLD;
  } catch {
    return DEFAULT_ANSWER_THRESHOLD;
  }
}
const PAGE_SIZE = 25;

type TranscriptEntry =
  | { seq: number; at: string; type: 'event'; event: string; reason: string | null; staffName: string | null; score: number | null }
  | { seq: number; at: string; type: 'message'; direction: 'in' | 'out'; role: string; senderName: string | null; text: string; flow: string | null; confidence: number | null; sentiment: number | null; citations: Array<{ source: string; heading: string | null }>; quickReplies: string[]; cards: string[] };

export interface Admin {
  readonly access: AdminAccess;
  mount(routes: RouteRegistrar): void;
  close(): void;
}

/**
 * The owner dashboard at /admin: a static page that signs in with the admin token (kept in sessionStorage) and a JSON
 * API under /api/admin that needs `Authorization: Bearer <token>`. Personal data is masked unless a transcript is
 * asked for with `reveal=1`, which is logged (the conversation id, never the data).
 */
export function createAdmin(options: AdminOptions & { config: FrontdeskConfig; env: NodeJS.ProcessEnv; reader: AnalyticsReader; logger: Logger; now: () => number }): Admin {
  const { config, reader, logger, now } = options;
  const access = resolveAdminAccess(config);
  const timeZone = config.FRONTDESK_TIMEZONE;
  const lowConfidenceBelow = options.lowConfidenceBelow ?? answerThresholdOf(options.env) + LOW_CONFIDENCE_MARGIN;
  const files = {
    html: asset('admin.html'),
    js: asset('admin.js'),
    css: asset('admin.css'),
  };

  /** Runs `handler` only for a request with the right token; otherwise 403 (no token configured) or 401. */
  const guarded = (handler: (request: HttpRequest) => Promise<HttpResponse> | HttpResponse) => async (request: HttpRequest): Promise<HttpResponse> => {
    if (access.mode === 'refused') return { status: 403, headers: noStore, body: { error: { code: 'admin_disabled', message: access.reason } } };
    const header = request.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!isSameToken(given, access.token)) {
      return { status: 401, headers: { ...noStore, 'www-authenticate': 'Bearer realm="frontdesk-admin"' }, body: { error: { code: 'unauthorized', message: given ? 'That admin token is not right. Use the value of FRONTDESK_ADMIN_TOKEN (or the one-time link printed at start-up).' : 'Send the admin token as "Authorization: Bearer <token>".' } } };
    }
    const result = await handler(request);
    return { ...result, headers: { ...noStore, ...result.headers } };
  };

  const daysOf = (request: HttpRequest) => {
    const raw = request.query.get('days');
    const days = raw === null ? 30 : Number(raw);
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new FrontdeskError('body_invalid', `"days" must be a whole number from 1 to ${MAX_DAYS} (got ${JSON.stringify(raw)}).`);
    return days;
  };

  const load = async (days: number) => {
    const time = now();
    const inWindow = new Set(lastDays(time, days, timeZone));
    const conversations = (await reader.conversationsSince(windowStart(time, days))).filter((conversation) => inWindow.has(dayKey(conversation.items[0]?.createdAt ?? conversation.createdAt, timeZone)));
    return { time, conversations, facts: conversations.map((conversation) => conversationFacts(conversation, time)) };
  };

  const sentimentMean = (fact: ConversationFacts) => (fact.sentiments.length === 0 ? null : Number((fact.sentiments.reduce((sum, entry) => sum + entry.score, 0) / fact.sentiments.length).toFixed(3)));

  const listEntry = (fact: ConversationFacts) => ({
    id: fact.id,
    channel: fact.channel,
    customer: maskName(fact.customerName) ?? null,
    address: maskConversationKey(fact.channel, fact.conversationKey),
    startedAt: fact.startedAt,
    lastActivityAt: fact.lastActivityAt,
    state: fact.state,
    customerMessages: fact.customerMessages,
    isHandedOff: fact.isHandedOff,
    handoffReason: fact.handoffReason ?? null,
    staffName: fact.staffName ?? null,
    unanswered: fact.unanswered,
    sentiment: sentimentMean(fact),
    preview: fact.preview === undefined ? null : maskText(fact.preview, { names: [fact.customerName] }).slice(0, 140),
  });

  const transcriptOf = (conversation: AnalyticsConversation, isRevealed: boolean) => {
    const show = (text: string) => (isRevealed ? text : maskText(text, { names: [conversation.customerName] }));
    return conversation.items.flatMap((item): TranscriptEntry[] => {
      if (item.kind !== 'message') return [];
      const staff = (item.body.channelData as { staff?: { event: string; reason?: string; staffName?: string; score?: number } } | undefined)?.staff;
      if (item.direction === 'out' && staff) {
        // The staff console's copy: only what happened (its text repeats the customer's words).
        if (staff.event === 'customerMessage') return [];
        return [{ seq: item.seq, at: item.createdAt, type: 'event', event: staff.event, reason: staff.reason ?? null, staffName: staff.staffName ?? null, score: staff.score ?? null }];
      }
      if (item.channel !== conversation.channel) return [];
      const body = item.body;
      return [{
        seq: item.seq,
        at: item.createdAt,
        type: 'message',
        direction: item.direction,
        role: body.role ?? (item.direction === 'in' ? 'customer' : 'bot'),
        senderName: body.senderName ?? null,
        text: show(String(body.text ?? '')),
        flow: body.trace?.flow ?? null,
        confidence: typeof body.trace?.confidence === 'number' ? Number(body.trace.confidence.toFixed(3)) : null,
        sentiment: typeof body.sentiment === 'number' ? Number(body.sentiment.toFixed(3)) : null,
        citations: (body.citations ?? []).map((citation) => ({ source: citation.source, heading: citation.heading ?? null })),
        quickReplies: (body.quickReplies ?? []).map((quickReply) => quickReply.label),
        cards: (body.cards ?? []).map((card) => card.name),
      }];
    });
  };

  const gapsOf = async (conversations: AnalyticsConversation[]) => {
    const questions = findGapQuestions(conversations, { lowConfidenceBelow });
    let vectors: number[][] | undefined;
    if (options.knowledge?.embed && questions.length > 0) {
      try {
        vectors = await options.knowledge.embed(questions.map((question) => question.text));
      } catch (error) {
        logger.warn({ err: error }, 'dashboard: could not embed gap questions; grouping by shared words only');
      }
    }
    const added = new Set(options.knowledge?.addedQuestions() ?? []);
    const names = new Map(conversations.map((conversation) => [conversation.id, conversation.customerName]));
    return groupGapQuestions(questions, { vectors }).map((group) => ({
      ...group,
      question: maskText(group.question, { names: group.examples.map((example) => names.get(example.conversationId)) }),
      examples: group.examples.map((example) => ({ ...example, text: maskText(example.text, { names: [names.get(example.conversationId)] }) })),
      isAddressed: group.examples.some((example) => added.has(example.text.toLowerCase().replace(/\s+/g, ' ').trim())),
    }));
  };

  return {
    access,
    mount(routes) {
      routes.get('/admin', () =>
        access.mode === 'refused'
          ? { status: 403, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CONTENT_SECURITY_POLICY, ...noStore }, body: refusedPage(access.reason) }
          : { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache' }, body: files.html },
      );
      routes.get('/admin/admin.js', () => ({ status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }, body: files.js }));
      routes.get('/admin/admin.css', () => ({ status: 200, headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }, body: files.css }));

      routes.get('/api/admin/overview', guarded(async (request) => {
        const days = daysOf(request);
        const { time, facts, conversations } = await load(days);
        const feedback = await reader.feedbackOf(facts.map((fact) => fact.id));
        const overview = computeOverview({ facts, feedback, now: time, days, timeZone });
        const gaps = await gapsOf(conversations);
        return { status: 200, body: { ...overview, gapGroups: gaps.filter((group) => !group.isAddressed).length, canAddFaq: Boolean(options.knowledge) } };
      }));

      routes.get('/api/admin/conversations', guarded(async (request) => {
        const days = daysOf(request);
        const channel = request.query.get('channel') || undefined;
        const state = (request.query.get('state') || undefined) as ConversationState | undefined;
        if (state && !conversationStates.includes(state)) throw new FrontdeskError('body_invalid', `"state" must be one of ${conversationStates.join(', ')} (got ${JSON.stringify(state)}).`);
        const limit = Math.min(100, Math.max(1, Number(request.query.get('limit') ?? PAGE_SIZE) || PAGE_SIZE));
        const { facts } = await load(days);
        // Newest activity first; the cursor is the last entry's (lastActivityAt, id), so pages do not shift as new rows arrive.
        const sorted = facts
          .filter((fact) => fact.isEngaged && (!channel || fact.channel === channel) && (!state || fact.state === state))
          .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt) || b.id.localeCompare(a.id));
        const cursor = request.query.get('cursor');
        let start = 0;
        if (cursor) {
          const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
          if (!at || !id) throw new FrontdeskError('body_invalid', 'That cursor is not one this API gave out; start again without it.');
          start = sorted.findIndex((fact) => fact.lastActivityAt < at || (fact.lastActivityAt === at && fact.id < id));
          if (start === -1) start = sorted.length;
        }
        const page = sorted.slice(start, start + limit);
        const last = page.at(-1);
        const nextCursor = last && start + limit < sorted.length ? Buffer.from(`${last.lastActivityAt}|${last.id}`).toString('base64url') : null;
        return { status: 200, body: { conversations: page.map(listEntry), total: sorted.length, nextCursor, channels: [...new Set(facts.filter((fact) => fact.isEngaged).map((fact) => fact.channel))].sort(), states: conversationStates } };
      }));

      routes.get('/api/admin/conversations/:id', guarded(async (request) => {
        const conversation = await reader.conversation(request.params.id!);
        if (!conversation) throw new FrontdeskError('not_found', 'No conversation with that id.');
        const isRevealed = request.query.get('reveal') === '1';
        // Who looked is the token holder; what was seen stays out of the log.
        if (isRevealed) logger.info({ conversationId: conversation.id, event: 'admin.reveal' }, 'dashboard: personal data revealed for a conversation');
        const fact = conversationFacts(conversation, now());
        return {
          status: 200,
          body: {
            conversation: { ...listEntry(fact), ...(isRevealed && { customer: fact.customerName ?? null, address: fact.conversationKey, preview: fact.preview ?? null }), firstResponseMilliseconds: fact.firstResponseMilliseconds ?? null },
            isRevealed,
            items: transcriptOf(conversation, isRevealed),
          },
        };
      }));

      routes.get('/api/admin/gaps', guarded(async (request) => {
        const { conversations } = await load(daysOf(request));
        return { status: 200, body: { groups: await gapsOf(conversations), canAddFaq: Boolean(options.knowledge) } };
      }));

      routes.post('/api/admin/gaps/faq', guarded(async (request) => {
        if (!options.knowledge) return { status: 409, body: { error: { code: 'knowledge_unavailable', message: 'This server was started without a knowledge base, so FAQ entries cannot be added from here. Add them to knowledge/faq/ and run `npx frontdesk ingest`.' } } };
        const added = await options.knowledge.addFaq(parseJsonBody(request));
        logger.info({ event: 'admin.faqAdded', file: added.file, chunksAdded: added.chunksAdded }, 'dashboard: FAQ entry added and re-ingested');
        return { status: 201, body: added };
      }), { bodyLimit: 32 * 1024 });
    },
    close: () => reader.close(),
  };
}
