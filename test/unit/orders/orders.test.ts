import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createCsvOrdersService, createOrderServices, createSqliteStore, normalizeOrderNumber, normalizePhone, type ServiceCallContext, type Store } from '../../../src/index.js';
import { parseCsv } from '../../../src/orders/index.js';
import { describeOrder } from '../../../flows/order-status.js';

const knowledge = resolve(import.meta.dirname, '../../../knowledge');

describe('the CSV shop', () => {
  const orders = createCsvOrdersService({ directory: knowledge });

  test('finds an order however the customer typed its number', async () => {
    expect((await orders.findOrder('fd 1380'))?.customerId).toBe('C-0047');
    expect((await orders.findOrder('#FD1380'))?.orderNumber).toBe('FD-1380');
    expect(await orders.findOrder('FD-0000001')).toBeUndefined();
  });

  test('finds customers by email (any case) and by phone (any spelling)', async () => {
    expect((await orders.findCustomerByEmail(' Edie.Castellan@EXAMPLE.com '))?.id).toBe('C-0047');
    expect((await orders.findCustomerByPhone('(555) 010-5925'))?.id).toBe('C-0047');
    expect(await orders.findCustomerByPhone('+15550000000')).toBeUndefined();
  });

  test("lists a customer's orders newest first, with items parsed", async () => {
    const list = await orders.ordersOfCustomer('C-0041');
    expect(list.length).toBeGreaterThan(2);
    expect(list.map((order) => order.placedAt)).toEqual([...list.map((order) => order.placedAt)].sort().reverse());
    expect(list.at(-1)).toMatchObject({ orderNumber: 'FD-1001', items: [{ productId: 'P-1141', quantity: 1 }, { productId: 'P-1122', quantity: 1 }], total: 69.99 });
  });

  test('a missing file is a clear error that says how to fix it', async () => {
    const broken = createCsvOrdersService({ directory: '/nonexistent' });
    await expect(broken.findOrder('FD-1001')).rejects.toThrow(/Could not read .*customers\.csv.*OrdersService/);
  });

  test('parses quoted CSV fields with commas, quotes and newlines', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi""\nthere"\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"\nthere']]);
  });

  test('normalizes order numbers and phone numbers', () => {
    expect(normalizeOrderNumber('fd-1042')).toBe('FD-1042');
    expect(normalizePhone('555-010-5925')).toBe('+15550105925');
    expect(normalizePhone('+44 20 7946 0000')).toBe('+442079460000');
  });
});

describe('lookupOrder and lookupCustomer', () => {
  let directory: string;
  let store: Store;
  let services: ReturnType<typeof createOrderServices>;
  const contextFor = async (channel: 'web' | 'sms', customerKey: string): Promise<ServiceCallContext> => {
    const { conversation } = await store.openConversation({ channel, conversationKey: `${channel}:${customerKey}`, customerKey });
    return { conversationId: conversation.id, customerId: conversation.customerId, channel, signal: new AbortController().signal, afterCommit: () => undefined };
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'frontdesk-orders-'));
    writeFileSync(join(directory, 'customers.csv'), 'id,name,email,phone,city,created_at\nC-1,Ana Lima,ana@example.com,+15550000001,X,2024-01-01T00:00:00Z\nC-2,Ben Ode,ben@example.com,+15550000002,Y,2024-01-01T00:00:00Z\n');
    writeFileSync(join(directory, 'orders.csv'), 'order_number,customer_id,placed_at,status,items,total,carrier,tracking_number,shipped_at,delivered_at\nFD-2001,C-1,2025-01-01T00:00:00Z,processing,P-1:2,20.00,UPS,,,\nFD-2002,C-2,2025-01-02T00:00:00Z,shipped,P-2:1,10.00,USPS,9400,2025-01-03T00:00:00Z,\n');
    store = createSqliteStore({ file: ':memory:' });
    services = createOrderServices({ store, orders: createCsvOrdersService({ directory }), maxFailedVerificationsPerHour: 3 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  test('an unverified web customer is asked for an email before anything is looked up', async () => {
    const context = await contextFor('web', 'browser-1');
    expect(await services.lookupOrder({ orderNumber: 'FD-2001' }, context)).toEqual({ status: 'needsEmail' });
    expect(await services.lookupOrder({ orderNumber: 'FD-9999' }, context)).toEqual({ status: 'needsEmail' });
  });

  test('the email must be the one on that very order; the answer never says which part was wrong', async () => {
    const context = await contextFor('web', 'browser-1');
    const wrongOwner = await services.lookupOrder({ orderNumber: 'FD-2002', email: 'ana@example.com' }, context);
    const noSuchOrder = await services.lookupOrder({ orderNumber: 'FD-9999', email: 'ana@example.com' }, context);
    const unknownEmail = await services.lookupOrder({ orderNumber: 'FD-2001', email: 'who@example.com' }, context);
    expect([wrongOwner, noSuchOrder, unknownEmail]).toEqual([{ status: 'notFound' }, { status: 'notFound' }, { status: 'notFound' }]);
    expect(await store.shopLinkOf(context.customerId)).toBeUndefined();
  });

  test('a verified customer is linked and then only ever sees their own orders', async () => {
    const context = await contextFor('web', 'browser-1');
    expect(await services.lookupOrder({ orderNumber: 'FD-2001', email: 'ANA@example.com' }, context)).toMatchObject({ status: 'found', order: { orderNumber: 'FD-2001', itemCount: 2 } });
    expect(await store.shopLinkOf(context.customerId)).toMatchObject({ shopCustomerId: 'C-1', verifiedBy: 'email' });
    // Knowing Ben's email and order number does not switch a verified chat to Ben.
    expect(await services.lookupOrder({ orderNumber: 'FD-2002', email: 'ben@example.com' }, context)).toEqual({ status: 'notFound' });
  });

  test('an SMS number on file is the identity', async () => {
    const context = await contextFor('sms', '+15550000002');
    expect(await services.lookupOrder({ orderNumber: 'FD-2002' }, context)).toMatchObject({ status: 'found', order: { trackingNumber: '9400' } });
    expect(await services.lookupOrder({ orderNumber: 'FD-2001' }, context)).toEqual({ status: 'notFound' });
    expect(await store.shopLinkOf(context.customerId)).toMatchObject({ shopCustomerId: 'C-2', verifiedBy: 'phone' });
  });

  test('repeated failed email checks lock the chat customer out for an hour, even with the right details', async () => {
    const context = await contextFor('web', 'guesser');
    for (const guess of ['a@x.example', 'b@x.example', 'c@x.example']) await services.lookupOrder({ orderNumber: 'FD-2001', email: guess }, context);
    expect(await services.lookupOrder({ orderNumber: 'FD-2001', email: 'ana@example.com' }, context)).toEqual({ status: 'notFound' });
  });

  test('lookupCustomer tells a flow only about the customer it is talking to', async () => {
    const ana = await contextFor('sms', '+15550000001');
    const ben = await contextFor('sms', '+15550000002');
    expect(await services.lookupCustomer({ customerId: ana.customerId }, ana)).toEqual({ name: 'Ana', email: 'ana@example.com', phone: '+15550000001', isReturning: true });
    expect(await services.lookupCustomer({ customerId: ben.customerId }, ana)).toEqual({ isReturning: false });
  });

  test('purchase history is in the profile only after the customer consented to personalization', async () => {
    const ana = await contextFor('sms', '+15550000001');
    expect((await services.lookupCustomer({ customerId: ana.customerId }, ana)).recentOrders).toBeUndefined();
    await store.recordConsent(ana.customerId, 'personalization', true);
    expect((await services.lookupCustomer({ customerId: ana.customerId }, ana)).recentOrders).toEqual([{ orderNumber: 'FD-2001', status: 'processing', placedAt: '2025-01-01T00:00:00Z', total: 20 }]);
  });

  test('a first-time web visitor is not returning; the same customer in a later conversation is', async () => {
    const first = await contextFor('web', 'browser-9');
    expect(await services.lookupCustomer({ customerId: first.customerId }, first)).toEqual({ isReturning: false });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const { conversation } = await store.openConversation({ channel: 'web', conversationKey: 'second', customerKey: 'browser-9' });
    expect(await services.lookupCustomer({ customerId: first.customerId }, { ...first, conversationId: conversation.id })).toMatchObject({ isReturning: true });
  });
});

describe('describeOrder', () => {
  const base = { orderNumber: 'FD-1', placedAt: '2025-03-01T10:00:00Z', itemCount: 1, productIds: ['P-1001'], total: 10 };
  test.each([
    [{ ...base, status: 'processing', carrier: 'UPS' }, 'Order FD-1 (placed Mar 1, 2025, 1 item, $10.00) is being prepared. It will ship with UPS and you\'ll get tracking details then.'],
    [{ ...base, status: 'processing', carrier: 'In-store pickup' }, "Order FD-1 (placed Mar 1, 2025, 1 item, $10.00) is being prepared. We'll text you when it's ready to collect."],
    [{ ...base, status: 'cancelled' }, 'Order FD-1 (placed Mar 1, 2025, 1 item, $10.00) was cancelled, and nothing was charged or shipped for it.'],
    [{ ...base, status: 'returned', carrier: 'UPS' }, 'Order FD-1 (placed Mar 1, 2025, 1 item, $10.00) was returned to us. Refunds reach your account 5-10 business days after we receive the return.'],
    [{ ...base, status: 'on hold' }, 'Order FD-1 (placed Mar 1, 2025, 1 item, $10.00) has the status "on hold".'],
  ])('%o', (order, expected) => expect(describeOrder(order)).toBe(expected));
});
