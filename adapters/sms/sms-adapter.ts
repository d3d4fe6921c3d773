import twilio from 'twilio';
import { z } from 'zod';
import {
  DeliveryError,
  FrontdeskError,
  readEnv,
  type ChannelAdapter,
  type ChannelContext,
  type HttpRequest,
  type HttpResponse,
  type Message,
  type QuickReply,
} from '../../src/index.js';
import { classifyConsent, consentReplies, type ConsentAction } from './consent.js';
import { DEFAULT_MAX_SEGMENTS, parseChoice, renderSms } from './render.js';
import { isForwardMove, type StatusRecord } from './status.js';
import { maskPhone, readTwilioSms, toInboundMessage, type TwilioSms } from './to-message.js';
import { createTwilioMessages, TWILIO_INVALID_NUMBER, type TwilioMessages } from './twilio-client.js';
import { baseUrlOf, parseTwilioForm, verifyTwilioSignature, type VerifyResult } from './verify.js';

export const INBOUND_PATH = '/api/sms/twilio';
export const STATUS_PATH = '/api/sms/twilio/status';

/** A Twilio webhook is a few kilobytes even with ten media URLs; 64 KB leaves room and refuses abuse early. */
const SMS_BODY_LIMIT = 64 * 1024;
/** Choices older than this are stale: a "2" a day later is an answer to something else. */
const CHOICES_TTL_MILLISECONDS = 24 * 60 * 60 * 1000;
/** Our clock and Twilio's `date_created` (whole seconds) may disagree; look this far back when reconciling. */
const RECONCILE_CLOCK_SKEW_MILLISECONDS = 60_000;
const RECONCILE_LOOKBACK_COUNT = 20;

const SmsEnv = z.object({
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be "AC" followed by 32 hex digits'),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be the auth token from the Twilio console (32 characters)'),
  TWILIO_PHONE_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15551234567'),
  TWILIO_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  FRONTDESK_CONTACT: z.string().min(1).max(120).optional(),
});
export type SmsEnv = z.infer<typeof SmsEnv>;

const smsEnvHelp: Record<string, string> = {
  TWILIO_ACCOUNT_SID: 'your Twilio Account SID (Twilio console → Account info); SMS is enabled when it and TWILIO_AUTH_TOKEN are set',
  TWILIO_AUTH_TOKEN: 'your Twilio auth token (Twilio console → Account info); it signs every webhook Twilio sends us',
  TWILIO_PHONE_NUMBER: 'the Twilio number replies are sent from, in E.164 form (+15551234567)',
  TWILIO_API_URL: 'an optional base URL for Twilio API calls instead of https://api.twilio.com (a proxy or a test stand-in)',
  FRONTDESK_CONTACT: 'optional contact details the HELP reply gives (a phone number, email or web page)',
};

/** Reads and checks the SMS channel's settings; errors name the variable, why it matters and how to fix it. */
export const readSmsEnv = (env: NodeJS.ProcessEnv): SmsEnv => readEnv(SmsEnv, env, smsEnvHelp);

export interface SmsAdapterOptions {
  context: ChannelContext;
  /** Wait before re-checking a "maybe sent" SMS, so its status callback has time to arrive (default 5000). */
  reconcileDelayMilliseconds?: number;
  /** Timeout of one Twilio API call; a timeout after sending counts as "maybe sent" (default 15000). */
  requestTimeoutMilliseconds?: number;
  /** Longest reply in segments per SMS before it is split into several (default 2). */
  maxSegments?: number;
}

interface SuppressionRecord {
  since: string;
  /** 'keyword': the customer texted STOP (or a variant) to us; 'twilio': Twilio refused a send with 21610. */
  source: 'keyword' | 'twilio';
  messageSid?: string;
}
interface ChoicesRecord {
  options: QuickReply[];
  outboxId: string;
  at: string;
}
interface MaybeRecord {
  at: string;
}
interface SentRecord {
  sid: string;
  at: string;
}

// Channel-state keys. A part id is the outbox id for a reply's first (or only) SMS and `<outbox id>:<n>` for the
// n-th, so every SMS of a split reply has its own send, reconcile and status record.
const keys = {
  suppressed: (phone: string) => `suppressed:${phone}`,
  choices: (phone: string) => `choices:${phone}`,
  maybe: (partId: string) => `maybe:${partId}`,
  sent: (partId: string) => `sent:${partId}`,
  sid: (sid: string) => `sid:${sid}`,
  status: (partId: string) => `status:${partId}`,
};
const partIdOf = (outboxId: string, number: number) => (number === 1 ? outboxId : `${outboxId}:${number}`);

/** Serializes async work per key, so two status callbacks for one SMS cannot both read "nothing yet" and race. */
function createKeyedLock() {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await next;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

const twiml = (text?: string): HttpResponse => {
  const response = new twilio.twiml.MessagingResponse();
  if (text) response.message(text);
  return { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: response.toString() };
};

/**
 * The SMS channel over Twilio.
 *
 * Inbound: `POST /api/sms/twilio` verifies X-Twilio-Signature, journals the message through the gateway and answers
 * empty TwiML at once; the bot's replies go out later from the outbox through the Messages API (`send`), so a slow
 * turn never meets Twilio's 15-second limit. STOP/START/HELP are answered here and never reach a flow.
 * Status callbacks: `POST /api/sms/twilio/status?outboxId=…` move each SMS's delivery state forward only.
 *
 * @example
 * const sms = createSmsAdapter({ context });
 * sms.mount(server.routes);
 */
export function createSmsAdapter(options: SmsAdapterOptions): ChannelAdapter {
  const { gateway, store, state, config, now } = options.context;
  const env = readSmsEnv(options.context.env);
  const logger = options.context.logger.child({ channel: 'sms' });
  const reconcileDelay = options.reconcileDelayMilliseconds ?? 5000;
  const maxSegments = options.maxSegments ?? DEFAULT_MAX_SEGMENTS;
  const from = env.TWILIO_PHONE_NUMBER;
  const publicUrl = config.FRONTDESK_PUBLIC_URL?.replace(/\/+$/, '');
  const replies = consentReplies(config.FRONTDESK_BUSINESS_NAME, env.FRONTDESK_CONTACT);
  const messages: TwilioMessages = createTwilioMessages({
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN,
    apiBaseUrl: env.TWILIO_API_URL,
    timeoutMilliseconds: options.requestTimeoutMilliseconds ?? 15_000,
    now,
  });
  const withLock = createKeyedLock();
  const phones = new Map<string, string>();
  let learnedBaseUrl: string | undefined;
  const iso = () => new Date(now()).toISOString();

  /** Where Twilio can reach our status callback: the public URL, else the base Twilio last called us on, else PORT. */
  const callbackBaseUrl = (): string | undefined => {
    if (publicUrl) return publicUrl;
    if (learnedBaseUrl) return learnedBaseUrl;
    if (config.PORT === 0) return undefined;
    const host = ['0.0.0.0', '::'].includes(config.FRONTDESK_HOST) ? '127.0.0.1' : config.FRONTDESK_HOST;
    return `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}`;
  };

  /** Verifies a webhook, or answers 403 and logs why (never the signature itself). */
  const verify = (request: HttpRequest, params: Record<string, string | string[]>, route: string): VerifyResult => {
    const result = verifyTwilioSignature({ authToken: env.TWILIO_AUTH_TOKEN, request, params, publicUrl });
    if (!result.isValid) logger.warn({ route, reason: result.reason, signedUrl: result.url }, 'refused a webhook not signed by Twilio; nothing was journaled');
    return result;
  };
  const forbidden = (result: VerifyResult): HttpResponse => ({
    status: 403,
    body: { error: { code: 'signature_invalid', message: !result.isValid && result.reason.includes('missing') ? 'The X-Twilio-Signature header is missing.' : 'The X-Twilio-Signature header does not match this request.' } },
  });

  const isSuppressed = async (phone: string) => (await state.get<SuppressionRecord>(keys.suppressed(phone))) !== undefined;

  /** "2" → the second option of the last numbered choices we sent this number, if they are still fresh. */
  const mapChoice = async (sms: TwilioSms): Promise<{ text?: string; channelData?: Record<string, unknown> }> => {
    const choices = await state.get<ChoicesRecord>(keys.choices(sms.from));
    if (!choices || now() - Date.parse(choices.at) > CHOICES_TTL_MILLISECONDS) return {};
    const number = parseChoice(sms.body, choices.options.length);
    if (number === undefined) return {};
    const option = choices.options[number - 1]!;
    return { text: option.value, channelData: { originalText: sms.body, choice: { number, label: option.label, outboxId: choices.outboxId } } };
  };

  /**
   * STOP, START, HELP, and anything texted while opted out: answered here, journaled as an event (so the MessageSid
   * is deduplicated and the journal keeps an audit trail with the text and our reply) that no flow acts on.
   */
  const handleConsent = async (sms: TwilioSms, action: ConsentAction | undefined, wasSuppressed: boolean, log: typeof logger): Promise<HttpResponse> => {
    // A retried or replayed MessageSid must neither answer twice nor flip consent back (an old STOP after a START).
    if (await store.findJournal('sms', sms.messageSid)) return twiml();
    if (action === 'opt-out') {
      // Suppress before journaling: even if the journal write fails (503), this number is never texted again.
      await state.set(keys.suppressed(sms.from), { since: iso(), source: 'keyword', messageSid: sms.messageSid } satisfies SuppressionRecord);
      await state.delete(keys.choices(sms.from));
    }
    // One confirmation per opt-out: a second STOP from a number already opted out gets no answer at all.
    const reply = action === 'opt-out' ? (wasSuppressed ? undefined : replies.optOut) : action === 'opt-in' ? replies.optIn : action === 'help' ? replies.help : undefined;
    const { conversation } = await gateway.openConversation({ channel: 'sms', conversationKey: sms.from, customerKey: sms.from, greet: false });
    const event = action
      ? { type: 'sms.consent', action, text: sms.body, reply }
      : { type: 'sms.received_while_opted_out', text: sms.body, ...(sms.media.length > 0 && { attachments: sms.media }) };
    const { isDuplicate } = await gateway.dispatch(conversation, event, sms.messageSid);
    if (isDuplicate) return twiml();
    if (action === 'opt-in') await state.delete(keys.suppressed(sms.from));
    log.info({ conversationId: conversation.id, consent: action ?? 'none (opted out; not answered)' }, 'SMS consent keyword handled by the adapter');
    // The reply rides on the webhook response (TwiML): one answer, at most once, with no outbox row to retry.
    return twiml(reply);
  };

  const handleInbound = async (request: HttpRequest): Promise<HttpResponse> => {
    const { params, isForm } = parseTwilioForm(request);
    const verified = verify(request, params, 'inbound');
    if (!verified.isValid) return forbidden(verified);
    learnedBaseUrl = baseUrlOf(verified.url, INBOUND_PATH);
    if (!isForm) throw new FrontdeskError('body_invalid', 'Content-Type must be application/x-www-form-urlencoded, as Twilio sends it.');
    const sms = readTwilioSms(params);
    const log = logger.child({ messageSid: sms.messageSid, customer: maskPhone(sms.from) });
    const suppressed = await isSuppressed(sms.from);
    const action = classifyConsent(sms.body, { isSuppressed: suppressed });
    if (action || suppressed) return handleConsent(sms, action, suppressed, log);
    const mapped = await mapChoice(sms);
    // Resolves once the message is journaled: only then is the 2xx safe (Twilio delivers a webhook once).
    const received = await gateway.receive(toInboundMessage(sms, { ...mapped, receivedAt: iso() }));
    log.info({ conversationId: received.conversation.id, isDuplicate: received.isDuplicate, media: sms.media.length, ...(mapped.channelData && { choice: (mapped.channelData.choice as { number: number }).number }) }, 'SMS received');
    return twiml();
  };

  const handleStatus = async (request: HttpRequest): Promise<HttpResponse> => {
    const { params } = parseTwilioForm(request);
    const verified = verify(request, params, 'status');
    if (!verified.isValid) return forbidden(verified);
    const outboxId = request.query.get('outboxId');
    const number = Number(request.query.get('part') ?? '1');
    if (!outboxId || !Number.isInteger(number) || number < 1) throw new FrontdeskError('body_invalid', 'The status callback URL needs ?outboxId=<id> (and optionally &part=<n>), as send() sets it.');
    const sid = params.MessageSid;
    const status = params.MessageStatus;
    if (typeof sid !== 'string' || typeof status !== 'string' || sid === '' || status === '') throw new FrontdeskError('body_invalid', '"MessageSid" and "MessageStatus" are required in a status callback.');
    const partId = partIdOf(outboxId, number);
    const errorCode = typeof params.ErrorCode === 'string' && params.ErrorCode !== '' ? params.ErrorCode : undefined;
    await withLock(keys.status(partId), async () => {
      const sent = await state.get<SentRecord>(keys.sent(partId));
      if (sent && sent.sid !== sid) {
        // Both copies of a resent "maybe sent" SMS went out; count it, keep the record of the one we know.
        logger.warn({ outboxId, part: number, status }, 'status callback for a second copy of an outbound SMS (an ambiguous send was resent)');
        return;
      }
      const current = await state.get<StatusRecord>(keys.status(partId));
      if (!isForwardMove(current?.status, status.toLowerCase())) {
        logger.debug({ outboxId, part: number, status, current: current?.status }, 'status callback ignored: it does not move the state forward');
        return;
      }
      await state.set(keys.status(partId), { status: status.toLowerCase(), sid, updatedAt: iso(), ...(errorCode && { errorCode }) } satisfies StatusRecord);
      if (['failed', 'undelivered'].includes(status.toLowerCase())) logger.warn({ outboxId, part: number, status, errorCode }, 'Twilio could not deliver an SMS');
    });
    return twiml();
  };

  /** The customer's number for a conversation; conversations never change their address, so it is cached. */
  const phoneOf = async (message: Message): Promise<string> => {
    const cached = phones.get(message.conversationId);
    if (cached) return cached;
    const conversation = await store.getConversation(message.conversationId);
    if (!conversation || conversation.channel !== 'sms') throw new DeliveryError(`Message ${message.id} belongs to conversation ${message.conversationId}, which is not an SMS conversation; it cannot be sent by SMS.`, { isRetryable: false });
    if (phones.size > 10_000) phones.delete(phones.keys().next().value!);
    phones.set(message.conversationId, conversation.conversationKey);
    return conversation.conversationKey;
  };

  /** Was a "maybe sent" SMS accepted after all? A status callback proves it; otherwise ask the Messages API. */
  const reconcile = async (partId: string, pending: MaybeRecord, phone: string, body: string): Promise<string | undefined> => {
    const status = await state.get<StatusRecord>(keys.status(partId));
    if (status) return status.sid;
    let recent;
    try {
      // No server-side DateSent filter: a message still queued has no date_sent yet, and it is exactly the copy we
      // must find. The newest few by To/From, filtered on date_created here, are enough.
      recent = await messages.listRecent({ to: phone, from, limit: RECONCILE_LOOKBACK_COUNT });
    } catch {
      throw new DeliveryError(`Could not ask Twilio whether SMS ${partId} was accepted; it is checked again before any resend.`, { isRetryable: true, retryAfterMilliseconds: reconcileDelay });
    }
    const since = Date.parse(pending.at) - RECONCILE_CLOCK_SKEW_MILLISECONDS;
    for (const candidate of recent) {
      if (candidate.dateCreated && candidate.dateCreated.getTime() < since) continue;
      // Trial accounts prefix "Sent from your Twilio trial account - ", so a suffix match counts.
      if (candidate.body !== body && !candidate.body.endsWith(body)) continue;
      const owner = await state.get<string>(keys.sid(candidate.sid));
      if (owner !== undefined && owner !== partId) continue; // the same words, sent for another reply
      return candidate.sid;
    }
    return undefined;
  };

  const markSent = async (partId: string, sid: string) => {
    await state.set(keys.sent(partId), { sid, at: iso() } satisfies SentRecord);
    await state.set(keys.sid(sid), partId);
    await state.delete(keys.maybe(partId));
  };

  const refuseIfSuppressed = async (phone: string, message: Message, customer: string) => {
    if (await isSuppressed(phone)) {
      throw new DeliveryError(`${customer} opted out of SMS (STOP); message ${message.id} is not sent. It is dropped for good; the customer can text START to opt back in.`, { isRetryable: false });
    }
  };

  const sendPart = async (message: Message, phone: string, body: string, number: number, total: number): Promise<string> => {
    const partId = partIdOf(message.id, number);
    const customer = maskPhone(phone);
    const label = total === 1 ? `message ${message.id}` : `part ${number}/${total} of message ${message.id}`;
    const done = await state.get<SentRecord>(keys.sent(partId));
    if (done) return done.sid; // sent on an earlier attempt (or before a crash): never twice
    await refuseIfSuppressed(phone, message, customer);
    const pending = await state.get<MaybeRecord>(keys.maybe(partId));
    if (pending) {
      const sid = await reconcile(partId, pending, phone, body);
      if (sid) {
        await markSent(partId, sid);
        logger.info({ outboxId: message.id, part: number, customer }, 'a "maybe sent" SMS had reached Twilio; not sending it again');
        return sid;
      }
      logger.info({ outboxId: message.id, part: number, customer }, 'a "maybe sent" SMS never reached Twilio; sending it now');
    }
    // Written before the call, so a crash mid-call also leaves a "maybe sent" mark to reconcile after restart.
    await state.set(keys.maybe(partId), { at: iso() } satisfies MaybeRecord);
    const base = callbackBaseUrl();
    const statusCallback = base && `${base}${STATUS_PATH}?outboxId=${encodeURIComponent(message.id)}${number > 1 ? `&part=${number}` : ''}`;
    const result = await messages.create({ to: phone, from, body, ...(statusCallback && { statusCallback }) });
    if (result.isSent) {
      await markSent(partId, result.sid);
      return result.sid;
    }
    const failure = result.failure;
    if (failure.kind !== 'ambiguous') await state.delete(keys.maybe(partId));
    switch (failure.kind) {
      case 'ambiguous':
        logger.warn({ outboxId: message.id, part: number, customer, reason: failure.reason }, 'SMS maybe sent; it will be reconciled, not blindly resent');
        throw new DeliveryError(`Twilio may have accepted ${label} to ${customer} (${failure.reason}); it is reconciled before any resend.`, { isRetryable: true, retryAfterMilliseconds: reconcileDelay });
      case 'opted-out':
        // Twilio blocked the number (STOP handled by Twilio itself, maybe while we were down): honour it everywhere.
        await state.set(keys.suppressed(phone), { since: iso(), source: 'twilio' } satisfies SuppressionRecord);
        throw new DeliveryError(`Twilio refused ${label} to ${customer}: the number opted out (error 21610). It is now on our suppression list too; the customer can text START to opt back in.`, { isRetryable: false });
      case 'refused': {
        const what = failure.code === TWILIO_INVALID_NUMBER ? 'the number is not a valid phone number' : `HTTP ${failure.status}${failure.code ? `, error ${failure.code}` : ''}`;
        throw new DeliveryError(`Twilio refused ${label} to ${customer}: ${what}.${failure.code ? ` See https://www.twilio.com/docs/api/errors/${failure.code}.` : ''}`, { isRetryable: false });
      }
      case 'rate-limited':
        throw new DeliveryError(`Twilio rate-limited ${label} (HTTP 429); retrying after the delay it asked for.`, { isRetryable: true, retryAfterMilliseconds: failure.retryAfterMilliseconds });
      case 'not-sent':
        throw new DeliveryError(`${label} was not sent: ${failure.reason}. Retrying.`, { isRetryable: true });
    }
  };

  /** The numbered choices the customer now sees are the last message's, or none: a stale "2" must not be mapped. */
  const rememberChoices = async (phone: string, message: Message) => {
    if (message.quickReplies?.length) await state.set(keys.choices(phone), { options: message.quickReplies, outboxId: message.id, at: iso() } satisfies ChoicesRecord);
    else await state.delete(keys.choices(phone));
  };

  return {
    channel: 'sms',
    mount(routes) {
      routes.post(INBOUND_PATH, handleInbound, { bodyLimit: SMS_BODY_LIMIT });
      routes.post(STATUS_PATH, handleStatus, { bodyLimit: SMS_BODY_LIMIT });
    },
    async send(message) {
      const phone = await phoneOf(message);
      const bodies = renderSms(message, maxSegments);
      if (bodies.length === 0) return {};
      const sids: string[] = [];
      for (const [index, body] of bodies.entries()) sids.push(await sendPart(message, phone, body, index + 1, bodies.length));
      await rememberChoices(phone, message);
      return { externalId: sids.join(',') };
    },
  };
}
