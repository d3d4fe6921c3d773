/**
 * Tries recommender settings on the VALIDATION split only (each customer's last training invoice held out; the test
 * invoices are removed first and never seen). Loads the data once. Usage: npx tsx test/bench/recs/tune.ts
 */
import { resolve } from 'node:path';
import { buildRecommender, type RecommenderOptions } from '../../../src/recommend/index.js';
import { leaveLastInvoiceOut, relevantItems, scoreRanking, type Protocol } from './evaluation.js';
import { loadRetailData } from './retail-data.js';

const data = loadRetailData(resolve(process.cwd(), '../shared/datasets/online-retail/online-retail.csv.gz'))!;
const validation = leaveLastInvoiceOut(leaveLastInvoiceOut(data.lines).train);
const configs: Array<[string, Partial<RecommenderOptions> & Record<string, unknown>]> = JSON.parse(process.argv[2] ?? '[["defaults", {}]]');
for (const [name, config] of configs) {
  const recommender = buildRecommender({ products: data.products, purchases: validation.train, ...config });
  const row: string[] = [name.padEnd(40)];
  for (const protocol of ['all', 'new'] as Protocol[]) {
    let hits = 0, ndcg = 0;
    for (const customer of validation.customers) {
      const recommended = recommender.recommend({ customerId: customer.customerId, useHistory: true, onlyNew: protocol === 'new', limit: 10 }).map((item) => item.productId);
      const score = scoreRanking(recommended, relevantItems(customer, protocol));
      hits += score.hit; ndcg += score.ndcg;
    }
    row.push(`${protocol} ${(hits / validation.customers.length).toFixed(3)}/${(ndcg / validation.customers.length).toFixed(3)}`);
  }
  console.log(row.join('  '));
}
