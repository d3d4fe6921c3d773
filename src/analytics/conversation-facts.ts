import type { AnalyticsConversation, AnalyticsItem, ConversationState } from './types.js';
import type { HandoffReason, StaffNotification } from '../message.js';

/** The bot's reply when the knowledge does not answer (flows/faq.ts): the mark of a knowledge gap. */
export const DONT_KNOW_PATTERN = /I don't know the answer to that/i;

/** A bot-only conversation with no activity for this long counts as ended rather than open. */
export const IDLE_MILLISECONDS = 30 * 60_000;

export interface ConversationFacts {
  id: string;
  channel: string;
  customerId: string;
  customerName?: string;
  conversationKey: string;
  startedAt: string;
  lastActivityAt: string;
  customerMessages: number;
  botMessages: number;
  staffMessages: number;
  /** The customer wrote at least once (a widget opened and closed without a word is not a conversation to count). */
  isEngaged: boolean;
  /** A staff console was asked to take over (a staff `opened` notification). */
  isHandedOff: boolean;
  handoffReason?: HandoffReason;
  staffName?: string;
  state: ConversationState;
  /** First customer message → first bot or staff reply after it. */
  firstResponseMilliseconds?: number;
  sentiments: Array<{ at: string; score: number }>;
  /** "I don't know" replies. */
  unanswered: number;
  /** The first thing the customer said, for the list (masked before it leaves the server). */
  preview?: string;
}

const staffOf = (item: AnalyticsItem): StaffNotification | undefined => {
  const channelData = item.body.channelData as { staff?: StaffNotification } | undefined;
  return item.kind === 'message' && item.direction === 'out' ? channelData?.staff : undefined;
};

/** Customer-facing messages: on the conversation's own channel, not a staff notification. */
export const isCustomerFacing = (conversation: Pick<AnalyticsConversation, 'channel'>, item: AnalyticsItem) => item.kind === 'message' && item.channel === conversation.channel && !staffOf(item);

/**
 * What one conversation amounts to, derived from its items only. State: `withPerson` while a handoff is opened and not
 * resolved; `resolved` once staff (or the customer) handed it back; otherwise `open` while active in the last 30
 * minutes, `ended` after that.
 */
export function conversationFacts(conversation: AnalyticsConversation, now: number): ConversationFacts {
  let customerMessages = 0;
  let botMessages = 0;
  let staffMessages = 0;
  let unanswered = 0;
  let firstCustomerAt: string | undefined;
  let firstResponseMilliseconds: number | undefined;
  let isHandedOff = false;
  let isWithPerson = false;
  let isResolved = false;
  let handoffReason: HandoffReason | undefined;
  let staffName: string | undefined;
  let preview: string | undefined;
  const sentiments: ConversationFacts['sentiments'] = [];
  for (const item of conversation.items) {
    const staff = staffOf(item);
    if (staff) {
      if (staff.event === 'opened') {
        isHandedOff = true;
        isWithPerson = true;
        handoffReason ??= staff.reason;
      } else if (staff.event === 'claimed') staffName = staff.staffName ?? staffName;
      else if (staff.event === 'resolved') {
        isWithPerson = false;
        isResolved = true;
      }
      continue;
    }
    if (!isCustomerFacing(conversation, item)) continue;
    const role = item.body.role;
    if (item.direction === 'in' && role === 'customer') {
      customerMessages++;
      firstCustomerAt ??= item.createdAt;
      preview ??= item.body.text;
      if (typeof item.body.sentiment === 'number') sentiments.push({ at: item.createdAt, score: item.body.sentiment });
    } else if (item.direction === 'out' && (role === 'bot' || role === 'agent' || role === 'system')) {
      if (role === 'agent') staffMessages++;
      else botMessages++;
      if (role === 'bot' && DONT_KNOW_PATTERN.test(item.body.text ?? '')) unanswered++;
      if (firstCustomerAt !== undefined && firstResponseMilliseconds === undefined) firstResponseMilliseconds = Math.max(0, Date.parse(item.createdAt) - Date.parse(firstCustomerAt));
    }
  }
  const startedAt = conversation.items[0]?.createdAt ?? conversation.createdAt;
  const lastActivityAt = conversation.items.at(-1)?.createdAt ?? conversation.createdAt;
  const state: ConversationState = isWithPerson ? 'withPerson' : isResolved ? 'resolved' : now - Date.parse(lastActivityAt) < IDLE_MILLISECONDS ? 'open' : 'ended';
  return {
    id: conversation.id,
    channel: conversation.channel,
    customerId: conversation.customerId,
    ...(conversation.customerName !== undefined && { customerName: conversation.customerName }),
    conversationKey: conversation.conversationKey,
    startedAt,
    lastActivityAt,
    customerMessages,
    botMessages,
    staffMessages,
    isEngaged: customerMessages > 0,
    isHandedOff,
    ...(handoffReason && { handoffReason }),
    ...(staffName && { staffName }),
    state,
    ...(firstResponseMilliseconds !== undefined && { firstResponseMilliseconds }),
    sentiments,
    unanswered,
    ...(preview !== undefined && { preview }),
  };
}
