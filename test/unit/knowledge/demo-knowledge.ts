import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCsvRows } from '../../../src/knowledge/loaders/csv-catalog.js';
import { setUpKnowledge, type KnowledgeSetup } from '../../../src/knowledge/setup.js';
import { loadProjectFlows, projectRoot } from '../../helpers/start-test-chat.js';

/** The labelled demo questions: the file(s) that answer each, or `oos` for questions the knowledge must refuse. */
export const demoQuestions = parseCsvRows(readFileSync(resolve(import.meta.dirname, '../../fixtures/knowledge/demo-questions.csv'), 'utf8'))
  .slice(1)
  .map(([question, expected]) => ({ question: question!, isOutOfScope: expected === 'oos', sources: expected === 'oos' ? [] : expected!.split('|') }));

/**
 * Ingests a knowledge folder (default: the demo business's knowledge/) into a temporary data folder and trains the
 * router on the project's flows: build it once per test file (beforeAll), it takes a few seconds.
 */
export async function buildKnowledge(options: { knowledgeDirectory?: string; env?: Record<string, string>; withFlows?: boolean } = {}): Promise<KnowledgeSetup & { dataDirectory: string; dispose(): void }> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'frontdesk-knowledge-'));
  const setup = await setUpKnowledge({
    rootDirectory: projectRoot,
    dataDirectory,
    flows: options.withFlows === false ? [] : (await loadProjectFlows()).flows,
    // Only what the test says: a developer's OPENAI_API_KEY must never turn a test into a network call.
    env: { FRONTDESK_KNOWLEDGE_DIR: options.knowledgeDirectory ?? join(projectRoot, 'knowledge'), ...options.env },
  });
  return {
    ...setup,
    dataDirectory,
    dispose() {
      setup.close();
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}
