import { ActionTypes, CardFactory, MessageFactory, type Activity, type Attachment } from 'botbuilder';
import type { Citation, Message, ProductCard, QuickReply } from '../../src/index.js';

/** Teams shows at most three suggested actions, and only reliably in one-to-one chats. */
const MAX_SUGGESTED_ACTIONS = 3;
/** A carousel holds at most ten cards. */
const MAX_CARDS = 10;
/** Teams refuses messages over about 40 KB (UTF-16) with 413 MessageSizeTooBig; stay well below. */
const MAX_ACTIVITY_CHARACTERS = 18_000;
const ADAPTIVE_CARD_VERSION = '1.4';

export interface RenderOptions {
  /** The Teams conversation type from the stored reference: 'personal', 'groupChat' or 'channel' (absent in the Emulator). */
  conversationType?: string;
}

const adaptiveCard = (body: unknown[], actions: unknown[]): Attachment =>
  CardFactory.adaptiveCard({ type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: ADAPTIVE_CARD_VERSION, body, actions });

const isHttps = (url: string | undefined): url is string => {
  if (!url || !URL.canParse(url)) return false;
  return new URL(url).protocol === 'https:';
};

function formatPrice(card: ProductCard): string | undefined {
  if (card.price === undefined) return undefined;
  if (!card.currency) return card.price.toFixed(2);
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: card.currency }).format(card.price);
  } catch {
    return `${card.price.toFixed(2)} ${card.currency}`;
  }
}

/**
 * One product as an Adaptive Card: name, price, why it was suggested, and a link. Links open only over https, and no
 * remote image is loaded (a rendered image is a request to whatever host the URL names).
 */
export function productCard(card: ProductCard): Attachment {
  const price = formatPrice(card);
  return adaptiveCard(
    [
      { type: 'TextBlock', text: card.name, weight: 'Bolder', size: 'Medium', wrap: true },
      ...(price ? [{ type: 'TextBlock', text: price, spacing: 'None' }] : []),
      ...(card.reason ? [{ type: 'TextBlock', text: card.reason, wrap: true, isSubtle: true }] : []),
    ],
    isHttps(card.url) ? [{ type: 'Action.OpenUrl', title: 'View product', url: card.url }] : [],
  );
}

/** Buttons for group chats and channels, where suggested actions are not shown: each one submits `{ text: value }`. */
export function quickReplyCard(quickReplies: QuickReply[]): Attachment {
  return adaptiveCard([], quickReplies.map((reply) => ({ type: 'Action.Submit', title: reply.label, data: { text: reply.value } })));
}

/** "Source: pages/returns.md › Refunds", one short line, so every answer shows where it came from. */
export function citationLine(citations: Citation[] | undefined): string | undefined {
  if (!citations?.length) return undefined;
  const sources = [...new Map(citations.map((citation) => [citation.source, citation])).values()]
    .slice(0, 3)
    .map((citation) => (citation.heading ? `${citation.source} › ${citation.heading}` : citation.source));
  return `${sources.length > 1 ? 'Sources' : 'Source'}: ${sources.join('; ')}`;
}

/**
 * A Frontdesk message as a Teams activity. The text is always there and sent as plain text (so a link the model wrote
 * cannot hide its target behind Markdown); quick replies become suggested actions in one-to-one chats and card
 * buttons elsewhere; products become Adaptive Cards. Anything too big for Teams degrades to the text alone.
 *
 * @example
 * await turn.sendActivity(renderActivity(message, { conversationType: 'personal' }));
 */
export function renderActivity(message: Message, options: RenderOptions = {}): Partial<Activity> {
  const citation = citationLine(message.citations);
  const text = citation ? `${message.text}\n\n${citation}` : message.text;
  const quickReplies = message.quickReplies ?? [];
  const isOneToOne = options.conversationType === undefined || options.conversationType === 'personal';
  const asSuggestedActions = quickReplies.length > 0 && isOneToOne && quickReplies.length <= MAX_SUGGESTED_ACTIONS;

  const attachments = (message.cards ?? []).slice(0, MAX_CARDS).map(productCard);
  if (quickReplies.length > 0 && !asSuggestedActions) attachments.push(quickReplyCard(quickReplies));

  const activity: Partial<Activity> = asSuggestedActions
    ? MessageFactory.suggestedActions(quickReplies.map((reply) => ({ type: ActionTypes.ImBack, title: reply.label, value: reply.value })), text)
    : MessageFactory.text(text);
  activity.textFormat = 'plain';
  if (attachments.length > 0) {
    activity.attachments = attachments;
    if (attachments.length > 1) activity.attachmentLayout = 'carousel';
  }

  if (JSON.stringify(activity).length > MAX_ACTIVITY_CHARACTERS) {
    // Cards are the optional part; the text is the message.
    delete activity.attachments;
    delete activity.attachmentLayout;
    if (activity.text && JSON.stringify(activity).length > MAX_ACTIVITY_CHARACTERS) activity.text = `${activity.text.slice(0, MAX_ACTIVITY_CHARACTERS - 2000)}…`;
  }
  return activity;
}
