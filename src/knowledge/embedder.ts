import type { Embeddings } from '@langchain/core/embeddings';
import { OfflineEmbeddings } from './embeddings/offline-embeddings.js';

/** An embeddings provider plus what identifies its vectors: an index built by one cannot be searched with another. */
export interface Embedder {
  embeddings: Embeddings;
  /** Names the model and recipe, e.g. `offline-wink100-hash256-v1` or `openai:text-embedding-3-small`. */
  id: string;
  dimensions: number;
}

/** Settings that decide the embedder (all optional; see .env.example, "Knowledge"). */
export interface EmbedderSettings {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  FRONTDESK_EMBEDDING_MODEL?: string;
  /** `offline` forces the offline embedder even when OPENAI_API_KEY is set (e.g. to keep an LLM but embed locally). */
  FRONTDESK_EMBEDDINGS?: string;
}

/** Dimensions of OpenAI's embedding models; other models (local servers) are measured with one call. */
const KNOWN_DIMENSIONS: Record<string, number> = { 'text-embedding-3-small': 1536, 'text-embedding-3-large': 3072, 'text-embedding-ada-002': 1536 };

/**
 * The embedder the settings ask for: offline by default (no network, no key), OpenAI or any OpenAI-compatible
 * server with OPENAI_API_KEY (and OPENAI_BASE_URL).
 *
 * @example
 * const { embeddings, id } = await createEmbedder(process.env); // id 'offline-wink100-hash256-v1' with no key
 */
export async function createEmbedder(settings: EmbedderSettings = {}): Promise<Embedder> {
  const apiKey = settings.OPENAI_API_KEY?.trim();
  if (!apiKey || settings.FRONTDESK_EMBEDDINGS?.trim() === 'offline') {
    const embeddings = new OfflineEmbeddings();
    return { embeddings, id: embeddings.id, dimensions: embeddings.dimensions };
  }
  const model = settings.FRONTDESK_EMBEDDING_MODEL?.trim() || 'text-embedding-3-small';
  const baseURL = settings.OPENAI_BASE_URL?.trim() || undefined;
  // Imported here: the offline default never pays for loading the OpenAI client.
  const { OpenAIEmbeddings } = await import('@langchain/openai');
  const embeddings = new OpenAIEmbeddings({
    model,
    apiKey,
    configuration: baseURL ? { baseURL } : undefined,
    // Ingest retries a file on the next run; a long client-side retry loop would only stall start-up.
    maxRetries: 1,
    timeout: 30_000,
    batchSize: 256,
  });
  const host = baseURL ? new URL(baseURL).host : 'api.openai.com';
  const dimensions = KNOWN_DIMENSIONS[model] && !baseURL ? KNOWN_DIMENSIONS[model] : (await embeddings.embedQuery('dimension probe')).length;
  return { embeddings, id: `openai:${host}:${model}`, dimensions };
}
