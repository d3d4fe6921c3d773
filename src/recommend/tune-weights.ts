import { createRecommenderModel } from './recommender-model.js';
import type { PurchaseLine, RecommenderOptions, SignalWeights } from './types.js';

/** Fewer repeat customers than this and a validation score is mostly noise: keep the defaults. */
const minimumCustomers = 50;

/**
 * Chooses blend weights on a validation split carved from the training purchases: each customer with two or more
 * invoices has the latest one held out (at most `maxCustomers` of them, evenly spaced by id so the choice is
 * deterministic), a model is built from the rest, and a small grid is scored by hit-rate@10 + NDCG@10.
 *
 * Discovery weights (popularity, content; co-purchase fixed at 1 as the unit) are chosen on "new" items only; the
 * regular weights then add how much the customer's own history counts, scored on all items. The grid is coarse on
 * purpose (factors of ~3): it picks the regime a shop is in, not decimals that would fit noise.
 *
 * @example
 * const tuned = tuneWeights({ products, purchases }); // undefined when there is too little data
 */
export function tuneWeights(options: RecommenderOptions, maxCustomers = 1000): { regular: SignalWeights; discovery: SignalWeights } | undefined {
  const invoices = new Map<string, { customerId: string; atMs: number }>();
  for (const line of options.purchases) {
    const invoice = invoices.get(line.invoiceId);
    if (!invoice) invoices.set(line.invoiceId, { customerId: line.customerId, atMs: line.at.getTime() });
    else invoice.atMs = Math.min(invoice.atMs, line.at.getTime());
  }
  const lastInvoice = new Map<string, { invoiceId: string; atMs: number; count: number }>();
  for (const [invoiceId, { customerId, atMs }] of invoices) {
    const last = lastInvoice.get(customerId);
    if (!last) { lastInvoice.set(customerId, { invoiceId, atMs, count: 1 }); continue; }
    last.count++;
    if (atMs > last.atMs || (atMs === last.atMs && invoiceId > last.invoiceId)) { last.invoiceId = invoiceId; last.atMs = atMs; }
  }
  const repeatCustomers = [...lastInvoice].filter(([, last]) => last.count >= 2).map(([customerId]) => customerId).sort();
  if (repeatCustomers.length < minimumCustomers) return undefined;
  const step = Math.max(1, repeatCustomers.length / maxCustomers);
  const sample = new Set<string>();
  for (let position = 0; position < repeatCustomers.length; position += step) sample.add(repeatCustomers[Math.floor(position)]!);

  const heldOutInvoices = new Set([...sample].map((customerId) => lastInvoice.get(customerId)!.invoiceId));
  const train: PurchaseLine[] = [];
  const heldOut = new Map<string, Set<string>>();
  const past = new Map<string, Set<string>>();
  for (const line of options.purchases) {
    const isHeldOut = heldOutInvoices.has(line.invoiceId);
    if (!isHeldOut) train.push(line);
    if (!sample.has(line.customerId)) continue;
    const target = isHeldOut ? heldOut : past;
    let set = target.get(line.customerId);
    if (!set) target.set(line.customerId, (set = new Set()));
    set.add(line.productId);
  }
  // The validation model's clock is its own latest purchase, as the real one's is (unless `now` pins it).
  const model = createRecommenderModel({ ...options, purchases: train, now: undefined });
  const customers = [...sample].map((customerId) => {
    const pastItems = past.get(customerId) ?? new Set<string>();
    const all = heldOut.get(customerId)!;
    return { customerId, all, fresh: new Set([...all].filter((id) => !pastItems.has(id))) };
  });

  const score = (weights: SignalWeights, onlyNew: boolean) => {
    let total = 0;
    for (const customer of customers) {
      const relevant = onlyNew ? customer.fresh : customer.all;
      if (relevant.size === 0) continue;
      const recommended = model.recommend({ customerId: customer.customerId, useHistory: true, onlyNew, limit: 10 }, { regular: weights, discovery: weights });
      let dcg = 0, ideal = 0, hit = 0;
      recommended.forEach(({ productId }, rank) => { if (relevant.has(productId)) { dcg += 1 / Math.log2(rank + 2); hit = 1; } });
      for (let rank = 0; rank < Math.min(10, relevant.size); rank++) ideal += 1 / Math.log2(rank + 2);
      total += hit + dcg / ideal;
    }
    return total;
  };
  // Strictly better only: on a tie the earlier (smaller, closer to the defaults' spirit) setting stays.
  const best = (grid: SignalWeights[], onlyNew: boolean) => {
    let chosen = grid[0]!, chosenScore = -Infinity;
    for (const weights of grid) {
      const value = score(weights, onlyNew);
      if (value > chosenScore) { chosen = weights; chosenScore = value; }
    }
    return chosen;
  };
  const discovery = best(
    [0.1, 0.3, 1, 3].flatMap((popular) => [0, 0.25, 1].map((content) => ({ history: 0, copurchase: 1, content, popular }))),
    true,
  );
  const regular = best(
    [0.5, 1, 2, 4, 8].flatMap((history) => [discovery.popular / 3, discovery.popular, discovery.popular * 3].map((popular) => ({ ...discovery, history, popular }))),
    false,
  );
  return { regular, discovery: { ...discovery, history: regular.history } };
}
