import type { PurchaseLine } from '../../../src/recommend/index.js';

export interface HeldOutCustomer {
  customerId: string;
  /** Distinct products of the held-out (last) invoice. */
  heldOut: Set<string>;
  /** Distinct products the customer bought in training. */
  past: Set<string>;
}

export interface Split {
  train: PurchaseLine[];
  customers: HeldOutCustomer[];
}

/**
 * Leave-last-invoice-out: for every customer with two or more invoices, the latest invoice (by date, then invoice
 * number) is held out; every other line, of every customer, is training data, including lines dated after some other
 * customer's held-out invoice ("all non-held-out invoices").
 */
export function leaveLastInvoiceOut(lines: PurchaseLine[]): Split {
  const invoices = new Map<string, { customerId: string; atMs: number; invoiceId: string }>();
  for (const line of lines) {
    const invoice = invoices.get(line.invoiceId);
    if (!invoice) invoices.set(line.invoiceId, { customerId: line.customerId, atMs: line.at.getTime(), invoiceId: line.invoiceId });
    else invoice.atMs = Math.min(invoice.atMs, line.at.getTime());
  }
  const byCustomer = new Map<string, Array<{ atMs: number; invoiceId: string }>>();
  for (const invoice of invoices.values()) {
    let list = byCustomer.get(invoice.customerId);
    if (!list) byCustomer.set(invoice.customerId, (list = []));
    list.push(invoice);
  }
  const heldOutInvoices = new Set<string>();
  const heldOutCustomerIds: string[] = [];
  for (const [customerId, list] of [...byCustomer].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.atMs - b.atMs || (a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0));
    heldOutInvoices.add(list[list.length - 1]!.invoiceId);
    heldOutCustomerIds.push(customerId);
  }
  const train: PurchaseLine[] = [];
  const heldOut = new Map<string, Set<string>>();
  const past = new Map<string, Set<string>>();
  for (const line of lines) {
    const target = heldOutInvoices.has(line.invoiceId) ? heldOut : past;
    if (target === past) train.push(line);
    let set = target.get(line.customerId);
    if (!set) target.set(line.customerId, (set = new Set()));
    set.add(line.productId);
  }
  return { train, customers: heldOutCustomerIds.map((customerId) => ({ customerId, heldOut: heldOut.get(customerId)!, past: past.get(customerId)! })) };
}

export type Protocol = 'all' | 'new';

/** Items that count as hits: the held-out invoice, minus (under "new") what the customer bought before. */
export function relevantItems(customer: HeldOutCustomer, protocol: Protocol): Set<string> {
  if (protocol === 'all') return customer.heldOut;
  return new Set([...customer.heldOut].filter((id) => !customer.past.has(id)));
}

/** Hit (any relevant item in the top k) and NDCG@k with binary relevance; ideal DCG over min(k, |relevant|). */
export function scoreRanking(recommended: string[], relevant: Set<string>, k = 10): { hit: number; ndcg: number } {
  if (relevant.size === 0) return { hit: 0, ndcg: 0 };
  let dcg = 0;
  let hit = 0;
  recommended.slice(0, k).forEach((id, rank) => {
    if (relevant.has(id)) { dcg += 1 / Math.log2(rank + 2); hit = 1; }
  });
  let ideal = 0;
  for (let rank = 0; rank < Math.min(k, relevant.size); rank++) ideal += 1 / Math.log2(rank + 2);
  return { hit, ndcg: dcg / ideal };
}

export const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
