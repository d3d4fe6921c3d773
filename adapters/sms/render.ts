import type { Message, QuickReply } from '../../src/index.js';

/**
 * Pure SMS rendering: segment arithmetic, numbered choices, product cards as short lines, and splitting long replies
 * at sentence boundaries. No I/O here, so every rule is unit-tested on plain strings.
 */

// The GSM 03.38 default alphabet (one septet each) and its extension table (escape + septet: two each).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('^{}\\[~]|€\f');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2, an emoji counts 2). */
  units: number;
  segments: number;
}

/** Single-segment and per-part capacities: a concatenated part loses room to its 6/7-byte header. */
const CAPACITY = { 'GSM-7': { single: 160, part: 153 }, 'UCS-2': { single: 70, part: 67 } } as const;

/** Recommended ceiling (Twilio suggests ≤ 320 characters; RELIABILITY.md "Segments"). */
export const DEFAULT_MAX_SEGMENTS = 2;

const isGsm = (character: string) => GSM_BASIC.has(character) || GSM_EXTENSION.has(character);

/** GSM-7 when every character is in the GSM alphabet; one character outside it switches the whole message to UCS-2. */
export function encodingOf(text: string): SmsEncoding {
  for (const character of text) if (!isGsm(character)) return 'UCS-2';
  return 'GSM-7';
}

/**
 * How many SMS segments `text` costs. Parts are packed the way handsets reassemble them: an escape pair (GSM-7) or
 * a surrogate pair (UCS-2) never straddles two parts, so the count is exact, not `ceil(units / 153)`.
 *
 * @example
 * countSegments('Hello!')            // { encoding: 'GSM-7', units: 6, segments: 1 }
 * countSegments('See you soon 🚲')   // { encoding: 'UCS-2', units: 15, segments: 1 }
 */
export function countSegments(text: string): SegmentCount {
  const encoding = encodingOf(text);
  const widths = [...text].map((character) => (encoding === 'GSM-7' ? (GSM_EXTENSION.has(character) ? 2 : 1) : character.length));
  const units = widths.reduce((sum, width) => sum + width, 0);
  const capacity = CAPACITY[encoding];
  if (units <= capacity.single) return { encoding, units, segments: units === 0 ? 0 : 1 };
  let segments = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > capacity.part) {
      segments++;
      used = 0;
    }
    used += width;
  }
  return { encoding, units, segments };
}

// Typographic punctuation that knowledge pages and LLMs like, mapped to GSM-7 look-alikes: one curly apostrophe would
// otherwise switch a whole reply to UCS-2 and more than double its cost.
const GSM_FRIENDLY: Array<[RegExp, string]> = [
  [/[\u2018\u2019\u201A\u2032]/g, "'"],
  [/[\u201C\u201D\u201E\u2033]/g, '"'],
  [/[\u2013\u2014\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/[\u00A0\u2007\u202F]/g, ' '],
  [/[\u2022\u00B7]/g, '-'],
  [/[\u200B\u200C\u200D\u2060\uFEFF]/g, ''],
];

/** Replaces smart quotes, dashes, ellipses, bullets and invisible spaces with GSM-7 equivalents; emoji stay. */
export function toGsmFriendly(text: string): string {
  return GSM_FRIENDLY.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

/**
 * Quick replies as numbered choices, the SMS stand-in for buttons.
 *
 * @example
 * renderChoices([{ label: 'Returns', value: 'returns' }, { label: 'Shipping', value: 'shipping' }])
 * // 'Reply 1 for Returns, 2 for Shipping'
 */
export function renderChoices(quickReplies: readonly QuickReply[]): string {
  return `Reply ${quickReplies.map((reply, index) => `${index + 1} for ${reply.label}`).join(', ')}`;
}

/**
 * The option a customer picked by number: "2", " 2 ", "2.", "2)", "#2" pick the second of `count`; anything else
 * (including "2 bikes" or an out-of-range number) is ordinary text and returns undefined.
 */
export function parseChoice(text: string, count: number): number | undefined {
  const match = /^\s*#?\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  if (!match) return undefined;
  const number = Number(match[1]);
  return number >= 1 && number <= count ? number : undefined;
}

const formatPrice = (price: number, currency = 'USD') => {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: Number.isInteger(price) ? 0 : 2 }).format(price);
  } catch {
    return `${price} ${currency}`;
  }
};

/** A product card as one short line: "- Trail Bike 2, $899: https://…". */
export function renderCard(card: NonNullable<Message['cards']>[number]): string {
  const price = card.price === undefined ? '' : `, ${formatPrice(card.price, card.currency)}`;
  return `- ${card.name}${price}${card.url ? `: ${card.url}` : ''}`;
}

/** The whole reply as one text: the message, its cards, attachment links, then the numbered choices last. */
export function renderSmsText(message: Pick<Message, 'text' | 'cards' | 'attachments' | 'quickReplies'>): string {
  const blocks = [message.text.trim()];
  if (message.cards?.length) blocks.push(message.cards.map(renderCard).join('\n'));
  if (message.attachments?.length) blocks.push(message.attachments.map((attachment) => `${attachment.name ?? 'Link'}: ${attachment.url}`).join('\n'));
  if (message.quickReplies?.length) blocks.push(renderChoices(message.quickReplies));
  return toGsmFriendly(blocks.filter((block) => block.length > 0).join('\n'));
}

const fits = (text: string, maxSegments: number) => countSegments(text).segments <= maxSegments;

/** Pieces of `text` with the separator that stood before each, so joining them back keeps line breaks. */
function pieces(text: string, pattern: RegExp): Array<{ separator: string; text: string }> {
  const result: Array<{ separator: string; text: string }> = [];
  let last = 0;
  let separator = '';
  for (const match of text.matchAll(pattern)) {
    const piece = text.slice(last, match.index);
    if (piece.length > 0) result.push({ separator, text: piece });
    separator = match[0].includes('\n') ? '\n' : ' ';
    last = match.index! + match[0].length;
  }
  if (last < text.length) result.push({ separator, text: text.slice(last) });
  return result;
}

/** Greedy packing: as many pieces per message as fit; a piece too long on its own is split further by `splitPiece`. */
function pack(items: Array<{ separator: string; text: string }>, maxSegments: number, splitPiece: (text: string) => string[]): string[] {
  const messages: string[] = [];
  let current = '';
  for (const item of items) {
    const candidate = current ? current + item.separator + item.text : item.text;
    if (fits(candidate, maxSegments)) {
      current = candidate;
      continue;
    }
    if (current) messages.push(current);
    current = '';
    if (fits(item.text, maxSegments)) current = item.text;
    else {
      const parts = splitPiece(item.text);
      messages.push(...parts.slice(0, -1));
      current = parts.at(-1) ?? '';
    }
  }
  if (current) messages.push(current);
  return messages;
}

/** Last resort for a "word" longer than a message (a long URL): cut between code points. */
function hardSplit(text: string, maxSegments: number): string[] {
  const messages: string[] = [];
  let current = '';
  for (const character of text) {
    if (current && !fits(current + character, maxSegments)) {
      messages.push(current);
      current = '';
    }
    current += character;
  }
  if (current) messages.push(current);
  return messages;
}

/**
 * Splits a reply into messages of at most `maxSegments` segments each, at sentence boundaries (then line breaks,
 * then words, then characters as a last resort). Each message is encoded on its own, so an emoji in one sentence
 * makes only its own message UCS-2.
 *
 * @example
 * splitForSms('Short answer.')  // ['Short answer.']
 */
export function splitForSms(text: string, maxSegments = DEFAULT_MAX_SEGMENTS): string[] {
  const trimmed = text.trim();
  if (trimmed.length === 0) return [];
  if (fits(trimmed, maxSegments)) return [trimmed];
  const bySentence = pieces(trimmed, /(?<=[.!?])[ \t]+(?=\S)|[ \t]*\n+[ \t]*/g);
  const byWord = (sentence: string) => pack(pieces(sentence, /\s+/g), maxSegments, (word) => hardSplit(word, maxSegments));
  return pack(bySentence, maxSegments, byWord).map((message) => message.trim()).filter((message) => message.length > 0);
}

/**
 * An outbound Message as the SMS bodies to send, in order.
 *
 * @example
 * renderSms({ text: 'What can I help with?', quickReplies: [{ label: 'Returns', value: 'returns' }] })
 * // ['What can I help with?\nReply 1 for Returns']
 */
export function renderSms(message: Pick<Message, 'text' | 'cards' | 'attachments' | 'quickReplies'>, maxSegments = DEFAULT_MAX_SEGMENTS): string[] {
  return splitForSms(renderSmsText(message), maxSegments);
}
