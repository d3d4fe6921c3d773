import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import {
  createFrontdesk,
  createLogger,
  loadFlows,
  readConfig,
  type Channel,
  type ChannelAdapter,
  type ChannelPlugin,
  type FlowSet,
  type Frontdesk,
  type Message,
  type ServiceImplementations,
} from '../../src/index.js';

export const projectRoot = resolve(import.meta.dirname, '../..');

const flowSets = new Map<string, Promise<FlowSet>>();
/** Flow files are loaded once per test worker; every test still gets its own runtime and store. */
export const loadProjectFlows = (directory = join(projectRoot, 'flows')) => {
  let flows = flowSets.get(directory);
  if (!flows) flowSets.set(directory, (flows = loadFlows(directory, { rootDirectory: projectRoot })));
  return flows;
};

/** A channel stand-in that records what the bot sent, for channels whose real adapter is tested elsewhere. */
export function createCaptureAdapter(channel: Channel): ChannelAdapter & { sent: Message[] } {
  const sent: Message[] = [];
  return { channel, sent, mount: () => undefined, send: async (message) => (sent.push(message), {}) };
}

export interface TestApp {
  app: Frontdesk;
  dataDirectory: string;
  close(): Promise<void>;
}

/** A real Frontdesk (runtime, SQLite store in a temporary folder, flows from `flows/`) with no HTTP server unless asked. */
export async function startTestApp(options: { flowsDirectory?: string; services?: ServiceImplementations; serveHttp?: boolean; env?: Record<string, string>; adapters?: ChannelAdapter[]; channels?: ChannelPlugin[]; dataDirectory?: string; now?: () => number; delivery?: { baseDelayMilliseconds?: number; maxAttempts?: number } } = {}): Promise<TestApp> {
  const dataDirectory = options.dataDirectory ?? mkdtempSync(join(tmpdir(), 'frontdesk-test-'));
  const env = { PORT: '0', FRONTDESK_DATA_DIR: dataDirectory, LOG_LEVEL: 'silent', ...options.env };
  const config = readConfig(env);
  const app = await createFrontdesk({
    config,
    env,
    flows: await loadProjectFlows(options.flowsDirectory),
    rootDirectory: projectRoot,
    services: options.services,
    serveHttp: options.serveHttp ?? false,
    adapters: options.adapters,
    channels: options.channels,
    now: options.now,
    delivery: options.delivery,
    logger: createLogger({ level: 'silent' }),
  });
  return {
    app,
    dataDirectory,
    async close() {
      await app.stop();
      if (!options.dataDirectory) rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

export interface TestChat {
  readonly conversationId: string;
  /** Everything the bot has said so far, in order. */
  readonly transcript: Message[];
  customer(text: string): Promise<Message[]>;
  /** Takes the next unread bot message and checks it: exact text, or a pattern; `cites` checks a citation source. */
  expectBot(expected: string | RegExp, options?: { cites?: string }): Promise<Message>;
  expectNoMoreReplies(): void;
  activeFlow(): Promise<string>;
  app: Frontdesk;
  close(): Promise<void>;
}

/**
 * A conversation with the real runtime, read like a script:
 *
 * @example
 * const chat = await startTestChat();
 * await chat.customer('hello');
 * await chat.expectBot(/automated assistant/);
 */
export async function startTestChat(options: { channel?: Channel; customer?: string; customerName?: string; greet?: boolean; services?: ServiceImplementations; flowsDirectory?: string } = {}): Promise<TestChat> {
  const channel = options.channel ?? 'web';
  const capture = createCaptureAdapter(channel);
  const testApp = await startTestApp({ services: options.services, flowsDirectory: options.flowsDirectory, adapters: [capture] });
  await testApp.app.start();
  const customerKey = options.customer ?? `customer-${randomUUID()}`;
  const conversationKey = channel === 'web' ? `c_${randomUUID()}` : customerKey;
  const transcript: Message[] = [];
  let read = 0;
  let conversationId = '';
  if (channel === 'web' || options.greet) {
    const opened = await testApp.app.gateway.openConversation({ conversationId: channel === 'web' ? conversationKey : undefined, channel, conversationKey, customerKey, customerName: options.customerName });
    conversationId = opened.conversation.id;
    transcript.push(...(await opened.replies));
  }
  return {
    get conversationId() {
      return conversationId;
    },
    transcript,
    app: testApp.app,
    async customer(text) {
      const received = await testApp.app.gateway.receive({ channel, externalId: randomUUID(), conversationKey, customerKey, customerName: options.customerName, text });
      conversationId = received.conversation.id;
      const replies = await received.replies;
      transcript.push(...replies);
      return replies;
    },
    async expectBot(expected, expectOptions) {
      const message = transcript[read];
      expect(message, `expected the bot to say ${String(expected)}, but it said nothing more`).toBeDefined();
      read++;
      if (typeof expected === 'string') expect(message!.text).toBe(expected);
      else expect(message!.text).toMatch(expected);
      if (expectOptions?.cites) expect(message!.citations?.map((citation) => citation.source)).toContain(expectOptions.cites);
      return message!;
    },
    expectNoMoreReplies() {
      expect(transcript.slice(read).map((message) => message.text)).toEqual([]);
    },
    activeFlow: () => testApp.app.runtime.activeFlow(conversationId),
    close: () => testApp.close(),
  };
}
