/**
 * bench:faq — FAQ / intent routing accuracy, out-of-scope refusal and latency: Frontdesk's classifier against NLP.js,
 * same split, same run.
 *
 *   npm run bench:faq [-- --train train.csv --test test.csv] [--data DIR] [--oos-label oos] [--shots N]
 *                     [--holdout-oos K] [--seed S] [--no-nlpjs] [--json]
 *                     [--target-refusal 0.02] [--novelty-refusal 0.01] [--coverage-refusal 0.01] [--choose-refusal]
 *
 * Any CSV with the columns `text,category` works. Each training category becomes one FAQ (its training questions are
 * the FAQ's question and paraphrases); questions labelled `--oos-label` must be refused. `--holdout-oos K` moves K
 * categories (chosen by the seed) out of training and relabels their test questions out-of-scope, so refusal can be
 * measured on a data set without out-of-scope questions. Default data: ../shared/datasets/banking77 from the
 * project root (the working directory); when it is absent the bench prints why and exits 0.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { parseLabelledCsv } from '../../src/nlu/csv.js';
import { trainIntentClassifier, type LabelledExample } from '../../src/nlu/intent-classifier.js';
import { createRandom, hashString, shuffleInPlace } from '../../src/nlu/random.js';
import { percentile } from './helpers/stats.js';

const args = process.argv.slice(2);
const valueOf = (name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? undefined : args[index + 1];
};
const asJson = args.includes('--json');
const oosLabel = valueOf('oos-label') ?? 'oos';
const shots = valueOf('shots') === undefined ? undefined : Number(valueOf('shots'));
const holdoutOos = Number(valueOf('holdout-oos') ?? 0);
const seed = Number(valueOf('seed') ?? 1);
const log = (line: string) => (asJson ? process.stderr.write(`${line}\n`) : console.log(line));

const dataDir = resolve(process.cwd(), valueOf('data') ?? '../shared/datasets/banking77');
const trainPath = resolve(process.cwd(), valueOf('train') ?? join(dataDir, 'train.csv'));
const testPath = resolve(process.cwd(), valueOf('test') ?? join(dataDir, 'test.csv'));
if (!existsSync(trainPath) || !existsSync(testPath)) {
  const line = `bench:faq skipped: no data set at ${existsSync(trainPath) ? testPath : trainPath}. Pass --train and --test (CSV with text,category) or put BANKING77 at ${dataDir}.`;
  if (asJson) process.stderr.write(`${line}\n`);
  else console.log(line);
  process.exit(0);
}

interface Figures {
  top1: number | null;
  oosRecall: number | null;
  oosPrecision: number | null;
  p50Ms: number;
  p99Ms: number;
  ingestSeconds: number;
}

/** The split: training FAQs (minus held-out categories, optionally N shots each) and test questions. */
function prepareSplit(): { training: LabelledExample[]; test: LabelledExample[] } {
  const toExamples = (path: string) => parseLabelledCsv(readFileSync(path, 'utf8'));
  let training = toExamples(trainPath).filter((example) => example.label !== oosLabel);
  let test = toExamples(testPath);
  const categories = [...new Set(training.map((example) => example.label))].sort();
  const heldOut = new Set(shuffleInPlace([...categories], createRandom(seed)).slice(0, holdoutOos));
  training = training.filter((example) => !heldOut.has(example.label));
  test = test.map((example) => (heldOut.has(example.label) ? { ...example, label: oosLabel } : example));
  if (shots !== undefined) {
    const byCategory = new Map<string, LabelledExample[]>();
    for (const example of training) (byCategory.get(example.label) ?? byCategory.set(example.label, []).get(example.label)!).push(example);
    // Per-category seeds: the sample of one category does not change when another category is added or removed.
    training = [...byCategory.keys()].sort().flatMap((category) =>
      shuffleInPlace([...byCategory.get(category)!], createRandom(hashString(category, seed))).slice(0, shots),
    );
  }
  return { training, test };
}

function score(test: readonly LabelledExample[], answers: ReadonlyArray<string | null>, latencies: number[], ingestSeconds: number): Figures {
  let inScope = 0;
  let right = 0;
  let outOfScope = 0;
  let refusedOutOfScope = 0;
  let refusals = 0;
  test.forEach((example, index) => {
    const answer = answers[index];
    if (answer === null) refusals++;
    if (example.label === oosLabel) {
      outOfScope++;
      if (answer === null) refusedOutOfScope++;
    } else {
      inScope++;
      if (answer === example.label) right++;
    }
  });
  return {
    top1: inScope ? right / inScope : null,
    oosRecall: outOfScope ? refusedOutOfScope / outOfScope : null,
    oosPrecision: outOfScope && refusals ? refusedOutOfScope / refusals : outOfScope ? 0 : null,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    ingestSeconds,
  };
}

async function runFrontdesk(training: LabelledExample[], test: LabelledExample[]): Promise<Figures> {
  const started = performance.now();
  const classifier = await trainIntentClassifier(training, {
    seed,
    ...(valueOf('target-refusal') ? { targetRefusalRate: Number(valueOf('target-refusal')) } : {}),
    ...(valueOf('novelty-refusal') ? { noveltyRefusalRate: Number(valueOf('novelty-refusal')) } : {}),
    ...(valueOf('coverage-refusal') ? { coverageRefusalRate: Number(valueOf('coverage-refusal')) } : {}),
    ...(args.includes('--choose-refusal') ? { chooseRefusalRate: true } : {}),
  });
  const ingestSeconds = (performance.now() - started) / 1000;
  log(`frontdesk: trained on ${training.length} questions, ${classifier.labels.length} FAQs in ${ingestSeconds.toFixed(1)} s; threshold ${classifier.threshold.toFixed(3)}, novelty line ${classifier.calibration.minNearest.toFixed(3)}, coverage line ${classifier.calibration.minCoverage.toFixed(3)}, nearest-example weight ${classifier.calibration.knnWeight}, held-out accuracy ${classifier.calibration.heldOutAccuracy.toFixed(3)}${classifier.calibration.isFallback ? ' (fallback)' : ''}, temperature ${classifier.calibration.temperature.toFixed(2)}`);
  for (const example of test.slice(0, 50)) classifier.predict(example.text); // warm-up: JIT, caches
  const latencies: number[] = [];
  let rankedRight = 0;
  const answers = test.map((example) => {
    const begun = performance.now();
    const { label, ranked } = classifier.predict(example.text);
    latencies.push(performance.now() - begun);
    if (ranked[0]?.label === example.label) rankedRight++;
    return label;
  });
  const inScope = test.filter((example) => example.label !== oosLabel).length;
  if (inScope) log(`frontdesk: top-1 before the out-of-scope threshold ${(rankedRight / inScope).toFixed(3)}`);
  return score(test, answers, latencies, ingestSeconds);
}

interface NlpManagerLike {
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<unknown>;
  process(locale: string, utterance: string): Promise<{ intent: string; score: number }>;
}

async function runNlpJs(training: LabelledExample[], test: LabelledExample[]): Promise<Figures> {
  // node-nlp is CommonJS without types; it logs training progress to the console unless silenced.
  const { NlpManager } = createRequire(import.meta.url)('node-nlp') as { NlpManager: new (settings: object) => NlpManagerLike };
  const quiet = <T>(work: () => Promise<T>): Promise<T> => {
    const original = { log: console.log, info: console.info, warn: console.warn, debug: console.debug };
    console.log = console.info = console.warn = console.debug = () => {};
    return work().finally(() => Object.assign(console, original));
  };
  const started = performance.now();
  const manager = new NlpManager({ languages: ['en'], nlu: { log: false }, autoSave: false });
  for (const example of training) manager.addDocument('en', example.text, example.label);
  await quiet(() => manager.train());
  const ingestSeconds = (performance.now() - started) / 1000;
  log(`nlpjs: trained in ${ingestSeconds.toFixed(1)} s`);
  const latencies: number[] = [];
  const answers: Array<string | null> = [];
  await quiet(async () => {
    for (const example of test.slice(0, 50)) await manager.process('en', example.text);
    for (const example of test) {
      const begun = performance.now();
      const result = await manager.process('en', example.text);
      latencies.push(performance.now() - begun);
      answers.push(result.intent === 'None' ? null : result.intent);
    }
  });
  return score(test, answers, latencies, ingestSeconds);
}

const { training, test } = prepareSplit();
const dataset = [
  valueOf('train') ? basename(trainPath) : basename(dataDir),
  shots !== undefined ? `shots=${shots}` : '',
  holdoutOos ? `holdout-oos=${holdoutOos}` : '',
].filter(Boolean).join(' ');
log(`bench:faq ${dataset}: ${training.length} training questions, ${test.length} test questions (${test.filter((example) => example.label === oosLabel).length} out of scope) from ${dirname(trainPath)}`);
const frontdesk = await runFrontdesk(training, test);
const nlpjs = args.includes('--no-nlpjs') ? null : await runNlpJs(training, test);

if (asJson) {
  process.stdout.write(`${JSON.stringify({ dataset, frontdesk, nlpjs })}\n`);
} else {
  const cell = (value: number | null | undefined, digits: number) => (value === null || value === undefined ? '—' : value.toFixed(digits));
  const rows: Array<[string, keyof Figures, number]> = [
    ['top-1 (in scope)', 'top1', 3],
    ['out-of-scope recall', 'oosRecall', 3],
    ['out-of-scope precision', 'oosPrecision', 3],
    ['p50 ms / query', 'p50Ms', 3],
    ['p99 ms / query', 'p99Ms', 3],
    ['ingest s', 'ingestSeconds', 1],
  ];
  console.log('');
  console.log(`| ${dataset} | Frontdesk | NLP.js 4.27 | Frontdesk / NLP.js |`);
  console.log('|---|---|---|---|');
  for (const [name, key, digits] of rows) {
    const ours = frontdesk[key];
    const theirs = nlpjs?.[key];
    const ratio = ours !== null && theirs !== null && theirs !== undefined && theirs !== 0 ? `${(ours / theirs).toFixed(2)}×` : '—';
    console.log(`| ${name} | ${cell(ours, digits)} | ${cell(theirs, digits)} | ${ratio} |`);
  }
}
