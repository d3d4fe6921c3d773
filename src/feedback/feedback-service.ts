import { FrontdeskError } from '../errors.js';
import type { ServiceCallContext } from '../runtime/conversation-runtime.js';
import type { Store } from '../store/store.js';

export interface FeedbackInput {
  kind: 'csat' | 'nps';
  score: number;
  comment?: string;
}

const ranges = { csat: [1, 5], nps: [0, 10] } as const;

/** Parses a score the customer typed ("4", "4 stars", "9/10"); undefined when it is not a whole number in range. */
export function parseScore(kind: FeedbackInput['kind'], text: string): number | undefined {
  const match = /^\s*(\d{1,2})\s*(?:stars?|\/\s*(?:5|10)|out of (?:5|10))?\s*[.!]?\s*$/i.exec(text);
  if (!match) return undefined;
  const score = Number(match[1]);
  const [low, high] = ranges[kind];
  return score >= low && score <= high ? score : undefined;
}

/**
 * `recordFeedback`: stores a CSAT (1-5) or NPS (0-10) score, with an optional comment, for the conversation that gave
 * it. Comments are capped at 1000 characters.
 *
 * @example
 * const recordFeedback = createFeedbackService({ store });
 */
export function createFeedbackService(options: { store: Store }) {
  return async function recordFeedback(input: FeedbackInput, context: ServiceCallContext): Promise<{ id: string }> {
    const [low, high] = ranges[input.kind] ?? [];
    if (low === undefined || !Number.isInteger(input.score) || input.score < low || input.score > high!) {
      throw new FrontdeskError('body_invalid', `recordFeedback: a ${input.kind} score must be a whole number from ${low} to ${high} (got ${input.score}).`);
    }
    const comment = input.comment?.trim().slice(0, 1000);
    const record = await options.store.recordFeedback({ conversationId: context.conversationId, customerId: context.customerId, kind: input.kind, score: input.score, ...(comment && { comment }) });
    return { id: record.id };
  };
}

/**
 * `recordAnswerCheck`: the customer's yes or no to "Did that answer your question?", kept per conversation so the
 * dashboard can list answers people found unhelpful.
 */
export function createAnswerCheckService(options: { store: Store }) {
  return async function recordAnswerCheck(input: { question: string; source?: string; wasHelpful: boolean }, context: ServiceCallContext): Promise<{ isRecorded: true }> {
    await options.store.recordAnswerCheck({ conversationId: context.conversationId, question: input.question, source: input.source, wasHelpful: input.wasHelpful });
    return { isRecorded: true };
  };
}
