import type { IntentMatch } from '../flow/types.js';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Calibration } from '../nlu/calibration.js';
import { trainIntentClassifier, type IntentClassifier, type IntentClassifierOptions } from '../nlu/intent-classifier.js';

/** One FAQ entry as the router learns it: its question and the other ways customers ask it. */
export interface FaqEntry {
  /** Stable id: `<source>#<question slug>`, e.g. `faq/orders-and-shipping.md#how-much-does-shipping-cost`. */
  id: string;
  question: string;
  paraphrases: readonly string[];
  source: string;
}

export interface MessageRouterOptions {
  /** Flows and their trigger examples (label = flow id). */
  flows: ReadonlyArray<{ id: string; triggers: readonly string[] }>;
  /** FAQ entries: one label each, routed to the `faqFlowId` flow. */
  faqEntries: readonly FaqEntry[];
  /** The flow that answers FAQ entries and other knowledge questions (default 'faq'). */
  faqFlowId?: string;
  classifier?: IntentClassifierOptions;
  /**
   * Where to keep the classifier's calibration between starts (a small JSON file per set of examples). Calibrating is
   * most of the training time; training is deterministic, so a cached calibration gives the same router.
   */
  cacheDirectory?: string;
}

export interface MessageRouter {
  classify(text: string): IntentMatch;
  readonly classifier: IntentClassifier;
  readonly threshold: number;
}

/** Bump when the classifier's training changes in a way that invalidates stored calibrations. */
const CALIBRATION_CACHE_VERSION = 1;

function readCachedCalibration(file: string): Calibration | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Calibration;
  } catch {
    return undefined;
  }
}

function writeCachedCalibration(file: string, calibration: Calibration): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    // Temp file and rename: two processes starting together never read half a file.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(calibration));
    renameSync(temporary, file);
  } catch {
    // A cache that cannot be written only costs the next start some seconds.
  }
}

const FLOW_PREFIX = 'flow:';
const FAQ_PREFIX = 'faq:';
/** How many recent texts `classify` remembers (first in, first out). */
const RECENT_MATCHES = 256;
/** Texts longer than this are classified every time. */
const RECENT_MATCH_MAX_LENGTH = 500;

/** Lower-case, dashes for everything else: a question's part of an FAQ entry id. */
export const slugify = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/** "Agent!", " agent ", "AGENT." all read as "agent". */
const normalizeCommand = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Trains the message router: the offline intent classifier over every flow's trigger examples and every FAQ entry
 * (its question and paraphrases), so each message gets the best flow, or the FAQ entry it asks, with a calibrated
 * confidence. Below the classifier's threshold the message is out of scope (`flowId: null`); the FAQ flow is still
 * listed among the candidates, so the router can try the knowledge before saying it is not sure.
 *
 * @example
 * const router = await createMessageRouter({ flows: flowSet.flows, faqEntries: knowledge.faqEntries() });
 * router.classify('how much is delivery?');
 * // { flowId: 'faq', confidence: 0.9, faq: { id: 'faq/orders-and-shipping.md#how-much-does-shipping-cost', question: 'How much does shipping cost?' }, ... }
 */
export async function createMessageRouter(options: MessageRouterOptions): Promise<MessageRouter> {
  const faqFlowId = options.faqFlowId ?? 'faq';
  const examples = [
    ...options.flows.flatMap((flow) => flow.triggers.map((text) => ({ text, label: `${FLOW_PREFIX}${flow.id}` }))),
    ...options.faqEntries.flatMap((entry) => [entry.question, ...entry.paraphrases].map((text) => ({ text, label: `${FAQ_PREFIX}${entry.id}` }))),
  ];
  const cacheFile = options.cacheDirectory && join(options.cacheDirectory, `router-calibration-${createHash('sha256').update(JSON.stringify({ version: CALIBRATION_CACHE_VERSION, examples, options: options.classifier ?? {} })).digest('hex').slice(0, 20)}.json`);
  const cached = cacheFile ? readCachedCalibration(cacheFile) : undefined;
  const classifier = await trainIntentClassifier(examples, { ...options.classifier, ...(cached && { calibration: cached }) });
  if (cacheFile && !cached) writeCachedCalibration(cacheFile, classifier.calibration);
  // A message that is exactly one of a flow's trigger phrases is that flow, whatever the classifier makes of it:
  // "agent" must always reach a person (DESIGN.md invariant 6), even next to an FAQ about talking to a person.
  const exactTriggers = new Map<string, string>();
  for (const flow of options.flows) for (const trigger of flow.triggers) if (!exactTriggers.has(normalizeCommand(trigger))) exactTriggers.set(normalizeCommand(trigger), flow.id);
  const faqById = new Map(options.faqEntries.map((entry) => [entry.id, entry]));
  const hasKnowledgeFlow = options.faqEntries.length > 0 || options.flows.some((flow) => flow.id === faqFlowId);
  const flowOf = (label: string) => (label.startsWith(FAQ_PREFIX) ? faqFlowId : label.slice(FLOW_PREFIX.length));

  const classifyUncached = (text: string): IntentMatch => {
    const exact = exactTriggers.get(normalizeCommand(text));
    if (exact) return { flowId: exact, confidence: 1, candidates: [{ flowId: exact, score: 1 }] };
    const prediction = classifier.predict(text);
    const best = new Map<string, number>();
    for (const { label, score } of prediction.ranked) {
      const flowId = flowOf(label);
      if (score > (best.get(flowId) ?? -1)) best.set(flowId, score);
    }
    if (hasKnowledgeFlow && !best.has(faqFlowId)) best.set(faqFlowId, 0);
    const candidates = [...best].map(([flowId, score]) => ({ flowId, score })).sort((a, b) => b.score - a.score);
    if (prediction.label === null) return { flowId: null, confidence: prediction.confidence, candidates };
    const match: IntentMatch = { flowId: flowOf(prediction.label), confidence: prediction.confidence, candidates };
    if (prediction.label.startsWith(FAQ_PREFIX)) {
      const entry = faqById.get(prediction.label.slice(FAQ_PREFIX.length));
      if (entry) match.faq = { id: entry.id, question: entry.question };
    }
    return match;
  };
  // The last few hundred texts and their matches: an FAQ question is classified by the router and again by the
  // knowledge search (about 9 % of an FAQ turn), and customers ask the same few questions. Matches are never mutated.
  const recent = new Map<string, IntentMatch>();
  return {
    classifier,
    threshold: classifier.threshold,
    classify(text: string): IntentMatch {
      // Long texts are rarely asked twice, and a few hundred of them would hold megabytes.
      if (text.length > RECENT_MATCH_MAX_LENGTH) return classifyUncached(text);
      const known = recent.get(text);
      if (known) return known;
      const match = classifyUncached(text);
      if (recent.size >= RECENT_MATCHES) recent.delete(recent.keys().next().value!);
      recent.set(text, match);
      return match;
    },
  };
}
