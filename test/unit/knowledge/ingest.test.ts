import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Embeddings } from '@langchain/core/embeddings';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { OfflineEmbeddings } from '../../../src/knowledge/embeddings/offline-embeddings.js';
import { createEmbedder, type Embedder } from '../../../src/knowledge/embedder.js';
import { openKnowledgeBase } from '../../../src/knowledge/knowledge-base.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../helpers/openai-stand-in.js';

const mini = resolve(import.meta.dirname, '../../fixtures/knowledge/mini');

/** Wraps an embedder and records every text it is asked to embed: re-embedding is what incremental ingest saves. */
class CountingEmbeddings extends Embeddings {
  readonly embedded: string[] = [];
  constructor(private readonly inner: Embeddings) {
    super({});
  }
  async embedDocuments(texts: string[]) {
    this.embedded.push(...texts);
    return this.inner.embedDocuments(texts);
  }
  async embedQuery(text: string) {
    return this.inner.embedQuery(text);
  }
}

const offline = new OfflineEmbeddings();
const countingEmbedder = (): Embedder & { embeddings: CountingEmbeddings } => ({ embeddings: new CountingEmbeddings(offline), id: offline.id, dimensions: offline.dimensions });

let folder: string;
let knowledgeDirectory: string;
let dataDirectory: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'frontdesk-ingest-'));
  knowledgeDirectory = join(folder, 'knowledge');
  dataDirectory = join(folder, 'data');
  cpSync(mini, knowledgeDirectory, { recursive: true });
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

test('a first ingest loads every knowledge file, skips non-knowledge, and warns by name about the rest', async () => {
  const embedder = countingEmbedder();
  const knowledge = openKnowledgeBase({ dataDirectory, embedder });
  const summary = await knowledge.ingest(knowledgeDirectory);
  expect(summary).toMatchObject({ files: 5, filesChanged: 5, chunksAdded: 10, chunksUnchanged: 0, chunksRemoved: 0, embedded: 10, rebuiltBecause: 'first ingest' });
  expect(summary.warnings.map((warning) => warning.source)).toEqual(['brochure.pdf', 'pages/returns.md']);
  expect(summary.warnings[1]!.message).toMatch(/"Returns and refunds > Note for the assistant" reads like instructions to the assistant/);
  expect(knowledge.store.allChunks().some((chunk) => chunk.source === 'customers.csv')).toBe(false);
  knowledge.close();
});

test('changing one file re-embeds only its changed chunks; an unchanged run embeds nothing', async () => {
  const first = openKnowledgeBase({ dataDirectory, embedder: countingEmbedder() });
  await first.ingest(knowledgeDirectory);
  first.close();

  const embedder = countingEmbedder();
  const knowledge = openKnowledgeBase({ dataDirectory, embedder });
  const unchanged = await knowledge.ingest(knowledgeDirectory);
  expect(unchanged).toMatchObject({ filesChanged: 0, chunksAdded: 0, chunksUnchanged: 10, embedded: 0 });
  expect(unchanged.rebuiltBecause).toBeUndefined();

  const faq = join(knowledgeDirectory, 'faq/shipping.md');
  writeFileSync(faq, readFileSync(faq, 'utf8').replace('We ship only within the United States for now.', 'We ship to the United States and Canada.'));
  const changed = await knowledge.ingest(knowledgeDirectory);
  expect(changed).toMatchObject({ filesChanged: 1, chunksAdded: 1, chunksUnchanged: 9, chunksRemoved: 1, embedded: 1 });
  expect(embedder.embeddings.embedded).toEqual([expect.stringContaining('We ship to the United States and Canada.')]);
  const [best] = await knowledge.search('do you ship to canada');
  expect(best).toMatchObject({ source: 'faq/shipping.md', text: 'We ship to the United States and Canada.' });
  knowledge.close();
});

test('a deleted file loses its chunks from the keyword and the vector index', async () => {
  const knowledge = openKnowledgeBase({ dataDirectory, embedder: countingEmbedder() });
  await knowledge.ingest(knowledgeDirectory);
  unlinkSync(join(knowledgeDirectory, 'notes.txt'));
  const summary = await knowledge.ingest(knowledgeDirectory);
  expect(summary).toMatchObject({ filesRemoved: 1, chunksRemoved: 1, embedded: 0 });
  const hits = await knowledge.search('gift wrapping', { limit: 10 });
  expect(hits.map((hit) => hit.source)).not.toContain('notes.txt');
  knowledge.close();
});

test('the index survives a restart: a reopened knowledge base searches without re-embedding', async () => {
  const first = openKnowledgeBase({ dataDirectory, embedder: countingEmbedder() });
  await first.ingest(knowledgeDirectory);
  first.close();
  const embedder = countingEmbedder();
  const reopened = openKnowledgeBase({ dataDirectory, embedder });
  expect(reopened.isReady).toBe(true);
  const [best] = await reopened.search('how much is delivery?', { fusion: 'vector' });
  expect(best).toMatchObject({ source: 'faq/shipping.md', heading: 'Shipping > How much does shipping cost?' });
  expect(embedder.embeddings.embedded).toEqual([]);
  reopened.close();
});

describe('another embedder', () => {
  let standIn: OpenAiStandIn;
  beforeAll(async () => (standIn = await startOpenAiStandIn()));
  afterAll(() => standIn.close());

  test('switching the embedder rebuilds everything with the new one, and switching back rebuilds again', async () => {
    const first = openKnowledgeBase({ dataDirectory, embedder: countingEmbedder() });
    await first.ingest(knowledgeDirectory);
    first.close();

    const remote = await createEmbedder({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: standIn.baseURL });
    expect(remote).toMatchObject({ id: expect.stringMatching(/^openai:127\.0\.0\.1:\d+:text-embedding-3-small$/), dimensions: 64 });
    const switched = openKnowledgeBase({ dataDirectory, embedder: remote });
    expect(switched.isReady).toBe(false);
    const summary = await switched.ingest(knowledgeDirectory);
    expect(summary).toMatchObject({ chunksAdded: 10, chunksUnchanged: 0, embedded: 10 });
    expect(summary.rebuiltBecause).toMatch(/the embedder changed \(offline-wink100-hash256-v1, 356 dimensions → openai:.*, 64 dimensions\)/);
    expect(standIn.embeddingRequests.at(-1)).toMatchObject({ encoding_format: 'base64' });
    const [best] = await switched.search('shipping cost');
    expect(best?.source).toBe('faq/shipping.md');
    switched.close();

    const back = openKnowledgeBase({ dataDirectory, embedder: countingEmbedder() });
    expect((await back.ingest(knowledgeDirectory)).rebuiltBecause).toMatch(/embedder changed/);
    back.close();
  });
});
