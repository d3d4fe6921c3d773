import { z } from 'zod';

/** The channels Frontdesk speaks. Adding one means an adapter in `adapters/<channel>/` and a value here. */
export const Channel = z.enum(['web', 'sms', 'slack', 'teams']);
export type Channel = z.infer<typeof Channel>;

export const Role = z.enum(['customer', 'bot', 'agent', 'system']);
export type Role = z.infer<typeof Role>;

/** A button the customer can press instead of typing; `value` is what the bot receives as text. */
export const QuickReply = z.object({
  label: z.string().min(1).max(80),
  value: z.string().min(1).max(200),
});
export type QuickReply = z.infer<typeof QuickReply>;

export const ProductCard = z.object({
  productId: z.string(),
  name: z.string(),
  price: z.number().nonnegative().optional(),
  currency: z.string().length(3).optional(),
  reason: z.string().optional(),
  url: z.string().url().optional(),
  imageUrl: z.string().url().optional(),
});
export type ProductCard = z.infer<typeof ProductCard>;

export const Attachment = z.object({
  url: z.string().url(),
  contentType: z.string().optional(),
  name: z.string().optional(),
});
export type Attachment = z.infer<typeof Attachment>;

/** Where a reply's content came from, so every answer is traceable (DESIGN.md invariant 5). */
export const Citation = z.object({
  source: z.string(),
  heading: z.string().optional(),
  score: z.number().optional(),
});
export type Citation = z.infer<typeof Citation>;

/**
 * The one message type that crosses every channel, inbound and outbound.
 *
 * @example
 * const reply = Message.parse({ id: 'm_1', conversationId: 'c_1', channel: 'web', role: 'bot',
 *   text: 'We open at 9.', createdAt: new Date().toISOString() });
 */
export const Message = z.object({
  id: z.string(),
  conversationId: z.string(),
  channel: Channel,
  role: Role,
  /** Always present: the text-only rendering every channel can show. */
  text: z.string(),
  quickReplies: z.array(QuickReply).optional(),
  cards: z.array(ProductCard).optional(),
  attachments: z.array(Attachment).optional(),
  citations: z.array(Citation).optional(),
  /** The platform's id of this message: the dedupe key together with `channel`. */
  externalId: z.string().optional(),
  /** Who wrote it, when a person did (a staff member's first name: "You're chatting with Sam"). */
  senderName: z.string().max(100).optional(),
  /** Customer messages: VADER compound sentiment, -1 (very negative) to +1 (very positive). */
  sentiment: z.number().min(-1).max(1).optional(),
  /** Which flow produced a bot reply and how sure it was (invariant 5). */
  trace: z.object({ flow: z.string().optional(), confidence: z.number().optional() }).optional(),
  createdAt: z.iso.datetime(),
  /** Adapter-private data; the core never reads it. */
  channelData: z.record(z.string(), z.unknown()).optional(),
});
export type Message = z.infer<typeof Message>;

/**
 * What an adapter hands the gateway: a customer's (or staff member's) message, normalized, before it has an id or a
 * conversation. `conversationKey` is the platform's address of the conversation (a phone number, a Teams conversation
 * id, a web conversation id); `customerKey` identifies the person on that channel.
 */
export const InboundMessage = z.object({
  channel: Channel,
  externalId: z.string().min(1).max(200),
  conversationKey: z.string().min(1).max(300),
  customerKey: z.string().min(1).max(300),
  customerName: z.string().max(200).optional(),
  role: Role.default('customer'),
  text: z.string().max(4000),
  attachments: z.array(Attachment).optional(),
  receivedAt: z.iso.datetime().optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
});
export type InboundMessage = z.input<typeof InboundMessage>;

/** What happened in a handoff, for the staff console (Slack) to show. */
export interface StaffNotification {
  event: 'opened' | 'customerMessage' | 'claimed' | 'reminder' | 'resolved' | 'feedback';
  reason?: HandoffReason;
  sentiment?: number;
  staffName?: string;
  /** The customer's message being relayed, or a note. */
  text?: string;
  score?: number;
}

export type HandoffReason = 'asked' | 'negativeSentiment' | 'repeatedMisses' | 'flowDecision';

/** What a flow asks the runtime to say; the runtime turns it into a full outbound `Message`. */
export interface ReplyContent {
  text: string;
  quickReplies?: QuickReply[];
  cards?: ProductCard[];
  citations?: Citation[];
  confidence?: number;
  /** 'agent' relays a staff member's words to the customer; default 'bot'. */
  role?: 'bot' | 'agent' | 'system';
  senderName?: string;
  /** 'staff' sends it to the staff console (the handoff thread) instead of the customer. */
  audience?: 'customer' | 'staff';
  staff?: StaffNotification;
}
