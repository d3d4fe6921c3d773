import { App, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import {
  createId,
  DeliveryError,
  isFrontdeskError,
  type ChannelAdapter,
  type ChannelContext,
  type ConversationRecord,
  type KnowledgeAnswer,
  type Message,
  type ProfileResult,
  type SendReceipt,
  type ServiceCallContext,
  type StaffNotification,
} from '../../src/index.js';
import { readSlackConfig, type SlackConfig } from './config.js';
import { isRateLimited, toDeliveryError } from './delivery-errors.js';
import { SharedServerReceiver } from './receiver.js';
import {
  ACTION,
  cardBlocks,
  CHANNEL_NAMES,
  customerLabel,
  escapeMrkdwn,
  LIMITS,
  stars,
  statusInWords,
  suggestionBlocks,
  summaryBlocks,
  toCustomerText,
  truncate,
  type Block,
} from './render.js';
import { createThreadStore, type ThreadRecord } from './threads.js';

/** Event payloads, button clicks and slash commands are small; 1 MB is far above any of them. */
const SLACK_BODY_LIMIT = 1024 * 1024;
const DEFAULT_SEND_TIMEOUT_MILLISECONDS = 10_000;
/** How long a service the console calls (knowledge search, profile lookup) may take before it is skipped. */
const SERVICE_TIMEOUT_MILLISECONDS = 10_000;
/** Slack event ids and click ids seen recently, so a retry or double delivery has no second side effect. */
const RECENT_IDS = 10_000;
const NAME_CACHE_MILLISECONDS = 10 * 60_000;
const METADATA_EVENT = 'frontdesk_handoff';

export interface SlackAdapterOptions {
  context: ChannelContext;
  /** How long one Web API call may take before it counts as failed and the outbox retries it (default 10 s). */
  sendTimeoutMilliseconds?: number;
  /** When an Events API delivery is answered at the latest (default 2.5 s; Slack retries after 3 s). */
  ackDeadlineMilliseconds?: number;
}

/** The slice of a Slack `message` event the console reads. */
interface MessageEvent {
  type: string;
  subtype?: string;
  channel?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
}

/** The slice of a `block_actions` payload the console reads. */
interface ActionBody {
  user: { id: string; username?: string; name?: string };
  channel?: { id: string };
  container?: { message_ts?: string; channel_id?: string; thread_ts?: string; is_ephemeral?: boolean };
  message?: { ts: string; thread_ts?: string };
  actions: Array<{ action_id: string; value?: string; action_ts?: string }>;
}

interface CommandBody {
  user_id: string;
  team_domain?: string;
}

type ApiResult = Record<string, unknown> & { ok?: boolean };

/**
 * The Slack staff console for human handoff, built on Bolt with a receiver mounted on Frontdesk's own server.
 *
 * Outbound, `send` turns each staff notification from the handoff flow (delivered through the outbox, with retries)
 * into Slack: one thread per handoff with a card (customer, reason, sentiment, recent conversation, profile, buttons),
 * customer messages as thread lines, and card updates when it is claimed or resolved. Inbound, `POST /api/slack/events`
 * turns Claim / Resolve clicks and staff thread replies into `handoff.claimed`, `handoff.resolved` and `agent.replied`
 * events for the customer's conversation, deduplicated through the gateway's journal.
 *
 * @example
 * const slack = createSlackAdapter({ context });
 * slack.mount(server.routes);
 */
export function createSlackAdapter(options: SlackAdapterOptions): ChannelAdapter & { idle(): Promise<void> } {
  const { gateway, store, state, env, now, services } = options.context;
  const logger = options.context.logger.child({ channel: 'slack' });
  const config: SlackConfig = readSlackConfig(env);
  const threads = createThreadStore(state);
  const receiver = new SharedServerReceiver({ signingSecret: config.signingSecret, now, logger, ackDeadlineMilliseconds: options.ackDeadlineMilliseconds });

  // Bolt and the WebClient log through this; only warnings and errors, and never a request body.
  const boltLogger: BoltLogger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (...parts: unknown[]) => logger.warn({ source: 'bolt' }, truncate(String(parts[0]), 300)),
    error: (...parts: unknown[]) => logger.error({ source: 'bolt' }, truncate(String(parts[0]), 300)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: () => undefined,
  };

  // Who the bot is, from auth.test on first use (not at start-up, so a Slack outage cannot stop Frontdesk starting).
  // A failed lookup is forgotten, so the next event tries again.
  let identity: Promise<{ botUserId?: string; botId?: string }> | undefined;
  const botIdentity = (): Promise<{ botUserId?: string; botId?: string }> =>
    (identity ??= app.client
      .apiCall('auth.test', { token: config.botToken })
      .then((result) => {
        const { user_id: botUserId, bot_id: botId } = result as { user_id?: string; bot_id?: string };
        return { botUserId, botId };
      })
      .catch((error: unknown) => {
        identity = undefined;
        throw error;
      }));

  const app: App = new App({
    receiver,
    authorize: async (): Promise<{ botToken: string; botUserId?: string; botId?: string }> => ({ botToken: config.botToken, ...(await botIdentity()) }),
    clientOptions: {
      ...(config.apiUrl && { slackApiUrl: config.apiUrl }),
      // The outbox is the only retry layer. `rejectRateLimitedCalls` matters as much as `retries: 0`: without it the
      // WebClient sleeps through Retry-After itself (pausing every other call) before failing.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.sendTimeoutMilliseconds ?? DEFAULT_SEND_TIMEOUT_MILLISECONDS,
    },
    logger: boltLogger,
    logLevel: LogLevel.WARN,
    convoStore: false,
    ignoreSelf: true,
  });
  // Listener errors must reach the receiver (a failed journal write answers 503 so Slack retries), not be swallowed.
  app.error(async (error) => {
    throw error;
  });

  const api = async (method: string, args: Record<string, unknown>): Promise<ApiResult> => {
    try {
      return (await app.client.apiCall(method, { token: config.botToken, ...args })) as ApiResult;
    } catch (error) {
      throw toDeliveryError(error, method);
    }
  };
  /** For calls made while handling a click or a message: a failure is logged, never retried by Slack or the outbox. */
  const tryApi = async (method: string, args: Record<string, unknown>): Promise<ApiResult | undefined> => {
    try {
      return await api(method, args);
    } catch (error) {
      logger.warn({ method, reason: (error as Error).message }, 'a Slack call made for a staff action failed');
      return undefined;
    }
  };

  // ---------- small helpers: locks, recent ids, background work, names ----------

  const locks = new Map<string, Promise<unknown>>();
  /** Runs `task` after any earlier task with the same key, so two clicks on one handoff cannot both claim it. */
  function withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = locks.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.catch(() => undefined);
    locks.set(key, settled);
    void settled.then(() => locks.get(key) === settled && locks.delete(key));
    return next;
  }

  const recent = new Set<string>();
  /** True the first time an id is seen; Slack retries and double deliveries see false. */
  const isFirstSighting = (id: string) => {
    if (recent.has(id)) return false;
    recent.add(id);
    if (recent.size > RECENT_IDS) recent.delete(recent.values().next().value!);
    return true;
  };

  const tasks = new Set<Promise<unknown>>();
  /** Work after the HTTP answer: tracked so shutdown (and tests) can wait for it; failures are logged by name only. */
  function inBackground(name: string, task: () => Promise<unknown>) {
    const running = task().catch((error: unknown) => logger.error({ task: name, err: isFrontdeskError(error) ? error : { name: (error as Error)?.name } }, 'a Slack staff action failed'));
    tasks.add(running);
    void running.finally(() => tasks.delete(running));
  }

  const names = new Map<string, { name: string; at: number }>();
  /** The name the customer sees: the Slack display name, else the first name, else the username. */
  async function staffNameOf(user: ActionBody['user']): Promise<string> {
    const cached = names.get(user.id);
    if (cached && now() - cached.at < NAME_CACHE_MILLISECONDS) return cached.name;
    const result = await tryApi('users.info', { user: user.id });
    const profile = (result?.user ?? {}) as { name?: string; real_name?: string; profile?: { display_name?: string; real_name?: string; first_name?: string } };
    const firstName = (profile.profile?.real_name ?? profile.real_name ?? '').trim().split(/\s+/)[0];
    const name = truncate((profile.profile?.display_name?.trim() || profile.profile?.first_name?.trim() || firstName || user.username || user.name || 'a member of our team').trim(), 100);
    if (result) names.set(user.id, { name, at: now() });
    return name;
  }

  const hint = (channel: string, user: string, threadTs: string | undefined, text: string) =>
    inBackground('hint', () => tryApi('chat.postEphemeral', { channel, user, text, ...(threadTs && { thread_ts: threadTs }) }));

  const isNote = (text: string) => text.trimStart().startsWith(config.notePrefix);

  function serviceContext(conversation: ConversationRecord): ServiceCallContext {
    return {
      conversationId: conversation.id,
      customerId: conversation.customerId,
      channel: conversation.channel,
      signal: AbortSignal.timeout(SERVICE_TIMEOUT_MILLISECONDS),
      // Outside a turn there is nothing to wait for: run it now.
      afterCommit: (task) => void Promise.resolve().then(task).catch(() => undefined),
    };
  }

  async function lookupProfile(conversation: ConversationRecord): Promise<ProfileResult | undefined> {
    if (!services.lookupCustomer) return undefined;
    try {
      return (await services.lookupCustomer({ customerId: conversation.customerId }, serviceContext(conversation))) as ProfileResult | undefined;
    } catch (error) {
      logger.warn({ conversationId: conversation.id, reason: (error as Error)?.name }, 'lookupCustomer failed; the handoff card shows no profile');
      return undefined;
    }
  }

  // ---------- outbound: staff notifications become the thread ----------

  const cardOf = (thread: ThreadRecord) => cardBlocks(thread.summary, { conversationId: thread.conversationId, status: thread.status, staffName: thread.staffName, outcome: thread.outcome, score: thread.score, notePrefix: config.notePrefix });
  const cardText = (thread: ThreadRecord) => escapeMrkdwn(`Handoff: ${thread.label} (${CHANNEL_NAMES[thread.customerChannel] ?? thread.customerChannel}). ${statusInWords(thread)}`);

  async function postRoot(message: Message, staff: StaffNotification, customerChannel: string): Promise<ThreadRecord> {
    const conversation = await store.getConversation(message.conversationId);
    if (!conversation) throw new DeliveryError(`Conversation ${message.conversationId} is not in the store, so its handoff cannot be posted to Slack.`, { isRetryable: false });
    const channel = customerChannel || conversation.channel;
    // A retry after an ambiguous failure (Slack may have posted before the answer was lost): look before posting again.
    const pending = await threads.pendingRoot(message.id);
    const [transcript, profile] = await Promise.all([store.transcript(conversation.id, { limit: 40 }), lookupProfile(conversation)]);
    const label = customerLabel({ profile, conversationKey: conversation.conversationKey, channel, visibleFields: config.visibleFields });
    const customerLines = transcript.filter((line) => line.role === 'customer');
    const recentSentiments = customerLines.slice(-3).map((line) => line.sentiment).filter((score): score is number => score !== undefined);
    const summary = summaryBlocks({
      label,
      customerChannel: channel,
      reason: staff.reason,
      // The most upset of the last three messages: the "agent" request itself usually scores neutral.
      sentiment: staff.sentiment ?? (recentSentiments.length > 0 ? Math.min(...recentSentiments) : undefined),
      transcript,
      profile,
      visibleFields: config.visibleFields,
    });
    const thread: ThreadRecord = { conversationId: conversation.id, channelId: config.handoffChannel, ts: '', notificationId: message.id, status: 'waiting', label, customerChannel: channel, openedAt: now(), summary };
    const found = pending ? await findPostedRoot(message.id, pending.at) : undefined;
    if (found) {
      thread.ts = found;
      logger.info({ conversationId: conversation.id, outboxId: message.id }, 'found the handoff thread a failed attempt had posted; not posting it again');
    } else {
      await threads.markPendingRoot(message.id, now());
      const posted = await api('chat.postMessage', {
        channel: config.handoffChannel,
        text: cardText(thread),
        blocks: cardOf(thread),
        metadata: { event_type: METADATA_EVENT, event_payload: { conversation_id: conversation.id, notification_id: message.id } },
        unfurl_links: false,
        unfurl_media: false,
      });
      thread.ts = String(posted.ts);
    }
    await threads.saveLink(thread.ts, { conversationId: conversation.id });
    await threads.save(thread);
    await threads.clearPendingRoot(message.id);
    logger.info({ conversationId: conversation.id, threadTs: thread.ts }, 'handoff thread opened in Slack');
    return thread;
  }

  /** Finds a root we posted for `notificationId` (our metadata on it) in the channel's history since `since`. */
  async function findPostedRoot(notificationId: string, since: number): Promise<string | undefined> {
    try {
      const history = await app.client.apiCall('conversations.history', {
        token: config.botToken,
        channel: config.handoffChannel,
        oldest: String(Math.floor(since / 1000) - 60),
        limit: 200,
        include_all_metadata: true,
      });
      const messages = ((history as { messages?: unknown[] }).messages ?? []) as Array<{ ts?: string; metadata?: { event_type?: string; event_payload?: { notification_id?: string } } }>;
      return messages.find((item) => item.metadata?.event_type === METADATA_EVENT && item.metadata.event_payload?.notification_id === notificationId)?.ts;
    } catch (error) {
      if (isRateLimited(error)) throw toDeliveryError(error, 'conversations.history');
      // Without history (a missing scope, say) a second root is possible, which is better than none.
      logger.warn({ outboxId: notificationId, reason: (error as Error).message }, 'could not check whether a handoff thread was already posted; posting it');
      return undefined;
    }
  }

  /** The open thread for this conversation, or a new one when its `opened` notification never made it. */
  async function currentThread(message: Message, staff: StaffNotification, customerChannel: string, options: { allowResolved: boolean }): Promise<ThreadRecord> {
    const thread = await threads.get(message.conversationId);
    if (thread && (options.allowResolved || thread.status !== 'resolved')) return thread;
    return postRoot(message, { ...staff, event: 'opened' }, customerChannel);
  }

  async function updateCard(thread: ThreadRecord) {
    try {
      await api('chat.update', { channel: thread.channelId, ts: thread.ts, text: cardText(thread), blocks: cardOf(thread) });
    } catch (error) {
      // The card is a summary; the thread line that follows is the record. Only rate limits and outages are retried.
      if (error instanceof DeliveryError && !error.delivery.isRetryable) logger.warn({ conversationId: thread.conversationId, reason: error.message }, 'could not update the handoff card');
      else throw error;
    }
  }

  async function postLine(thread: ThreadRecord, text: string, extra: Record<string, unknown> = {}): Promise<SendReceipt> {
    const posted = await api('chat.postMessage', { channel: thread.channelId, thread_ts: thread.ts, text, unfurl_links: false, unfurl_media: false, ...extra });
    return posted.ts ? { externalId: String(posted.ts) } : {};
  }

  async function send(message: Message): Promise<SendReceipt> {
    const staff = message.channelData?.staff as StaffNotification | undefined;
    if (!staff) throw new DeliveryError(`Message ${message.id} is not a staff notification; the Slack channel only carries handoffs to staff.`, { isRetryable: false });
    const customerChannel = typeof message.channelData?.customerChannel === 'string' ? message.channelData.customerChannel : '';
    switch (staff.event) {
      case 'opened': {
        const existing = await threads.get(message.conversationId);
        // A retry of a notification whose root was posted and recorded: nothing more to do.
        if (existing?.notificationId === message.id) return { externalId: existing.ts };
        const thread = await postRoot(message, staff, customerChannel);
        return { externalId: thread.ts };
      }
      case 'customerMessage': {
        const thread = await currentThread(message, staff, customerChannel, { allowResolved: false });
        return postLine(thread, `*Customer:* ${escapeMrkdwn(truncate(staff.text ?? message.text, LIMITS.customerLine))}`);
      }
      case 'claimed': {
        const thread = await currentThread(message, staff, customerChannel, { allowResolved: false });
        const name = staff.staffName ?? 'A member of staff';
        thread.status = 'claimed';
        thread.staffName = staff.staffName;
        await threads.save(thread);
        await updateCard(thread);
        return postLine(thread, `:raising_hand: *${escapeMrkdwn(name)}* claimed this conversation; the customer was told who they are chatting with. Their messages in this thread now go to the customer.`);
      }
      case 'reminder': {
        const thread = await currentThread(message, staff, customerChannel, { allowResolved: false });
        const mention = config.reminderMention ? `${config.reminderMention} ` : '';
        const since = Math.floor(thread.openedAt / 1000);
        // Broadcast to the channel too: a thread reply alone notifies nobody who has not joined the thread.
        return postLine(thread, `${mention}:alarm_clock: Still unclaimed: *${escapeMrkdwn(thread.label)}* has been waiting since <!date^${since}^{time}|they asked>. The customer was told we are busy.`, { reply_broadcast: true });
      }
      case 'resolved': {
        const thread = await currentThread(message, staff, customerChannel, { allowResolved: true });
        // Resolved by a person (Resolve), or ended by the customer ("back to bot"): the card says which.
        thread.status = 'resolved';
        thread.staffName = staff.staffName;
        thread.outcome = staff.staffName ? undefined : (staff.text ?? 'The customer went back to the bot.');
        await threads.save(thread);
        await updateCard(thread);
        return postLine(
          thread,
          staff.staffName
            ? `:white_check_mark: *${escapeMrkdwn(staff.staffName)}* resolved this conversation. The customer is back with the bot, which asks them for a 1–5 score.`
            : `:leftwards_arrow_with_hook: ${escapeMrkdwn(thread.outcome!)} The handoff is closed.`,
        );
      }
      case 'feedback': {
        const thread = await currentThread(message, staff, customerChannel, { allowResolved: true });
        if (staff.score === undefined) return postLine(thread, 'The customer did not leave a score.');
        thread.score = staff.score;
        await threads.save(thread);
        await updateCard(thread);
        return postLine(thread, `:star: The customer rated the help ${stars(staff.score)} (${staff.score}/5).`);
      }
      default:
        throw new DeliveryError(`Unknown staff notification "${String((staff as { event?: unknown }).event)}" for message ${message.id}.`, { isRetryable: false });
    }
  }

  // ---------- inbound: what staff do in Slack ----------

  /** Whether `user` may speak to the customer in this handoff; if not, tells them why (only they see it). */
  async function speakerFor(conversationId: string, threadTs: string, user: string, hintAt: { channel: string; threadTs?: string }): Promise<string | undefined> {
    const [thread, link] = await Promise.all([threads.get(conversationId), threads.link(threadTs)]);
    if (!thread || thread.ts !== threadTs || thread.status === 'resolved') {
      hint(hintAt.channel, user, hintAt.threadTs, 'This handoff is closed, so nothing was sent to the customer. If they ask for a person again, a new thread opens.');
      return undefined;
    }
    if (!link?.claimedBy) {
      hint(hintAt.channel, user, hintAt.threadTs, `Nothing was sent to the customer: press *Claim* on the handoff card first, so they know who they are talking to. Messages starting with \`${config.notePrefix}\` stay internal.`);
      return undefined;
    }
    if (link.claimedBy.userId !== user) {
      hint(hintAt.channel, user, hintAt.threadTs, `Nothing was sent to the customer: ${escapeMrkdwn(link.claimedBy.name)} has claimed this conversation. Start your message with \`${config.notePrefix}\` to leave them an internal note.`);
      return undefined;
    }
    return link.claimedBy.name;
  }

  async function onThreadMessage(event: MessageEvent, eventId: string | undefined) {
    if (event.type !== 'message' || event.channel !== config.handoffChannel) return;
    // Only people's thread replies: not bots (ours included), joins, edits or deletions (the customer already has the original).
    if (event.bot_id || (event.subtype !== undefined && event.subtype !== 'thread_broadcast')) return;
    if (!event.user || !event.thread_ts || event.thread_ts === event.ts || !event.text) return;
    const { botUserId } = await botIdentity();
    if (event.user === botUserId) return;
    const link = await threads.link(event.thread_ts);
    if (!link) return; // a thread that is not a handoff
    if (isNote(event.text)) {
      logger.debug({ conversationId: link.conversationId }, 'internal note in a handoff thread; not sent to the customer');
      return;
    }
    const externalId = `slack:event:${eventId ?? `${event.channel}:${event.ts}`}`;
    if (!isFirstSighting(externalId)) return;
    try {
      const staffName = await speakerFor(link.conversationId, event.thread_ts, event.user, { channel: event.channel, threadTs: event.thread_ts });
      if (!staffName) return;
      const text = truncate(toCustomerText(event.text), 4000);
      if (!text) return;
      const { isDuplicate } = await gateway.dispatchTo(link.conversationId, { type: 'agent.replied', staffName, text }, externalId);
      logger.info({ conversationId: link.conversationId, isDuplicate }, 'staff reply from Slack journaled');
    } catch (error) {
      // Not seen after all: Slack's retry of this event must get another chance.
      recent.delete(externalId);
      throw error;
    }
  }

  /** The handoff a card button belongs to, if it is still the conversation's current one. */
  async function handoffOf(body: ActionBody): Promise<{ thread: ThreadRecord; channel: string; ts: string } | undefined> {
    const conversationId = body.actions[0]?.value ?? '';
    const ts = body.container?.message_ts ?? body.message?.ts ?? '';
    const channel = body.container?.channel_id ?? body.channel?.id ?? config.handoffChannel;
    const thread = conversationId ? await threads.get(conversationId) : undefined;
    if (!thread || thread.ts !== ts) {
      hint(channel, body.user.id, ts || undefined, 'This handoff card is out of date; the conversation has a newer handoff or none.');
      return undefined;
    }
    if (thread.status === 'resolved') {
      hint(channel, body.user.id, ts, 'This handoff is already resolved.');
      return undefined;
    }
    return { thread, channel, ts };
  }

  const clickId = (body: ActionBody) => {
    const action = body.actions[0]!;
    return `slack:action:${action.action_id}:${action.action_ts ?? ''}:${body.container?.message_ts ?? body.message?.ts ?? ''}:${body.user.id}`;
  };

  async function onClaim(body: ActionBody) {
    const externalId = clickId(body);
    if (!isFirstSighting(externalId)) return;
    const conversationId = body.actions[0]?.value ?? '';
    await withLock(`claim:${conversationId}`, async () => {
      const handoff = await handoffOf(body);
      if (!handoff) return;
      const link = (await threads.link(handoff.ts)) ?? { conversationId };
      if (link.claimedBy) {
        hint(handoff.channel, body.user.id, handoff.ts, link.claimedBy.userId === body.user.id ? 'You have already claimed this conversation.' : `${escapeMrkdwn(link.claimedBy.name)} has already claimed this conversation.`);
        return;
      }
      const name = await staffNameOf(body.user);
      await threads.saveLink(handoff.ts, { ...link, claimedBy: { userId: body.user.id, name } });
      try {
        await gateway.dispatchTo(conversationId, { type: 'handoff.claimed', staffName: name }, externalId);
      } catch (error) {
        await threads.saveLink(handoff.ts, link);
        hint(handoff.channel, body.user.id, handoff.ts, 'Claiming failed on our side; please press Claim again.');
        throw error;
      }
      logger.info({ conversationId }, 'handoff claimed from Slack');
    });
  }

  async function onResolve(body: ActionBody) {
    const externalId = clickId(body);
    if (!isFirstSighting(externalId)) return;
    const handoff = await handoffOf(body);
    if (!handoff) return;
    const name = await staffNameOf(body.user);
    await gateway.dispatchTo(handoff.thread.conversationId, { type: 'handoff.resolved', staffName: name }, externalId);
    logger.info({ conversationId: handoff.thread.conversationId }, 'handoff resolved from Slack');
  }

  async function onSuggest(body: ActionBody) {
    if (!isFirstSighting(clickId(body))) return;
    const handoff = await handoffOf(body);
    if (!handoff) return;
    const say = (text: string) => tryApi('chat.postEphemeral', { channel: handoff.channel, user: body.user.id, thread_ts: handoff.ts, text });
    if (!services.searchKnowledge) return say('Suggestions come from the knowledge base, and none is configured for this bot (see docs/knowledge.md).');
    const conversation = await store.getConversation(handoff.thread.conversationId);
    const transcript = conversation ? await store.transcript(conversation.id, { limit: 40 }) : [];
    const question = transcript.filter((line) => line.role === 'customer').at(-1)?.text;
    if (!conversation || !question) return say('The customer has not written anything to suggest a reply to.');
    let answer: KnowledgeAnswer;
    try {
      answer = (await services.searchKnowledge({ query: question }, serviceContext(conversation))) as KnowledgeAnswer;
    } catch (error) {
      logger.warn({ conversationId: conversation.id, reason: (error as Error)?.name }, 'searchKnowledge failed for a suggested reply');
      return say('The knowledge base could not be searched just now; try again in a moment.');
    }
    if (!answer?.answer?.trim()) return say("The knowledge base has nothing that answers the customer's last message.");
    const draftId = createId('draft');
    await threads.saveDraft(draftId, { conversationId: conversation.id, threadTs: handoff.ts, text: answer.answer.trim(), createdAt: now() });
    const blocks: Block[] = suggestionBlocks({ draftId, text: answer.answer.trim(), confidence: answer.confidence, isConfident: answer.isConfident, citations: answer.citations ?? [] });
    await tryApi('chat.postEphemeral', { channel: handoff.channel, user: body.user.id, thread_ts: handoff.ts, text: `Suggested reply: ${truncate(answer.answer, 200)}`, blocks });
  }

  async function onSendDraft(body: ActionBody) {
    const externalId = clickId(body);
    if (!isFirstSighting(externalId)) return;
    const draftId = body.actions[0]?.value ?? '';
    const channel = body.container?.channel_id ?? body.channel?.id ?? config.handoffChannel;
    await withLock(`draft:${draftId}`, async () => {
      const draft = await threads.draft(draftId);
      if (!draft) {
        hint(channel, body.user.id, body.container?.thread_ts, 'That suggestion was already sent, or has expired.');
        return;
      }
      const staffName = await speakerFor(draft.conversationId, draft.threadTs, body.user.id, { channel, threadTs: draft.threadTs });
      if (!staffName) return;
      await gateway.dispatchTo(draft.conversationId, { type: 'agent.replied', staffName, text: draft.text }, externalId);
      await threads.deleteDraft(draftId);
      // The draft was only visible to its sender; the thread keeps the record of what the customer got.
      await tryApi('chat.postMessage', { channel, thread_ts: draft.threadTs, text: `:outbox_tray: *${escapeMrkdwn(staffName)}* sent the suggested reply:\n>${escapeMrkdwn(truncate(draft.text, LIMITS.customerLine)).replace(/\n/g, '\n>')}`, unfurl_links: false });
    });
  }

  async function openHandoffs(command: CommandBody) {
    const open = (await threads.list()).filter((thread) => thread.status !== 'resolved').sort((a, b) => a.openedAt - b.openedAt);
    if (open.length === 0) return { response_type: 'ephemeral' as const, text: 'No open handoffs right now. :tada:' };
    const lines = open.slice(0, 20).map((thread) => {
      const minutes = Math.max(0, Math.round((now() - thread.openedAt) / 60_000));
      const state = thread.status === 'claimed' ? `claimed by ${escapeMrkdwn(thread.staffName ?? 'someone')}` : `waiting for ${minutes} min`;
      const link = command.team_domain ? ` · <https://${command.team_domain}.slack.com/archives/${thread.channelId}/p${thread.ts.replace('.', '')}|open thread>` : '';
      return `• *${escapeMrkdwn(thread.label)}* (${CHANNEL_NAMES[thread.customerChannel] ?? thread.customerChannel}): ${state}${link}`;
    });
    const more = open.length > 20 ? `\n…and ${open.length - 20} more.` : '';
    return { response_type: 'ephemeral' as const, text: truncate(`*Open handoffs (${open.length})*\n${lines.join('\n')}${more}`, LIMITS.section) };
  }

  app.event('message', async ({ event, body }) => {
    await onThreadMessage(event as unknown as MessageEvent, (body as { event_id?: string }).event_id);
  });
  // Buttons: acknowledge at once (the click feels instant), then work; Slack does not retry interactive payloads.
  const button = (actionId: string, handler: (body: ActionBody) => Promise<unknown>) =>
    app.action(actionId, async ({ ack, body }) => {
      await ack();
      inBackground(actionId, () => handler(body as unknown as ActionBody));
    });
  button(ACTION.claim, onClaim);
  button(ACTION.resolve, onResolve);
  button(ACTION.suggest, onSuggest);
  button(ACTION.sendDraft, onSendDraft);
  app.command('/frontdesk', async ({ ack, command }) => {
    await ack(await openHandoffs(command as unknown as CommandBody));
  });

  return {
    channel: 'slack',
    mount(routes) {
      routes.post('/api/slack/events', (request) => receiver.handle(request), { bodyLimit: SLACK_BODY_LIMIT });
    },
    send,
    async idle() {
      await receiver.idle();
      while (tasks.size > 0) await Promise.allSettled([...tasks]);
    },
    async close() {
      await receiver.idle();
      while (tasks.size > 0) await Promise.allSettled([...tasks]);
    },
  };
}

