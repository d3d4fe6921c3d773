import type { Channel, Message } from '../message.js';
import type { OrdersService } from '../orders/orders-service.js';
import type { ServiceCallContext } from '../runtime/conversation-runtime.js';
import type { ErasureSummary, Store, TimerRecord } from '../store/store.js';

/** What "what do you know about me" answers from: counts and the profile fields we hold, nothing more. */
export interface DataSummary {
  name?: string;
  email?: string;
  phone?: string;
  channels: Channel[];
  conversations: number;
  /** Messages in the customer's conversations, both sides. */
  messages: number;
  feedback: number;
  /** Orders on file with the shop: only once the customer proved who they are (see lookupOrder). */
  orders: number;
  consents: Array<{ purpose: string; isGranted: boolean }>;
}

export interface DataExport {
  /** The JSON text to show the customer (size-limited, see `isTruncated`). */
  json: string;
  isTruncated: boolean;
  /** Messages in the export, and in total: an export too big for the chat keeps the newest messages. */
  includedMessages: number;
  totalMessages: number;
}

export interface PrivacyServicesOptions {
  store: Store;
  orders?: OrdersService;
  now?: () => number;
  /**
   * Called after an erasure committed, to drop what lives outside the store: the conversations' live actors and
   * armed timers. The app passes runtime.forget and the timer scheduler.
   */
  onErased?: (summary: ErasureSummary, timers: TimerRecord[]) => void | Promise<void>;
  /** The largest export shown inline, per channel: SMS keeps it to about ten segments. */
  maxExportCharacters?: Partial<Record<Channel, number>>;
}

export const EXPORT_FORMAT = 'frontdesk.customer-data/1';
// Twilio refuses SMS bodies over 1600 characters; chat windows stay readable up to a few screens.
const defaultExportLimits: Record<Channel, number> = { web: 12_000, teams: 12_000, slack: 12_000, sms: 1_600 };

/**
 * The data-subject requests of DESIGN.md invariant 6: a summary, an export, an erasure, and consents. Every service
 * acts on the customer of the conversation that asks (`context.customerId`) and takes no customer id as input, so
 * no flow can ask about someone else.
 *
 * @example
 * const privacy = createPrivacyServices({ store, orders, onErased: (summary) => summary.conversationIds.forEach(runtime.forget) });
 */
export function createPrivacyServices(options: PrivacyServicesOptions) {
  const { store } = options;
  const now = options.now ?? Date.now;

  async function shopAccount(customerId: string) {
    const link = await store.shopLinkOf(customerId);
    if (!link || !options.orders) return undefined;
    const [customer, orders] = await Promise.all([options.orders.findCustomer(link.shopCustomerId), options.orders.ordersOfCustomer(link.shopCustomerId)]);
    return { link, customer, orders };
  }

  async function describeCustomerData(_input: unknown, context: ServiceCallContext): Promise<DataSummary> {
    const [data, shop] = await Promise.all([store.customerData(context.customerId), shopAccount(context.customerId)]);
    const channels = [...new Set((data?.conversations ?? []).map((conversation) => conversation.channel))];
    const name = data?.customer.displayName ?? shop?.customer?.name;
    return {
      ...(name && { name }),
      ...(shop?.customer && { email: shop.customer.email, phone: shop.customer.phone }),
      channels,
      conversations: data?.conversations.length ?? 0,
      messages: (data?.conversations ?? []).reduce((sum, conversation) => sum + conversation.messages.length, 0),
      feedback: data?.feedback.length ?? 0,
      orders: shop?.orders.length ?? 0,
      consents: (data?.consents ?? []).map(({ purpose, isGranted }) => ({ purpose, isGranted })),
    };
  }

  async function exportCustomerData(_input: unknown, context: ServiceCallContext): Promise<DataExport> {
    const [data, shop] = await Promise.all([store.customerData(context.customerId), shopAccount(context.customerId)]);
    const toLine = (message: Message) => ({
      at: message.createdAt,
      channel: message.channel,
      from: message.role,
      ...(message.senderName && { name: message.senderName }),
      // An earlier export inside the transcript would nest every export in the next one.
      text: message.role === 'bot' && message.text.includes(`"format":`) && message.text.includes(EXPORT_FORMAT) ? '[an earlier export of your data]' : message.text,
    });
    const conversations = (data?.conversations ?? []).map((conversation) => ({
      id: conversation.id,
      channel: conversation.channel,
      startedAt: conversation.createdAt,
      messages: conversation.messages.map(toLine),
    }));
    const totalMessages = conversations.reduce((sum, conversation) => sum + conversation.messages.length, 0);
    const document = {
      format: EXPORT_FORMAT,
      exportedAt: new Date(now()).toISOString(),
      profile: data ? { id: data.customer.id, ...(data.customer.displayName && { name: data.customer.displayName }), firstSeen: data.customer.createdAt } : null,
      identities: (data?.identities ?? []).map((identity) => ({ channel: identity.channel, address: identity.customerKey })),
      shopAccount: shop?.customer
        ? { customerId: shop.customer.id, name: shop.customer.name, email: shop.customer.email, phone: shop.customer.phone, ...(shop.customer.city && { city: shop.customer.city }), verifiedBy: shop.link.verifiedBy, linkedAt: shop.link.linkedAt }
        : null,
      orders: (shop?.orders ?? []).map((order) => ({ orderNumber: order.orderNumber, placedAt: order.placedAt, status: order.status, total: order.total, items: order.items, ...(order.carrier && { carrier: order.carrier }), ...(order.trackingNumber && { trackingNumber: order.trackingNumber }) })),
      feedback: (data?.feedback ?? []).map((feedback) => ({ kind: feedback.kind, score: feedback.score, ...(feedback.comment && { comment: feedback.comment }), at: feedback.createdAt, conversationId: feedback.conversationId })),
      consents: data?.consents ?? [],
      channelRecords: (data?.channelState ?? []).map((entry) => ({ channel: entry.channel, key: entry.key })),
      conversations,
    };
    const limit = options.maxExportCharacters?.[context.channel] ?? defaultExportLimits[context.channel];
    const render = () => (context.channel === 'sms' ? JSON.stringify(document) : JSON.stringify(document, null, 1));
    let json = render();
    let includedMessages = totalMessages;
    const totalOrders = document.orders.length;
    // Too big for a chat message: drop the oldest messages, then the oldest orders, and say so in the export itself.
    while (json.length > limit && (includedMessages > 0 || document.orders.length > 0)) {
      const oldest = document.conversations.find((conversation) => conversation.messages.length > 0);
      if (oldest) {
        oldest.messages.shift();
        includedMessages--;
      } else document.orders.pop();
      (document as Record<string, unknown>).truncated = {
        omittedMessages: totalMessages - includedMessages,
        omittedOrders: totalOrders - document.orders.length,
        note: 'The oldest items did not fit in the chat. Ask a person for the complete file.',
      };
      json = render();
    }
    return { json, isTruncated: includedMessages < totalMessages || document.orders.length < totalOrders, includedMessages, totalMessages };
  }

  /** Schedules the erasure for after this turn commits, so the confirmation is said first and nothing re-creates rows. */
  async function eraseCustomerData(_input: unknown, context: ServiceCallContext): Promise<{ isScheduled: true }> {
    context.afterCommit(async () => {
      const timers = (await store.customerData(context.customerId))?.timers ?? [];
      const summary = await store.eraseCustomer(context.customerId);
      await options.onErased?.(summary, timers);
    });
    return { isScheduled: true };
  }

  async function checkConsent(input: { purpose: string }, context: ServiceCallContext): Promise<{ status: 'granted' | 'refused' | 'unknown' }> {
    const consent = await store.hasConsent(context.customerId, input.purpose);
    return { status: consent === undefined ? 'unknown' : consent ? 'granted' : 'refused' };
  }

  async function recordConsent(input: { purpose: string; isGranted: boolean }, context: ServiceCallContext): Promise<{ isGranted: boolean }> {
    await store.recordConsent(context.customerId, input.purpose, input.isGranted);
    return { isGranted: input.isGranted };
  }

  return { describeCustomerData, exportCustomerData, eraseCustomerData, checkConsent, recordConsent };
}
