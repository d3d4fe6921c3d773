import type { ProfileResult } from '../flow/flow.js';
import type { ServiceCallContext } from '../runtime/conversation-runtime.js';
import type { Store } from '../store/store.js';
import type { OrdersService, ShopCustomer, ShopOrder } from './orders-service.js';

/** What the customer may see of one of their own orders. */
export interface OrderSummary {
  orderNumber: string;
  status: string;
  placedAt: string;
  itemCount: number;
  /** The products in the order: what a "goes well with" suggestion starts from. */
  productIds: string[];
  total: number;
  carrier?: string;
  trackingNumber?: string;
  shippedAt?: string;
  deliveredAt?: string;
}

/**
 * `found` only for an order of the verified customer. `notFound` covers both "no such order" and "not yours", on
 * purpose: the answer must not tell anyone that an order number exists. `needsEmail`: the customer is not verified
 * yet (web, Teams, or an SMS number not on file); ask for the email on the order and call again with it.
 */
export type OrderLookupResult = { status: 'found'; order: OrderSummary } | { status: 'notFound' } | { status: 'needsEmail' };

export interface OrderLookupInput {
  orderNumber: string;
  email?: string;
}

export interface OrderServicesOptions {
  store: Store;
  orders: OrdersService;
  now?: () => number;
  /** Failed email checks one chat customer may make per hour before every lookup is refused (guessing defence). */
  maxFailedVerificationsPerHour?: number;
}

const toSummary = (order: ShopOrder): OrderSummary => ({
  orderNumber: order.orderNumber,
  status: order.status,
  placedAt: order.placedAt,
  itemCount: order.items.reduce((sum, item) => sum + item.quantity, 0),
  productIds: order.items.map((item) => item.productId),
  total: order.total,
  ...(order.carrier && { carrier: order.carrier }),
  ...(order.trackingNumber && { trackingNumber: order.trackingNumber }),
  ...(order.shippedAt && { shippedAt: order.shippedAt }),
  ...(order.deliveredAt && { deliveredAt: order.deliveredAt }),
});

/**
 * The services flows use to reach the shop: `lookupOrder` and `lookupCustomer`. Ownership is checked here, never in a
 * flow, so no flow (and no flow bug) can show one customer's order to another. A chat customer becomes a shop
 * customer by proof: the SMS number on file, or an order number together with the email on that order. The proof is
 * remembered (store.linkShopCustomer) and from then on only that shop customer's orders are found.
 *
 * @example
 * const { lookupOrder, lookupCustomer } = createOrderServices({ store, orders: createCsvOrdersService({ directory: 'knowledge' }) });
 */
export function createOrderServices(options: OrderServicesOptions) {
  const { store, orders } = options;
  const now = options.now ?? Date.now;
  const maxFailures = options.maxFailedVerificationsPerHour ?? 5;
  const failures = new Map<string, number[]>();

  const recentFailures = (customerId: string) => (failures.get(customerId) ?? []).filter((at) => at > now() - 3_600_000);

  /** The shop customer this chat customer has proved to be, linking an SMS number on file on first sight. */
  async function verifiedShopCustomer(context: Pick<ServiceCallContext, 'customerId' | 'channel'>): Promise<ShopCustomer | undefined> {
    const link = await store.shopLinkOf(context.customerId);
    if (link) return orders.findCustomer(link.shopCustomerId);
    if (context.channel !== 'sms') return undefined;
    // On SMS the carrier vouches for the number: it is the customer's identity (customerKey is the E.164 number).
    for (const identity of await store.customerIdentities(context.customerId)) {
      if (identity.channel !== 'sms') continue;
      const customer = await orders.findCustomerByPhone(identity.customerKey);
      if (customer) {
        await store.linkShopCustomer(context.customerId, { shopCustomerId: customer.id, verifiedBy: 'phone' });
        return customer;
      }
    }
    return undefined;
  }

  async function lookupOrder(input: OrderLookupInput, context: ServiceCallContext): Promise<OrderLookupResult> {
    const verified = await verifiedShopCustomer(context);
    if (verified) {
      const order = await orders.findOrder(input.orderNumber);
      return order && order.customerId === verified.id ? { status: 'found', order: toSummary(order) } : { status: 'notFound' };
    }
    if (!input.email) return { status: 'needsEmail' };
    const recent = recentFailures(context.customerId);
    if (recent.length >= maxFailures) return { status: 'notFound' };
    const [owner, order] = await Promise.all([orders.findCustomerByEmail(input.email), orders.findOrder(input.orderNumber)]);
    if (owner && order && order.customerId === owner.id) {
      await store.linkShopCustomer(context.customerId, { shopCustomerId: owner.id, verifiedBy: 'email' });
      failures.delete(context.customerId);
      return { status: 'found', order: toSummary(order) };
    }
    failures.set(context.customerId, [...recent, now()]);
    return { status: 'notFound' };
  }

  async function lookupCustomer(input: { customerId: string }, context: ServiceCallContext): Promise<ProfileResult> {
    // A flow can only ever ask about the customer it is talking to.
    if (input.customerId !== context.customerId) return { isReturning: false };
    const [customer, conversation, shopCustomer] = await Promise.all([store.getCustomer(context.customerId), store.getConversation(context.conversationId), verifiedShopCustomer(context)]);
    // A customer created before this conversation has talked to us before.
    const hasTalkedBefore = customer !== undefined && conversation !== undefined && customer.createdAt < conversation.createdAt;
    const firstName = shopCustomer?.name.split(/\s+/)[0];
    const profile: ProfileResult = {
      ...((customer?.displayName ?? firstName) && { name: customer?.displayName ?? firstName }),
      ...(shopCustomer && { email: shopCustomer.email, phone: shopCustomer.phone }),
      isReturning: hasTalkedBefore || shopCustomer !== undefined,
    };
    // Purchase history is personal data used for personalization: only with the customer's yes (asked by askConsent).
    if (shopCustomer && (await store.hasConsent(context.customerId, 'personalization')) === true) {
      profile.recentOrders = (await orders.ordersOfCustomer(shopCustomer.id)).slice(0, 3).map((order) => ({ orderNumber: order.orderNumber, status: order.status, placedAt: order.placedAt, total: order.total }));
    }
    return profile;
  }

  return { lookupOrder, lookupCustomer, verifiedShopCustomer };
}
