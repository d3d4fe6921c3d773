import type { KnowledgeAnswer } from '../flow/flow.js';
import type { IntentMatch } from '../flow/types.js';
import type { WordVectors } from './embeddings/word-vectors.js';
import { answerExtractively, DEFAULT_ANSWER_THRESHOLD, type AnswerWithPassages } from './extractive-answer.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { LlmAnswerer } from './llm-answer.js';

export interface KnowledgeServiceOptions {
  knowledge: KnowledgeBase;
  classify?: (text: string) => IntentMatch;
  wordVectors?: WordVectors;
  /** Grounded generation; without it answers are extractive. */
  llm?: LlmAnswerer;
  threshold?: number;
  /** Below this retrieval confidence the LLM is not even asked: nothing retrieved is close enough (default threshold − 0.15). */
  llmMinConfidence?: number;
  /** Passages the LLM sees (default 4). */
  llmPassages?: number;
  /** Reports LLM fallbacks (reason only; never the customer's text). */
  onFallback?: (reason: string) => void;
}

export interface KnowledgeService {
  /** The answer and what it was built from. */
  answer(question: string, options?: { signal?: AbortSignal }): Promise<AnswerWithPassages>;
  /** The runtime service flows invoke (`needs: ['searchKnowledge']`). */
  searchKnowledge(input: { query: string }, context?: { signal?: AbortSignal }): Promise<KnowledgeAnswer>;
}

/**
 * Answers questions from the knowledge base: extractive by default; with an LLM, a grounded answer whose output is
 * checked, falling back to the extractive answer on any error, timeout or failed check. Below the calibrated
 * threshold the answer is "not confident" and the flow says it does not know; it never guesses.
 *
 * @example
 * const service = createKnowledgeService({ knowledge, classify: router.classify, wordVectors });
 * await createFrontdesk({ ..., services: { searchKnowledge: service.searchKnowledge } });
 */
export function createKnowledgeService(options: KnowledgeServiceOptions): KnowledgeService {
  const threshold = options.threshold ?? DEFAULT_ANSWER_THRESHOLD;
  const llmMinConfidence = options.llmMinConfidence ?? threshold - 0.15;
  const answer = async (question: string, callOptions: { signal?: AbortSignal } = {}): Promise<AnswerWithPassages> => {
    const extractive = await answerExtractively(question, { knowledge: options.knowledge, classify: options.classify, wordVectors: options.wordVectors, threshold });
    const { llm } = options;
    if (!llm || extractive.passages.length === 0 || extractive.confidence < llmMinConfidence) return extractive;
    const passages = extractive.passages.slice(0, options.llmPassages ?? 4);
    const fallback = (reason: string): AnswerWithPassages => {
      options.onFallback?.(reason);
      return { ...extractive, fallbackReason: reason };
    };
    try {
      const result = await llm.answer(question, passages, callOptions);
      if (result.kind === 'rejected') return fallback(result.reason);
      if (result.kind === 'no-answer') return { isConfident: false, confidence: extractive.confidence, citations: [], passages, method: 'llm' };
      return {
        isConfident: true,
        answer: result.text,
        confidence: extractive.confidence,
        citations: result.citedPassages.map((passage) => ({ source: passage.source, heading: passage.heading, score: Number(passage.score.toFixed(4)) })),
        passages,
        method: 'llm',
      };
    } catch (error) {
      return fallback(`the LLM call failed: ${(error as Error).name}: ${(error as Error).message.slice(0, 200)}`);
    }
  };
  return {
    answer,
    async searchKnowledge(input, context) {
      // The context itself, not `{ signal: context.signal }`: the runtime makes the signal only when it is read, and
      // only the LLM call reads it.
      const { passages: _passages, method: _method, fallbackReason: _reason, ...result } = await answer(String(input?.query ?? ''), context);
      return result;
    },
  };
}
