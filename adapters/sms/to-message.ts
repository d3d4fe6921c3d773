import { FrontdeskError, type Attachment, type InboundMessage } from '../../src/index.js';
import type { TwilioParams } from './verify.js';

/** The inbound core's limit; a real SMS is at most 1,600 characters, so anything longer is not from a handset. */
const MAX_TEXT_LENGTH = 4000;
/** Twilio delivers at most 10 media items per MMS. */
const MAX_MEDIA = 10;

/** What we use of Twilio's incoming-message webhook. */
export interface TwilioSms {
  messageSid: string;
  from: string;
  to?: string;
  body: string;
  media: Attachment[];
}

/** A single value, or a 400 naming the parameter: a repeated From or Body would make "which one?" a guess. */
function single(params: TwilioParams, name: string, options: { isRequired: boolean }): string | undefined {
  const value = params[name];
  if (Array.isArray(value)) throw new FrontdeskError('body_invalid', `"${name}" appears ${value.length} times; Twilio sends it once.`);
  if (value === undefined && options.isRequired) throw new FrontdeskError('body_invalid', `"${name}" is missing; a Twilio incoming-message webhook always has it. Point only a Messaging webhook at this URL.`);
  return value;
}

/**
 * Reads a verified Twilio incoming-message webhook. Missing From, MessageSid or Body → 400 `body_invalid` with the
 * reason (Twilio does not retry a 4xx, and nothing is journaled).
 */
export function readTwilioSms(params: TwilioParams): TwilioSms {
  const messageSid = single(params, 'MessageSid', { isRequired: true })!;
  if (!/^[A-Za-z0-9]{2,64}$/.test(messageSid)) throw new FrontdeskError('body_invalid', '"MessageSid" must be 2-64 letters and digits (Twilio sends SM or MM followed by 32 hex digits).');
  const from = single(params, 'From', { isRequired: true })!;
  if (from.length === 0 || from.length > 100) throw new FrontdeskError('body_invalid', '"From" must be a phone number of 1-100 characters.');
  const body = single(params, 'Body', { isRequired: true })!;
  if (body.length > MAX_TEXT_LENGTH) throw new FrontdeskError('body_invalid', `"Body" is ${body.length} characters; the limit is ${MAX_TEXT_LENGTH} (an SMS is at most 1,600).`);
  const declared = Number(single(params, 'NumMedia', { isRequired: false }) ?? '0');
  const count = Number.isInteger(declared) && declared > 0 ? Math.min(declared, MAX_MEDIA) : 0;
  const media: Attachment[] = [];
  for (let index = 0; index < count; index++) {
    const url = single(params, `MediaUrl${index}`, { isRequired: false });
    if (!url || !URL.canParse(url) || !/^https?:/i.test(url)) continue;
    const contentType = single(params, `MediaContentType${index}`, { isRequired: false });
    media.push({ url, ...(contentType && { contentType }) });
  }
  return { messageSid, from, to: single(params, 'To', { isRequired: false }), body, media };
}

/**
 * The core's InboundMessage for an SMS: the MessageSid is the dedupe key; the sender's number is both the
 * conversation's address and the customer. `text` may be a picked choice's value; `channelData.originalText` then
 * keeps what the customer actually typed.
 */
export function toInboundMessage(sms: TwilioSms, options: { text?: string; channelData?: Record<string, unknown>; receivedAt: string }): InboundMessage {
  return {
    channel: 'sms',
    externalId: sms.messageSid,
    conversationKey: sms.from,
    customerKey: sms.from,
    text: options.text ?? sms.body,
    receivedAt: options.receivedAt,
    ...(sms.media.length > 0 && { attachments: sms.media }),
    ...(options.channelData && { channelData: options.channelData }),
  };
}

/**
 * A phone number as logs may show it: the first two and last two characters (`+1…42`). Logs never hold a full
 * number or any message text (DESIGN.md invariant 7).
 */
export function maskPhone(phone: string): string {
  return phone.length <= 4 ? '…' : `${phone.slice(0, 2)}…${phone.slice(-2)}`;
}
