import { isAbsolute, join, resolve } from 'node:path';
import type { FlowDefinition } from '../flow/define-flow.js';
import type { KnowledgeAnswer } from '../flow/flow.js';
import type { IntentMatch } from '../flow/types.js';
import { loadWordVectors } from './embeddings/word-vectors.js';
import { createEmbedder, type Embedder } from './embedder.js';
import { openKnowledgeBase, type IngestProgress, type IngestSummary, type KnowledgeBase } from './knowledge-base.js';
import { createKnowledgeService, type KnowledgeService } from './knowledge-service.js';
import { createLlmAnswerer, type LlmAnswerer } from './llm-answer.js';
import { createMessageRouter, type MessageRouter } from './message-router.js';
import { asStrings, readKnowledgeSettings } from './settings.js';

export interface KnowledgeSetupOptions {
  rootDirectory: string;
  /** FRONTDESK_DATA_DIR, resolved against rootDirectory when relative. */
  dataDirectory: string;
  /** The flows the router learns (ids and triggers); without them only FAQ entries are learned. */
  flows?: ReadonlyArray<Pick<FlowDefinition, 'id' | 'triggers'>>;
  env?: NodeJS.ProcessEnv;
  businessName?: string;
  /** An embedder to use instead of the one the settings choose (tests). */
  embedder?: Embedder;
  onProgress?: (progress: IngestProgress) => void;
  /** Reports LLM fallbacks (reason only). */
  onFallback?: (reason: string) => void;
}

/** Everything the CLI and tests need from the knowledge: the services to hand to createFrontdesk, and the parts. */
export interface KnowledgeSetup {
  knowledge: KnowledgeBase;
  router: MessageRouter;
  service: KnowledgeService;
  llm?: LlmAnswerer;
  summary: IngestSummary;
  /** Seconds to train the message router. */
  routerSeconds: number;
  classify: (text: string) => IntentMatch;
  services: { searchKnowledge: (input: { query: string }, context?: { signal?: AbortSignal }) => Promise<KnowledgeAnswer> };
  close(): void;
}

/**
 * Ingests what changed in the knowledge folder, trains the message router on the flows and FAQ entries, and builds
 * the `searchKnowledge` service (LLM-backed when configured). `npm start`, `npm run chat` and `frontdesk ask` call it.
 *
 * @example
 * const knowledge = await setUpKnowledge({ rootDirectory, dataDirectory: config.FRONTDESK_DATA_DIR, flows: flows.flows });
 * const app = await createFrontdesk({ config, flows, services: knowledge.services, classify: knowledge.classify });
 */
export async function setUpKnowledge(options: KnowledgeSetupOptions): Promise<KnowledgeSetup> {
  const env = options.env ?? process.env;
  const settings = readKnowledgeSettings(env);
  const strings = asStrings(settings);
  const dataDirectory = isAbsolute(options.dataDirectory) ? options.dataDirectory : resolve(options.rootDirectory, options.dataDirectory);
  const knowledgeDirectory = resolve(options.rootDirectory, settings.FRONTDESK_KNOWLEDGE_DIR);
  const embedder = options.embedder ?? (await createEmbedder(strings));
  const knowledge = openKnowledgeBase({ dataDirectory, embedder });
  try {
    const summary = await knowledge.ingest(knowledgeDirectory, { onProgress: options.onProgress });
    const started = performance.now();
    const [router, wordVectors] = await Promise.all([createMessageRouter({ flows: options.flows ?? [], faqEntries: knowledge.faqEntries(), cacheDirectory: join(dataDirectory, 'cache') }), loadWordVectors()]);
    const routerSeconds = (performance.now() - started) / 1000;
    const llm = createLlmAnswerer(strings, { allowedHosts: knowledge.hosts(), businessName: options.businessName });
    const service = createKnowledgeService({ knowledge, classify: router.classify, wordVectors, llm, threshold: settings.FRONTDESK_ANSWER_THRESHOLD, onFallback: options.onFallback });
    return {
      knowledge,
      router,
      service,
      llm,
      summary,
      routerSeconds,
      classify: router.classify,
      services: { searchKnowledge: service.searchKnowledge },
      close: () => knowledge.close(),
    };
  } catch (error) {
    knowledge.close();
    throw error;
  }
}
