/**
 * Personal data out of what the dashboard shows by default: email addresses, phone numbers (and other long digit
 * runs, such as card numbers), and the customer's name wherever it appears. A heuristic: it catches the common forms,
 * not every way a person can write their address, which is why transcripts are kept only as long as the retention.
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** 7+ digits with the usual separators: +1 (555) 010-0777, 555.010.0777, 4111 1111 1111 1111. */
const PHONE = /(?:\+|\b)\d(?:[\d \t().-]*\d)?/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** "my name is Jane Doe", "name's Jane", "this is Jane": the capitalised words after it. */
const SELF_INTRODUCTION = /\b(my name is|my name's|name's|this is|call me)\s+((?:\p{Lu}[\p{L}'-]*)(?:\s+\p{Lu}[\p{L}'-]*){0,2})/gu;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function maskText(text: string, options: { names?: ReadonlyArray<string | undefined> } = {}): string {
  let masked = text.replace(EMAIL, '[email]');
  masked = masked.replace(PHONE, (match) => {
    const digits = match.replace(/\D/g, '').length;
    return digits >= 7 && !ISO_DATE.test(match.trim()) ? '[phone]' : match;
  });
  masked = masked.replace(SELF_INTRODUCTION, (_match, lead: string) => `${lead} [name]`);
  const nameParts = new Set<string>();
  for (const name of options.names ?? []) for (const part of name?.split(/\s+/) ?? []) if (part.length >= 2) nameParts.add(part);
  for (const part of [...nameParts].sort((a, b) => b.length - a.length)) {
    masked = masked.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(part)}(?![\\p{L}\\p{N}])`, 'giu'), '[name]');
  }
  return masked;
}

/** "Jane Doe" → "J••• D•••": enough to tell two customers apart at a glance, not enough to know who they are. */
export function maskName(name: string | undefined): string | undefined {
  if (!name?.trim()) return undefined;
  return name
    .trim()
    .split(/\s+/)
    .map((part) => `${[...part][0]}•••`)
    .join(' ');
}

/** A conversation's platform address: web ids are random and kept; phone numbers and other ids keep their last 2 characters. */
export function maskConversationKey(channel: string, key: string): string {
  if (channel === 'web') return key;
  return `•••${key.slice(-2)}`;
}
