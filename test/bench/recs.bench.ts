/**
 * bench:recs — recommendation quality and speed on the UCI Online Retail transactions, against baselines run in the
 * same process (popularity, plain co-occurrence, buy-again), so the ratios hold even when the machine's speed does not.
 *
 *   npm run bench:recs [-- --json] [--validation]
 *
 * Data: ../shared/datasets/online-retail/online-retail.csv.gz from the project root, cleaned as its README's common cut.
 * Protocol: each customer with two or more invoices has the last one held out; everything else trains every method.
 * `--validation` repeats that split inside the training data (each customer's last *training* invoice held out) and
 * never touches the test invoices: the place to try settings without fitting them to the test split.
 * Tuning flags (validation only, by intent): --weights history,copurchase,content,popular --history-half-life days
 * --popularity-half-life days --neighbours n --shrinkage s.
 */
import { resolve } from 'node:path';
import { buildRecommender, type RecommenderOptions } from '../../src/recommend/index.js';
import { buildBuyAgainBaseline, buildCoOccurrenceBaseline, buildPopularityBaseline } from './recs/baselines.js';
import { leaveLastInvoiceOut, percentile, relevantItems, scoreRanking, type HeldOutCustomer, type Protocol } from './recs/evaluation.js';
import { loadRetailData } from './recs/retail-data.js';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const isValidation = args.includes('--validation');
const option = (name: string) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? undefined : args[index + 1];
};
const numberOption = (name: string) => (option(name) === undefined ? undefined : Number(option(name)));
const log = (line: string) => (asJson ? process.stderr.write(`${line}\n`) : console.log(line));

const dataPath = resolve(process.cwd(), '../shared/datasets/online-retail/online-retail.csv.gz');
const data = loadRetailData(dataPath);
if (!data) {
  log(`bench:recs skipped: ${dataPath} is not there. Put the UCI Online Retail file there (see ../shared/datasets/online-retail/README.md) to run it.`);
  if (asJson) console.log(JSON.stringify({ skipped: true, reason: `missing ${dataPath}` }));
  process.exit(0);
}
log(`cleaned (README common cut): ${data.counts.rows.toLocaleString('en')} rows, ${data.counts.invoices.toLocaleString('en')} invoices, ${data.counts.products.toLocaleString('en')} products, ${data.counts.customers.toLocaleString('en')} customers`);

let split = leaveLastInvoiceOut(data.lines);
log(`held out: the last invoice of ${split.customers.length.toLocaleString('en')} customers; training on ${split.train.length.toLocaleString('en')} lines (all non-held-out invoices)`);
if (isValidation) {
  split = leaveLastInvoiceOut(split.train);
  log(`VALIDATION: held out the last training invoice of ${split.customers.length.toLocaleString('en')} customers; training on ${split.train.length.toLocaleString('en')} lines; test invoices unused`);
}

interface Result { hitRate10: number; ndcg10: number; p50Ms: number; p99Ms: number; buildSeconds: number }
type Recommend = (customer: HeldOutCustomer, protocol: Protocol) => string[];

function timeBuild<T>(build: () => T): { value: T; seconds: number } {
  const start = performance.now();
  const value = build();
  return { value, seconds: (performance.now() - start) / 1000 };
}

function evaluate(recommend: Recommend, protocol: Protocol, buildSeconds: number): Result {
  // A short untimed warm-up so the first requests do not time the JIT compiler.
  for (const customer of split.customers.slice(0, 100)) recommend(customer, protocol);
  const latencies: number[] = [];
  let hits = 0;
  let ndcg = 0;
  for (const customer of split.customers) {
    const start = performance.now();
    const recommended = recommend(customer, protocol);
    latencies.push(performance.now() - start);
    const score = scoreRanking(recommended, relevantItems(customer, protocol), 10);
    hits += score.hit;
    ndcg += score.ndcg;
  }
  latencies.sort((a, b) => a - b);
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  return {
    hitRate10: round(hits / split.customers.length, 4),
    ndcg10: round(ndcg / split.customers.length, 4),
    p50Ms: round(percentile(latencies, 50), 4),
    p99Ms: round(percentile(latencies, 99), 4),
    buildSeconds: round(buildSeconds, 3),
  };
}

const weightList = option('weights')?.split(',').map(Number);
const tuning: Partial<RecommenderOptions> = {
  ...(weightList ? { weights: { history: weightList[0]!, copurchase: weightList[1]!, content: weightList[2]!, popular: weightList[3]! } } : {}),
  historyHalfLifeDays: numberOption('history-half-life'),
  popularityHalfLifeDays: numberOption('popularity-half-life'),
  neighbours: numberOption('neighbours'),
  coPurchaseShrinkage: numberOption('shrinkage'),
};
if (Object.values(tuning).some((value) => value !== undefined) && !isValidation) log('note: tuning flags given on the test split; published figures use the defaults');

const train = split.train;
const frontdesk = timeBuild(() => buildRecommender({ products: data.products, purchases: train, ...tuning }));
log(`frontdesk blend weights (${tuning.weights ? 'given' : 'auto-tuned on a split of the training data'}): regular ${JSON.stringify(frontdesk.value.weights.regular)}, discovery ${JSON.stringify(frontdesk.value.weights.discovery)}`);
const frontdeskRecommend: Recommend = (customer, protocol) =>
  frontdesk.value.recommend({ customerId: customer.customerId, useHistory: true, onlyNew: protocol === 'new', limit: 10 }).map((item) => item.productId);
// "Most bought" = most purchase lines (about: in most invoices); this reproduces PERFORMANCE.md's popularity row under "all".
const popularity = timeBuild(() => buildPopularityBaseline(train, 'lines'));
const cooccurrence = timeBuild(() => buildCoOccurrenceBaseline(train, { measure: 'lines' }));
const buyAgain = timeBuild(() => buildBuyAgainBaseline(train, 'lines'));
const baseline = (built: typeof popularity): Recommend => (customer, protocol) => built.value.recommend(customer.customerId, { onlyNew: protocol === 'new', limit: 10 });

const results = {
  all: {
    frontdesk: evaluate(frontdeskRecommend, 'all', frontdesk.seconds),
    popularity: evaluate(baseline(popularity), 'all', popularity.seconds),
    cooccurrence: evaluate(baseline(cooccurrence), 'all', cooccurrence.seconds),
    buyAgain: evaluate(baseline(buyAgain), 'all', buyAgain.seconds),
  },
  new: {
    frontdesk: evaluate(frontdeskRecommend, 'new', frontdesk.seconds),
    popularity: evaluate(baseline(popularity), 'new', popularity.seconds),
    cooccurrence: evaluate(baseline(cooccurrence), 'new', cooccurrence.seconds),
  },
};

if (asJson) {
  console.log(JSON.stringify(results));
} else {
  const customersWithNew = split.customers.filter((customer) => relevantItems(customer, 'new').size > 0).length;
  console.log(`"new": ${customersWithNew.toLocaleString('en')} of ${split.customers.length.toLocaleString('en')} held-out invoices hold an item the customer never bought; the rest count as misses\n`);
  const pad = (text: string, width: number) => text.padEnd(width);
  console.log(`${pad('protocol', 9)}${pad('method', 14)}${pad('hit@10', 9)}${pad('NDCG@10', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}build s`);
  for (const protocol of ['all', 'new'] as const) {
    for (const [method, result] of Object.entries(results[protocol])) {
      console.log(`${pad(protocol, 9)}${pad(method, 14)}${pad(result.hitRate10.toFixed(3), 9)}${pad(result.ndcg10.toFixed(3), 9)}${pad(result.p50Ms.toFixed(3), 9)}${pad(result.p99Ms.toFixed(3), 9)}${result.buildSeconds.toFixed(2)}`);
    }
  }
  console.log('\nfrontdesk ÷ baseline (hit@10 / NDCG@10):');
  for (const protocol of ['all', 'new'] as const) {
    const mine = results[protocol].frontdesk;
    for (const [method, result] of Object.entries(results[protocol])) {
      if (method === 'frontdesk') continue;
      console.log(`  ${pad(protocol, 5)}÷ ${pad(method, 14)}${(mine.hitRate10 / result.hitRate10).toFixed(2)}× / ${(mine.ndcg10 / result.ndcg10).toFixed(2)}×`);
    }
  }
  const checks = [
    [`new: hit@10 ≥ 1.5× popularity (${(1.5 * results.new.popularity.hitRate10).toFixed(3)})`, results.new.frontdesk.hitRate10 >= 1.5 * results.new.popularity.hitRate10],
    ['new: hit@10 above co-occurrence', results.new.frontdesk.hitRate10 > results.new.cooccurrence.hitRate10],
    ['all: hit@10 above buy-again', results.all.frontdesk.hitRate10 > results.all.buyAgain.hitRate10],
    ['p99 ≤ 10 ms (both protocols)', Math.max(results.all.frontdesk.p99Ms, results.new.frontdesk.p99Ms) <= 10],
    ['build ≤ 30 s', frontdesk.seconds <= 30],
  ] as const;
  console.log('\ntargets:');
  for (const [name, isMet] of checks) console.log(`  ${isMet ? 'met    ' : 'MISSED '} ${name}`);
}
