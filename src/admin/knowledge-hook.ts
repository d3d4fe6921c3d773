import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { appendFaqEntry, dashboardFaqQuestions, DASHBOARD_FAQ_FILE } from './faq-file.js';

/** What the dashboard needs from the knowledge: add an FAQ entry (and re-ingest), and sentence vectors for grouping. */
export interface DashboardKnowledge {
  /** Validates and appends the entry to knowledge/faq/added-from-dashboard.md, then re-ingests so the bot uses it. */
  addFaq(draft: unknown): Promise<{ file: string; question: string; chunksAdded: number; seconds: number }>;
  /** Questions and paraphrases already added from the dashboard (lower-case). */
  addedQuestions(): string[];
  /** Sentence vectors (the knowledge base's embedder), to group paraphrased gap questions. */
  embed?(texts: string[]): Promise<number[][]>;
}

/**
 * The knowledge hook `frontdesk start` gives the dashboard: writes go to the knowledge folder (the source of truth, in
 * git) and an incremental ingest embeds only the new entry. Adds are serialized, so two clicks cannot interleave.
 *
 * @example
 * const admin = { knowledge: createDashboardKnowledge({ knowledge: setup.knowledge, knowledgeDirectory: 'knowledge' }) };
 */
export function createDashboardKnowledge(options: { knowledge: KnowledgeBase; knowledgeDirectory: string; onIngested?: () => Promise<void> | void }): DashboardKnowledge {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    addFaq(draft) {
      const run = async () => {
        const { entry } = appendFaqEntry(options.knowledgeDirectory, draft);
        const summary = await options.knowledge.ingest(options.knowledgeDirectory);
        await options.onIngested?.();
        return { file: DASHBOARD_FAQ_FILE, question: entry.question, chunksAdded: summary.chunksAdded, seconds: Number(summary.seconds.toFixed(3)) };
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    addedQuestions: () => dashboardFaqQuestions(options.knowledgeDirectory),
    embed: (texts) => options.knowledge.embedder.embeddings.embedDocuments(texts),
  };
}
