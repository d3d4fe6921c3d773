import { z } from 'zod';
import { readEnv } from '../config.js';

const help: Record<string, string> = {
  FRONTDESK_KNOWLEDGE_DIR: 'the folder with the knowledge files: pages, FAQ lists, catalog (default knowledge)',
  FRONTDESK_ANSWER_THRESHOLD: 'the confidence (0-1) below which the bot says it does not know (default 0.6, measured in docs/knowledge.md)',
  FRONTDESK_EMBEDDINGS: '"offline" keeps embeddings offline even with OPENAI_API_KEY set',
  FRONTDESK_EMBEDDING_MODEL: 'the embedding model used with OPENAI_API_KEY (default text-embedding-3-small)',
  FRONTDESK_LLM: '"off" keeps answers extractive even with OPENAI_API_KEY set',
  FRONTDESK_LLM_MODEL: 'the chat model that writes grounded answers (default gpt-4o-mini)',
  FRONTDESK_LLM_TIMEOUT_MS: 'milliseconds to wait for the LLM before falling back to the extractive answer (default 8000)',
  OPENAI_API_KEY: 'the API key of OpenAI or of an OpenAI-compatible server; enables LLM answers and OpenAI embeddings',
  OPENAI_BASE_URL: 'the base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1',
};

export const KnowledgeSettingsSchema = z.object({
  FRONTDESK_KNOWLEDGE_DIR: z.string().min(1).default('knowledge'),
  FRONTDESK_ANSWER_THRESHOLD: z.coerce.number().min(0).max(1).optional(),
  FRONTDESK_EMBEDDINGS: z.enum(['offline', 'openai']).optional(),
  FRONTDESK_EMBEDDING_MODEL: z.string().min(1).optional(),
  FRONTDESK_LLM: z.enum(['on', 'off']).optional(),
  FRONTDESK_LLM_MODEL: z.string().min(1).optional(),
  FRONTDESK_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export type KnowledgeSettings = z.infer<typeof KnowledgeSettingsSchema>;

/** Reads the knowledge settings (.env.example, "Knowledge"); a bad value names the variable and how to fix it. */
export function readKnowledgeSettings(env: NodeJS.ProcessEnv = process.env): KnowledgeSettings {
  return readEnv(KnowledgeSettingsSchema, env, help);
}

/** The settings as the string maps the embedder and LLM factories take. */
export function asStrings(settings: KnowledgeSettings): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, value === undefined ? undefined : String(value)]));
}
