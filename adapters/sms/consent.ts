/**
 * SMS consent keywords: opt-out, opt-in and help. The adapter answers these itself; they never reach a flow.
 *
 * The rule, in one sentence: after dropping case, punctuation, emoji and one polite word at either end ("please",
 * "now", "thanks"…), the WHOLE message must be a keyword or one of a few fixed phrases. So "STOP", " stop ", "Stop.",
 * "STOP PLEASE" and "stop texting me" opt out, while "cancel my order" or "don't stop" are ordinary messages.
 */

export type ConsentAction = 'opt-out' | 'opt-in' | 'help';

/** Twilio's default opt-out keywords on long codes, plus the French ARRET carriers use in Canada. */
const OPT_OUT_WORDS = ['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'revoke', 'optout', 'opt out', 'arret'];
const OPT_OUT_PHRASES = [
  'stop all',
  'stop texting',
  'stop texting me',
  'stop messaging',
  'stop messaging me',
  'stop sending messages',
  'stop sending me messages',
  'stop sending texts',
  'stop sending me texts',
  'unsubscribe me',
  'opt me out',
];
const OPT_IN_WORDS = ['start', 'unstop'];
/** "yes" is everyday conversation; it only means opt-in from someone who has opted out. */
const OPT_IN_WHEN_SUPPRESSED = ['yes'];
const HELP_WORDS = ['help', 'info'];
const POLITE_WORDS = ['please', 'pls', 'plz', 'now', 'thanks', 'thank you', 'thx', 'ok', 'okay'];

const OPT_OUT = new Set([...OPT_OUT_WORDS, ...OPT_OUT_PHRASES]);

/** Lower case, accents folded (ARRÊT → arret), every run of non-letters/digits a single space, trimmed. */
export function normalizeKeywordText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[-_]+/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The message without one polite word (or two-word phrase) at the start and one at the end. */
function withoutPoliteWords(normalized: string): string {
  let text = normalized;
  for (const polite of POLITE_WORDS) {
    if (text.startsWith(`${polite} `)) {
      text = text.slice(polite.length + 1);
      break;
    }
  }
  for (const polite of POLITE_WORDS) {
    if (text.endsWith(` ${polite}`)) {
      text = text.slice(0, -(polite.length + 1));
      break;
    }
  }
  return text;
}

/**
 * Which consent action a whole message asks for, if any.
 *
 * @example
 * classifyConsent('STOP PLEASE', { isSuppressed: false })     // 'opt-out'
 * classifyConsent('cancel my order', { isSuppressed: false }) // undefined
 * classifyConsent('yes', { isSuppressed: true })              // 'opt-in'
 */
export function classifyConsent(text: string, options: { isSuppressed: boolean }): ConsentAction | undefined {
  const normalized = normalizeKeywordText(text);
  if (normalized.length === 0 || normalized.length > 40) return undefined;
  const core = withoutPoliteWords(normalized);
  if (OPT_OUT.has(core)) return 'opt-out';
  if (OPT_IN_WORDS.includes(core)) return 'opt-in';
  if (options.isSuppressed && OPT_IN_WHEN_SUPPRESSED.includes(core)) return 'opt-in';
  if (HELP_WORDS.includes(core)) return 'help';
  return undefined;
}

export interface ConsentReplies {
  optOut: string;
  optIn: string;
  help: string;
}

/**
 * What the adapter answers to each keyword, kept short and GSM-7 so each is one segment for a typical business name.
 * `contact` is FRONTDESK_CONTACT (a phone number, email or web page) when set.
 */
export function consentReplies(businessName: string, contact?: string): ConsentReplies {
  const reach = contact ? `Contact us: ${contact}.` : 'Text "agent" to reach a person.';
  return {
    optOut: `You're unsubscribed from ${businessName} messages. Reply START to resubscribe.`,
    optIn: `You're resubscribed to ${businessName} messages. Reply HELP for help, STOP to unsubscribe.`,
    help: `${businessName} automated customer service. ${reach} Reply STOP to unsubscribe. Msg&data rates may apply.`,
  };
}
