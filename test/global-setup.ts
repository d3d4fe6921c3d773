import { ensureWordVectors } from '../src/knowledge/embeddings/word-vectors.js';

/**
 * Builds the compact word-vector cache once, before any test worker starts: loading the package's 300 MB JSON
 * takes seconds and a gigabyte, and must never happen per worker.
 */
export default async function setup(): Promise<void> {
  await ensureWordVectors();
}
