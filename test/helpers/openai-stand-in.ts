import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the client sent to /v1/chat/completions. */
export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  stream?: boolean;
  [key: string]: unknown;
}

/** How the stand-in answers one chat request: text (as the model's reply), an HTTP error, or a stall. */
export type ChatBehaviour = { content: string; delayMilliseconds?: number } | { status: number; message?: string } | { stallMilliseconds: number; content?: string };

export interface OpenAiStandIn {
  /** For `configuration.baseURL` / OPENAI_BASE_URL, e.g. http://127.0.0.1:PORT/v1 */
  baseURL: string;
  chatRequests: ChatRequest[];
  embeddingRequests: Array<{ model: string; input: string[]; encoding_format?: string }>;
  /** Scripts the "model": called for every chat request. */
  respondWith(behaviour: (request: ChatRequest) => ChatBehaviour): void;
  close(): Promise<void>;
}

/** The system and user texts of a chat request. */
export const promptsOf = (request: ChatRequest) => ({
  system: request.messages.filter((message) => message.role === 'system' || message.role === 'developer').map((message) => message.content).join('\n'),
  user: request.messages.filter((message) => message.role === 'user').map((message) => message.content).join('\n'),
});

/** Deterministic bag-of-words vectors, so the stand-in's embeddings retrieve sensibly: 64 hashed word buckets. */
export function standInEmbedding(text: string, dimensions = 64): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 2166136261;
    for (const character of word) hash = Math.imul(hash ^ character.charCodeAt(0), 16777619) >>> 0;
    vector[hash % dimensions]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
};

/**
 * An OpenAI-compatible server on 127.0.0.1 for tests: /v1/chat/completions (JSON, or SSE when `stream: true`) and
 * /v1/embeddings (base64 float32, as the OpenAI client asks for). The chat reply is scripted, so a test can play a
 * well-behaved model or a compromised one that obeys every injection.
 *
 * @example
 * const standIn = await startOpenAiStandIn();
 * standIn.respondWith(() => ({ content: 'Standard shipping is $7.95 [P1].' }));
 * new ChatOpenAI({ apiKey: 'sk-test', configuration: { baseURL: standIn.baseURL }, maxRetries: 0 });
 */
export async function startOpenAiStandIn(): Promise<OpenAiStandIn> {
  let behaviour: (request: ChatRequest) => ChatBehaviour = () => ({ content: 'NO_ANSWER' });
  const chatRequests: ChatRequest[] = [];
  const embeddingRequests: OpenAiStandIn['embeddingRequests'] = [];
  const stalled = new Set<NodeJS.Timeout>();
  const server: Server = createServer(async (request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    try {
      const body = await readBody(request);
      if (request.method === 'POST' && request.url === '/v1/embeddings') {
        const input = (Array.isArray(body.input) ? body.input : [body.input]) as string[];
        embeddingRequests.push({ model: String(body.model), input, encoding_format: body.encoding_format as string | undefined });
        const data = input.map((text, index) => {
          const vector = standInEmbedding(text);
          const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
          return { object: 'embedding', index, embedding };
        });
        return send(200, { object: 'list', data, model: body.model, usage: { prompt_tokens: input.length, total_tokens: input.length } });
      }
      if (request.method === 'POST' && request.url === '/v1/chat/completions') {
        const chat = body as unknown as ChatRequest;
        chatRequests.push(chat);
        const planned = behaviour(chat);
        if ('status' in planned) return send(planned.status, { error: { message: planned.message ?? 'stand-in error', type: 'server_error' } });
        const wait = 'stallMilliseconds' in planned ? planned.stallMilliseconds : (planned.delayMilliseconds ?? 0);
        if (wait > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => (stalled.delete(timer), resolve()), wait);
            stalled.add(timer);
          });
          if (response.destroyed || request.destroyed) return;
        }
        const content = planned.content ?? '';
        const id = `chatcmpl-${chatRequests.length}`;
        const created = Math.floor(Date.now() / 1000);
        const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
        if (chat.stream) {
          response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          const pieces = content.match(/[\s\S]{1,12}/g) ?? [''];
          const chunk = (delta: object, finish: string | null) => ({ id, object: 'chat.completion.chunk', created, model: chat.model, choices: [{ index: 0, delta, finish_reason: finish }] });
          response.write(`data: ${JSON.stringify(chunk({ role: 'assistant', content: '' }, null))}\n\n`);
          for (const piece of pieces) response.write(`data: ${JSON.stringify(chunk({ content: piece }, null))}\n\n`);
          response.write(`data: ${JSON.stringify(chunk({}, 'stop'))}\n\n`);
          response.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: chat.model, choices: [], usage })}\n\n`);
          response.end('data: [DONE]\n\n');
          return;
        }
        return send(200, { id, object: 'chat.completion', created, model: chat.model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage });
      }
      send(404, { error: { message: `stand-in: no route ${request.method} ${request.url}` } });
    } catch (error) {
      send(500, { error: { message: (error as Error).message } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    chatRequests,
    embeddingRequests,
    respondWith: (next) => void (behaviour = next),
    close: async () => {
      for (const timer of stalled) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
