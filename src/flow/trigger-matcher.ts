import type { IntentMatch } from './types.js';

/** Words that say little about what a customer wants. */
const STOP_WORDS = new Set(
  'a an the i me my we our you your is are was be to of in on at for and or do does can could would will it this that what how when where please hi hello hey there some any with about'.split(' '),
);

const tokenize = (text: string): string[] =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((token) => token.length > 1 && !STOP_WORDS.has(token))
    .map((token) => (token.length > 4 && token.endsWith('s') ? token.slice(0, -1) : token));

export interface TriggerMatcher {
  match(text: string): IntentMatch;
}

/**
 * A simple lexical scorer over each flow's trigger examples: the best example's token overlap (Dice coefficient)
 * with the message. It is the walking skeleton's router; the knowledge issue replaces it with a trained classifier.
 */
export function createTriggerMatcher(flows: ReadonlyArray<{ id: string; triggers: readonly string[] }>, options: { threshold?: number } = {}): TriggerMatcher {
  const threshold = options.threshold ?? 0.5;
  const examples = flows.flatMap((flow) => flow.triggers.map((trigger) => ({ flowId: flow.id, tokens: new Set(tokenize(trigger)), text: trigger.toLowerCase().trim() })));
  return {
    match(text: string): IntentMatch {
      const tokens = tokenize(text);
      const normalized = text.toLowerCase().trim().replace(/[.!?]+$/, '');
      const best = new Map<string, number>();
      for (const example of examples) {
        let score: number;
        if (example.text === normalized) score = 1;
        else if (tokens.length === 0 || example.tokens.size === 0) score = 0;
        else {
          let shared = 0;
          for (const token of new Set(tokens)) if (example.tokens.has(token)) shared++;
          score = (2 * shared) / (new Set(tokens).size + example.tokens.size);
        }
        if (score > (best.get(example.flowId) ?? 0)) best.set(example.flowId, score);
      }
      const candidates = [...best].map(([flowId, score]) => ({ flowId, score })).sort((a, b) => b.score - a.score).slice(0, 5);
      const top = candidates[0];
      return { flowId: top && top.score >= threshold ? top.flowId : null, confidence: top?.score ?? 0, candidates };
    },
  };
}
