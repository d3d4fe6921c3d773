/** A customer of the shop, as the shop system knows them (not the chat customer: see ShopLink in the store). */
export interface ShopCustomer {
  id: string;
  name: string;
  email: string;
  /** E.164, e.g. +15550105513. */
  phone: string;
  city?: string;
  createdAt?: string;
}

export type ShopOrderStatus = 'processing' | 'shipped' | 'delivered' | 'cancelled' | 'returned' | (string & {});

export interface ShopOrder {
  orderNumber: string;
  customerId: string;
  placedAt: string;
  status: ShopOrderStatus;
  items: Array<{ productId: string; quantity: number }>;
  total: number;
  carrier?: string;
  trackingNumber?: string;
  shippedAt?: string;
  deliveredAt?: string;
}

/**
 * The seam between the bot and the shop system. The demo reads `knowledge/orders.csv` and `knowledge/customers.csv`
 * (createCsvOrdersService); a real shop (Shopify, WooCommerce, an ERP) implements these five calls against its API
 * and passes the result to `createFrontdesk({ orders })`. Nothing else in Frontdesk reads orders, and no flow sees this
 * interface: flows call `lookupOrder`, which checks ownership first.
 *
 * @example
 * const orders: OrdersService = {
 *   findOrder: async (orderNumber) => toShopOrder(await shop.get(`/orders/${orderNumber}`)),
 *   ordersOfCustomer: async (customerId) => (await shop.get(`/customers/${customerId}/orders`)).map(toShopOrder),
 *   findCustomer: ..., findCustomerByEmail: ..., findCustomerByPhone: ...,
 * };
 */
export interface OrdersService {
  /** The order with this number (as the customer types it, normalized to "FD-1042"), or undefined. */
  findOrder(orderNumber: string): Promise<ShopOrder | undefined>;
  /** The customer's orders, newest first. */
  ordersOfCustomer(customerId: string): Promise<ShopOrder[]>;
  findCustomer(customerId: string): Promise<ShopCustomer | undefined>;
  /** Case-insensitive. */
  findCustomerByEmail(email: string): Promise<ShopCustomer | undefined>;
  /** Any common spelling of the number; compared as E.164. */
  findCustomerByPhone(phone: string): Promise<ShopCustomer | undefined>;
}

/** "fd 1042", "FD-1042", "#FD1042" → "FD-1042"; anything else → the input trimmed and upper-cased. */
export function normalizeOrderNumber(orderNumber: string): string {
  const match = /FD[-\s]?(\d{3,8})/i.exec(orderNumber);
  return match ? `FD-${match[1]}` : orderNumber.trim().toUpperCase();
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** "+1 (555) 010-5513", "15550105513", "5550105513" → "+15550105513" (North American numbers assumed without a country code). */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  if (phone.trim().startsWith('+')) return `+${digits}`;
  if (digits.length === 10) return `+1${digits}`;
  return `+${digits}`;
}
