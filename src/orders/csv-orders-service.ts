import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrontdeskError } from '../errors.js';
import { parseCsv } from '../csv.js';

export { parseCsv };
import { normalizeEmail, normalizeOrderNumber, normalizePhone, type OrdersService, type ShopCustomer, type ShopOrder } from './orders-service.js';

export interface CsvOrdersServiceOptions {
  /** The folder holding orders.csv and customers.csv (the demo's knowledge/). */
  directory: string;
  ordersFile?: string;
  customersFile?: string;
}

function readTable(file: string, required: string[]): Array<Record<string, string>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new FrontdeskError('config_invalid', `Could not read ${file}: the demo order lookup needs it. Restore it from the repository, or pass your own OrdersService to createFrontdesk({ orders }).`, { cause });
  }
  const [header, ...rows] = parseCsv(text);
  const missing = required.filter((column) => !header?.includes(column));
  if (!header || missing.length > 0) throw new FrontdeskError('config_invalid', `${file} has no column ${missing.join(', ')}. Its first line must name the columns ${required.join(',')}.`);
  return rows.map((cells) => Object.fromEntries(header.map((column, index) => [column, cells[index] ?? ''])));
}

const optional = (value: string | undefined) => (value ? value : undefined);

/**
 * The demo shop system: orders.csv and customers.csv, read once on first use and indexed in memory. A real shop
 * replaces it with an OrdersService over its own API (see OrdersService).
 *
 * @example
 * const orders = createCsvOrdersService({ directory: 'knowledge' });
 * await orders.findOrder('FD-1042');
 */
export function createCsvOrdersService(options: CsvOrdersServiceOptions): OrdersService {
  let tables: { orders: Map<string, ShopOrder>; byCustomer: Map<string, ShopOrder[]>; customers: Map<string, ShopCustomer>; byEmail: Map<string, ShopCustomer>; byPhone: Map<string, ShopCustomer> } | undefined;
  const load = () => {
    if (tables) return tables;
    const customers = new Map<string, ShopCustomer>();
    const byEmail = new Map<string, ShopCustomer>();
    const byPhone = new Map<string, ShopCustomer>();
    for (const row of readTable(join(options.directory, options.customersFile ?? 'customers.csv'), ['id', 'name', 'email', 'phone'])) {
      const customer: ShopCustomer = { id: row.id!, name: row.name!, email: row.email!, phone: normalizePhone(row.phone!), city: optional(row.city), createdAt: optional(row.created_at) };
      customers.set(customer.id, customer);
      if (customer.email) byEmail.set(normalizeEmail(customer.email), customer);
      if (row.phone) byPhone.set(customer.phone, customer);
    }
    const orders = new Map<string, ShopOrder>();
    const byCustomer = new Map<string, ShopOrder[]>();
    for (const row of readTable(join(options.directory, options.ordersFile ?? 'orders.csv'), ['order_number', 'customer_id', 'placed_at', 'status'])) {
      const order: ShopOrder = {
        orderNumber: normalizeOrderNumber(row.order_number!),
        customerId: row.customer_id!,
        placedAt: row.placed_at!,
        status: row.status!,
        items: (row.items ?? '').split('|').filter(Boolean).map((item) => {
          const [productId, quantity] = item.split(':');
          return { productId: productId!, quantity: Number(quantity ?? 1) || 1 };
        }),
        total: Number(row.total ?? 0),
        carrier: optional(row.carrier),
        trackingNumber: optional(row.tracking_number),
        shippedAt: optional(row.shipped_at),
        deliveredAt: optional(row.delivered_at),
      };
      orders.set(order.orderNumber, order);
      byCustomer.set(order.customerId, [...(byCustomer.get(order.customerId) ?? []), order]);
    }
    for (const list of byCustomer.values()) list.sort((a, b) => b.placedAt.localeCompare(a.placedAt));
    return (tables = { orders, byCustomer, customers, byEmail, byPhone });
  };
  return {
    findOrder: async (orderNumber) => load().orders.get(normalizeOrderNumber(orderNumber)),
    ordersOfCustomer: async (customerId) => [...(load().byCustomer.get(customerId) ?? [])],
    findCustomer: async (customerId) => load().customers.get(customerId),
    findCustomerByEmail: async (email) => load().byEmail.get(normalizeEmail(email)),
    findCustomerByPhone: async (phone) => load().byPhone.get(normalizePhone(phone)),
  };
}
