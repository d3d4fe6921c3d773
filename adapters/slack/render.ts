import type { HandoffReason, Message, ProfileResult } from '../../src/index.js';
import type { ProfileField } from './config.js';

/** Slack Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks): what one block or field may hold. */
export const LIMITS = { header: 150, section: 3000, field: 2000, buttonValue: 2000, transcriptLine: 280, customerLine: 2800 } as const;
/** Lines of the conversation shown on the handoff card. */
export const TRANSCRIPT_LINES = 8;

export const ACTION = { claim: 'frontdesk_claim', resolve: 'frontdesk_resolve', suggest: 'frontdesk_suggest', sendDraft: 'frontdesk_send_draft' } as const;

// Block Kit JSON is loosely typed on purpose: Slack validates it, and the tests read it back as plain objects.
export type Block = Record<string, unknown>;

/** Shortens to at most `max` characters (with an ellipsis), never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * Makes customer-written text inert in Slack mrkdwn: `<!channel>`, `<@U…>` and `<https://…|label>` are markup only
 * when `<` and `>` are literal, so a customer can neither ping the whole channel nor disguise a link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One line of customer text inside a quote: escaped, flattened to one line, shortened. */
const quoteLine = (text: string, max: number) => escapeMrkdwn(truncate(text.replace(/\s+/g, ' ').trim(), max));

/**
 * What a staff member wrote in Slack, as the customer should read it: links as "label (url)", mentions and special
 * pings dropped, Slack's HTML escaping undone. The customer's channel renders it as plain text.
 */
export function toCustomerText(slackText: string): string {
  return slackText
    .replace(/<mailto:([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<(https?:\/\/[^|>]+)\|([^>]+)>/g, (_match, url: string, label: string) => (label === url ? url : `${label} (${url})`))
    .replace(/<(https?:\/\/[^>]+)>/g, '$1')
    .replace(/<@[UW][A-Z0-9]+(?:\|([^>]*))?>/g, (_match, name?: string) => name ?? '')
    .replace(/<#[CG][A-Z0-9]+(?:\|([^>]*))?>/g, (_match, name?: string) => (name ? `#${name}` : ''))
    .replace(/<![^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}

/** "+1 •••• 42": enough for staff to tell two customers apart, not enough to copy the number out of Slack. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  if (digits.length < 4) return '••••';
  const country = phone.trim().startsWith('+') ? `+${digits.startsWith('1') ? '1' : digits.slice(0, 2)} ` : '';
  return `${country}•••• ${digits.slice(-2)}`;
}

const isPhoneNumber = (value: string) => /^\+?[\d\s().-]{7,20}$/.test(value);

export const CHANNEL_NAMES: Record<string, string> = { web: 'Web chat', sms: 'SMS', teams: 'Microsoft Teams', slack: 'Slack' };

const REASONS: Record<HandoffReason, string> = {
  asked: 'Asked for a person',
  negativeSentiment: 'Negative sentiment (the customer sounded upset)',
  repeatedMisses: 'The bot could not answer',
  flowDecision: 'Flow decision (the bot offered a person and the customer accepted)',
};

export const reasonInWords = (reason: HandoffReason | undefined) => (reason ? REASONS[reason] ?? reason : 'Not given');

/** VADER compound score in words; the thresholds are VADER's own (±0.05), plus a "very" band. */
export function sentimentInWords(score: number | undefined): string {
  if (score === undefined) return 'Unknown';
  const value = score.toFixed(2).replace('-', '−');
  if (score <= -0.5) return `:rage: Very negative (${value})`;
  if (score < -0.05) return `:slightly_frowning_face: Negative (${value})`;
  if (score > 0.05) return `:slightly_smiling_face: Positive (${value})`;
  return `:neutral_face: Neutral (${value})`;
}

export const stars = (score: number) => `${'★'.repeat(Math.max(0, Math.min(5, score)))}${'☆'.repeat(Math.max(0, 5 - Math.min(5, score)))}`;

/**
 * How the customer is named in Slack: their name when the business lets staff see it, else a masked phone number for
 * SMS, else the channel ("Web chat visitor").
 */
export function customerLabel(options: { profile?: ProfileResult; conversationKey: string; channel: string; visibleFields: ReadonlySet<ProfileField> }): string {
  const { profile, conversationKey, channel, visibleFields } = options;
  if (visibleFields.has('name') && profile?.name?.trim()) return truncate(profile.name.trim(), 80);
  const phone = profile?.phone ?? (channel === 'sms' && isPhoneNumber(conversationKey) ? conversationKey : undefined);
  if (phone) return visibleFields.has('phone') ? phone : maskPhone(phone);
  return `${CHANNEL_NAMES[channel] ?? channel} visitor`;
}

const roleLabel = (message: Message) => (message.role === 'customer' ? 'Customer' : message.role === 'agent' ? (message.senderName ? `Staff (${message.senderName})` : 'Staff') : 'Bot');

/** The last few customer, bot and staff lines, each on one line and shortened; always within one section's limit. */
export function transcriptBlock(transcript: Message[]): Block | undefined {
  const candidates = transcript
    .filter((message) => message.role === 'customer' || message.role === 'bot' || message.role === 'agent')
    .slice(-TRANSCRIPT_LINES)
    .map((message) => `>*${escapeMrkdwn(roleLabel(message))}:* ${quoteLine(message.text, LIMITS.transcriptLine)}`);
  // Escaping can lengthen a line up to fivefold; the oldest lines give way, so no line is cut mid-entity.
  const heading = '*Recent conversation*';
  const lines: string[] = [];
  let length = heading.length;
  for (const line of candidates.reverse()) {
    if (length + line.length + 1 > LIMITS.section) break;
    lines.unshift(line);
    length += line.length + 1;
  }
  if (lines.length === 0) return undefined;
  return { type: 'section', block_id: 'frontdesk_transcript', text: { type: 'mrkdwn', text: `${heading}\n${lines.join('\n')}` } };
}

const money = (amount: number | undefined) => (amount === undefined ? '' : ` · $${amount.toFixed(2)}`);

/** Only the fields the business made visible (FRONTDESK_STAFF_VISIBLE_FIELDS); nothing at all without a profile. */
export function profileBlocks(profile: ProfileResult | undefined, visibleFields: ReadonlySet<ProfileField>): Block[] {
  if (!profile) return [];
  const fields: Block[] = [];
  const field = (title: string, value: string) => fields.push({ type: 'mrkdwn', text: truncate(`*${title}*\n${escapeMrkdwn(value)}`, LIMITS.field) });
  if (visibleFields.has('name') && profile.name) field('Name', profile.name);
  if (visibleFields.has('email') && profile.email) field('Email', profile.email);
  if (visibleFields.has('phone') && profile.phone) field('Phone', profile.phone);
  field('Customer', profile.isReturning ? 'Returning' : 'New');
  const blocks: Block[] = [{ type: 'section', block_id: 'frontdesk_profile', fields }];
  if (visibleFields.has('orders') && profile.recentOrders?.length) {
    const orders = profile.recentOrders.slice(0, 5).map((order) => `• ${escapeMrkdwn(`${order.orderNumber} · ${order.status} · ${order.placedAt.slice(0, 10)}${money(order.total)}`)}`);
    blocks.push({ type: 'section', block_id: 'frontdesk_orders', text: { type: 'mrkdwn', text: truncate(`*Recent orders*\n${orders.join('\n')}`, LIMITS.section) } });
  }
  return blocks;
}

export interface CardSummary {
  label: string;
  customerChannel: string;
  reason?: HandoffReason;
  sentiment?: number;
  transcript: Message[];
  profile?: ProfileResult;
  visibleFields: ReadonlySet<ProfileField>;
}

/** The parts of the handoff card that never change after it is posted; kept in channel state to rebuild the card. */
export function summaryBlocks(summary: CardSummary): Block[] {
  const blocks: Block[] = [
    { type: 'header', block_id: 'frontdesk_header', text: { type: 'plain_text', text: truncate(`Handoff: ${summary.label}`, LIMITS.header), emoji: true } },
    {
      type: 'section',
      block_id: 'frontdesk_facts',
      fields: [
        { type: 'mrkdwn', text: `*Channel*\n${escapeMrkdwn(CHANNEL_NAMES[summary.customerChannel] ?? summary.customerChannel)}` },
        { type: 'mrkdwn', text: `*Reason*\n${escapeMrkdwn(reasonInWords(summary.reason))}` },
        { type: 'mrkdwn', text: `*Sentiment*\n${sentimentInWords(summary.sentiment)}` },
      ],
    },
  ];
  const transcript = transcriptBlock(summary.transcript);
  if (transcript) blocks.push(transcript);
  blocks.push(...profileBlocks(summary.profile, summary.visibleFields));
  return blocks;
}

export interface CardStatus {
  conversationId: string;
  status: 'waiting' | 'claimed' | 'resolved';
  staffName?: string;
  /** Why it ended when no staff member resolved it ("The customer went back to the bot."). */
  outcome?: string;
  score?: number;
  notePrefix: string;
}

export function statusInWords(card: Pick<CardStatus, 'status' | 'staffName' | 'outcome' | 'score'>): string {
  const score = card.score === undefined ? '' : ` · rated ${stars(card.score)} (${card.score}/5)`;
  if (card.status === 'waiting') return ':hourglass_flowing_sand: Waiting for someone to claim';
  if (card.status === 'claimed') return `:raising_hand: Claimed by ${card.staffName ?? 'a member of staff'}`;
  return `:white_check_mark: ${card.staffName ? `Resolved by ${card.staffName}` : (card.outcome ?? 'Resolved')}${score}`;
}

const button = (text: string, actionId: string, value: string, extra: Block = {}): Block => ({ type: 'button', text: { type: 'plain_text', text, emoji: true }, action_id: actionId, value, ...extra });

/** The whole card: header, status, facts, transcript, profile, and the buttons that still make sense. */
export function cardBlocks(summary: Block[], card: CardStatus): Block[] {
  const [header, ...rest] = summary;
  const status: Block = { type: 'section', block_id: 'frontdesk_status', text: { type: 'mrkdwn', text: `*Status:* ${escapeMrkdwn(statusInWords(card))}` } };
  const buttons: Block[] = [];
  if (card.status === 'waiting') buttons.push(button('Claim', ACTION.claim, card.conversationId, { style: 'primary' }));
  if (card.status !== 'resolved') {
    buttons.push(
      button('Resolve', ACTION.resolve, card.conversationId, {
        style: 'danger',
        confirm: {
          title: { type: 'plain_text', text: 'Hand back to the bot?' },
          text: { type: 'mrkdwn', text: 'The customer goes back to the automated assistant, which asks them for a 1–5 score.' },
          confirm: { type: 'plain_text', text: 'Resolve' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      }),
      button('Suggest a reply', ACTION.suggest, card.conversationId),
    );
  }
  const blocks: Block[] = [...(header ? [header] : []), status, ...rest];
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'frontdesk_actions', elements: buttons });
  if (card.status !== 'resolved') {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Claim, then reply in this thread to answer the customer. Start a message with \`${escapeMrkdwn(card.notePrefix)}\` to keep it internal. Conversation \`${card.conversationId}\`.` }],
    });
  }
  return blocks;
}

/** The ephemeral draft "Suggest a reply" shows one staff member. */
export function suggestionBlocks(options: { draftId: string; text: string; confidence: number; isConfident: boolean; citations: Array<{ source: string; heading?: string }> }): Block[] {
  const sources = options.citations.slice(0, 3).map((citation) => escapeMrkdwn(citation.heading ? `${citation.source} — ${citation.heading}` : citation.source));
  const confidence = `${Math.round(options.confidence * 100)}%${options.isConfident ? '' : ', low: check it before sending'}`;
  const blocks: Block[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`*Suggested reply* (confidence ${confidence})\n>${escapeMrkdwn(options.text).replace(/\n/g, '\n>')}`, LIMITS.section) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(sources.length > 0 ? `Source: ${sources.join('; ')}` : 'No source cited', LIMITS.field) }] },
  ];
  if (options.text.length <= 4000) {
    blocks.push({ type: 'actions', block_id: 'frontdesk_suggestion', elements: [button('Send to customer', ACTION.sendDraft, options.draftId, { style: 'primary' })] });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Only you can see this. To change it first, copy it into the thread, edit it and send it there.' }] });
  return blocks;
}
