import type { KnowledgeAnswer } from '../flow/flow.js';
import type { IntentMatch } from '../flow/types.js';
import type { WordVectors } from './embeddings/word-vectors.js';
import { termCoverage } from './confidence.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { Passage } from './types.js';

/** The answer plus what it was built from: the passages (for the LLM path and for tracing). */
export interface AnswerWithPassages extends KnowledgeAnswer {
  passages: Passage[];
  /** How the answer was produced. */
  method: 'faq' | 'passage' | 'llm' | 'none';
  /** Why the LLM answer was not used, when it was not. */
  fallbackReason?: string;
}

export interface ExtractiveOptions {
  knowledge: KnowledgeBase;
  /** The message router: its FAQ match (and calibrated confidence) is the strongest evidence for an FAQ answer. */
  classify?: (text: string) => IntentMatch;
  wordVectors?: WordVectors;
  /** Confidence below which the answer is "I don't know" (default {@link DEFAULT_ANSWER_THRESHOLD}). */
  threshold?: number;
}

/**
 * Chosen on test/fixtures/knowledge/demo-questions.csv (48 answerable, 14 out-of-scope questions): the value that
 * answered the most answerable questions with no out-of-scope answer (docs/knowledge.md, "Measured").
 */
export const DEFAULT_ANSWER_THRESHOLD = 0.6;
/** Weight of term coverage against the router's (or the vector's) evidence in the confidence. */
const COVERAGE_WEIGHT = 0.6;

/** Cosine similarity → 0..1 evidence: these embeddings put unrelated text near 0.4 and paraphrases above 0.8. */
const vectorEvidence = (similarity: number | undefined) => (similarity === undefined ? 0 : Math.min(1, Math.max(0, (similarity - 0.4) / 0.4)));

/**
 * Scores candidate passages for a question and picks the answer: the router's FAQ entry or the best passage,
 * whichever the evidence favours. confidence = 0.6 × term coverage + 0.4 × max(router confidence for that FAQ
 * entry, vector evidence). Coverage keeps out questions that share only a common word with the knowledge
 * ("retroactive bereavement refund?"); the router and vector evidence keep paraphrases in.
 */
export async function answerExtractively(question: string, options: ExtractiveOptions): Promise<AnswerWithPassages> {
  const { knowledge } = options;
  const threshold = options.threshold ?? DEFAULT_ANSWER_THRESHOLD;
  const passages = (await knowledge.search(question, { limit: 5 })).filter((passage) => !passage.isSuspicious);
  const match = options.classify?.(question);
  const candidates: Array<{ passage: Passage; routerConfidence: number }> = passages.slice(0, 3).map((passage) => ({ passage, routerConfidence: 0 }));
  if (match?.faq) {
    const faqChunk = knowledge.faqChunk(match.faq.id);
    const existing = candidates.find((candidate) => candidate.passage.chunkId === faqChunk?.id);
    if (existing) existing.routerConfidence = match.confidence;
    else if (faqChunk && !faqChunk.isSuspicious) {
      const passage: Passage = { chunkId: faqChunk.id, source: faqChunk.source, kind: faqChunk.kind, heading: faqChunk.heading, text: faqChunk.text, searchText: faqChunk.searchText, faq: faqChunk.faq, url: faqChunk.url, score: 0, isSuspicious: false };
      candidates.push({ passage, routerConfidence: match.confidence });
    }
  }
  const documentCount = Math.max(1, knowledge.size);
  const documentFrequency = (term: string) => knowledge.store.documentFrequency(term);
  let best: { passage: Passage; confidence: number } | undefined;
  for (const { passage, routerConfidence } of candidates) {
    const coverage = termCoverage(question, passage.searchText, { wordVectors: options.wordVectors, documentFrequency, documentCount });
    const confidence = COVERAGE_WEIGHT * coverage + (1 - COVERAGE_WEIGHT) * Math.max(routerConfidence, vectorEvidence(passage.vectorSimilarity));
    if (!best || confidence > best.confidence + 1e-9) best = { passage, confidence };
  }
  if (!best || best.confidence < threshold) {
    return { isConfident: false, confidence: best?.confidence ?? 0, citations: [], passages, method: 'none' };
  }
  const { passage, confidence } = best;
  return {
    isConfident: true,
    answer: formatPassage(passage),
    confidence,
    citations: [{ source: passage.source, heading: passage.heading, score: Number(confidence.toFixed(3)) }],
    passages,
    method: passage.kind === 'faq' ? 'faq' : 'passage',
  };
}

/** Light templating: an FAQ answer or product as it is; a page section introduced by where it comes from. */
export function formatPassage(passage: Passage): string {
  if (passage.kind !== 'page' || !passage.heading) return passage.text;
  const section = passage.heading.split(' > ').at(-1)!;
  return `From "${section}": ${passage.text}`;
}
