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
  type IntentMatch,
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
export async function startTestApp(options: { flowsDirectory?: string; services?: ServiceImplementations; classify?: (text: string) => IntentMatch; serveHttp?: boolean; env?: Record<string, string>; adapters?: ChannelAdapter[]; channels?: ChannelPlugin[]; dataDirectory?: string; now?: () => number; delivery?: { baseDelayMilliseconds?: number; maxAttempts?: number } } = {}): Promise<TestApp> {
  const dataDirectory = options.dataDirectory ?? mkdtempSync(join(tmpdir(), 'frontdesk-test-'));
  const env = { PORT: '0', FRONTDESK_DATA_DIR: dataDirectory, LOG_LEVEL: 'silent', ...options.env };
  const config = readConfig(env);
  const app = await createFrontdesk({
    config,
    env,
    flows: await loadProjectFlows(options.flowsDirectory),
    rootDirectory: projectRoot,
    services: options.services,
    classify: options.classify,
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

export interface TestStaff {
  /** A staff member takes the handoff ("Claim" in Slack). */
  claim(staffName: string): Promise<void>;
  /** A staff member writes in the handoff thread. */
  reply(staffName: string, text: string): Promise<void>;
  /** A staff member hands the conversation back to the bot ("Resolve"). */
  resolve(staffName: string): Promise<void>;
  /** What the staff console received for this conversation (handoff notifications). */
  readonly thread: Message[];
}

export interface TestChat {
  readonly conversationId: string;
  /** Everything delivered to the customer so far (bot, staff and system messages), in order. */
  readonly transcript: Message[];
  customer(text: string): Promise<Message[]>;
  /** Takes the next unread message to the customer and checks it: exact text, or a pattern; `cites` checks a citation. */
  expectBot(expected: string | RegExp, options?: { cites?: string; role?: Message['role'] }): Promise<Message>;
  expectNoMoreReplies(): void;
  activeFlow(): Promise<string>;
  staff: TestStaff;
  /** Stops the app as a deploy would and starts a new one on the same data (timers and snapshots must survive). */
  restart(options?: { now?: () => number }): Promise<void>;
  /** Waits until everything queued has been delivered. */
  settle(): Promise<void>;
  app: Frontdesk;
  close(): Promise<void>;
}

/**
 * A conversation with the real runtime, read like a script. The customer's channel and the staff console (Slack)
 * are stand-ins that record what was delivered to them.
 *
 * @example
 * const chat = await startTestChat();
 * await chat.customer('hello');
 * await chat.expectBot(/automated assistant/);
 */
export async function startTestChat(options: { channel?: Channel; customer?: string; customerName?: string; greet?: boolean; services?: ServiceImplementations; classify?: (text: string) => IntentMatch; flowsDirectory?: string; withStaffConsole?: boolean; env?: Record<string, string>; now?: () => number; /** More customer channels to record deliveries on, for tests where other customers write too. */ alsoCapture?: Channel[] } = {}): Promise<TestChat> {
  const channel = options.channel ?? 'web';
  const dataDirectory = mkdtempSync(join(tmpdir(), 'frontdesk-chat-'));
  const customerSide = createCaptureAdapter(channel);
  const staffSide = createCaptureAdapter('slack');
  const otherSides = (options.alsoCapture ?? []).filter((other) => other !== channel && other !== 'slack').map(createCaptureAdapter);
  const start = async (now?: () => number) => {
    const started = await startTestApp({ services: options.services, classify: options.classify, flowsDirectory: options.flowsDirectory, dataDirectory, env: options.env, now, adapters: [customerSide, ...otherSides, ...(options.withStaffConsole === false ? [] : [staffSide])] });
    await started.app.start();
    return started;
  };
  let testApp = await start(options.now);
  const customerKey = options.customer ?? `customer-${randomUUID()}`;
  const conversationKey = channel === 'web' ? `c_${randomUUID()}` : customerKey;
  let read = 0;
  let conversationId = '';
  const settle = () => testApp.app.delivery.idle();
  if (channel === 'web' || options.greet) {
    const opened = await testApp.app.gateway.openConversation({ conversationId: channel === 'web' ? conversationKey : undefined, channel, conversationKey, customerKey, customerName: options.customerName });
    conversationId = opened.conversation.id;
    await opened.replies;
    await settle();
  }
  const staffEvent = async (event: { type: string; [key: string]: unknown }) => {
    const { replies } = await testApp.app.gateway.dispatchTo(conversationId, event, `staff:${randomUUID()}`);
    await replies;
    await settle();
  };
  const chat: TestChat = {
    get conversationId() {
      return conversationId;
    },
    get transcript() {
      return customerSide.sent.filter((message) => message.conversationId === conversationId);
    },
    get app() {
      return testApp.app;
    },
    async customer(text) {
      const received = await testApp.app.gateway.receive({ channel, externalId: randomUUID(), conversationKey, customerKey, customerName: options.customerName, text });
      conversationId = received.conversation.id;
      const replies = await received.replies;
      await settle();
      return replies.filter((reply) => reply.channel === channel);
    },
    async expectBot(expected, expectOptions) {
      const message = chat.transcript[read];
      expect(message, `expected the customer to receive ${String(expected)}, but nothing more arrived`).toBeDefined();
      read++;
      if (typeof expected === 'string') expect(message!.text).toBe(expected);
      else expect(message!.text).toMatch(expected);
      if (expectOptions?.cites) expect(message!.citations?.map((citation) => citation.source)).toContain(expectOptions.cites);
      if (expectOptions?.role) expect(message!.role).toBe(expectOptions.role);
      return message!;
    },
    expectNoMoreReplies() {
      expect(chat.transcript.slice(read).map((message) => message.text)).toEqual([]);
    },
    activeFlow: () => testApp.app.runtime.activeFlow(conversationId),
    staff: {
      claim: (staffName) => staffEvent({ type: 'handoff.claimed', staffName }),
      reply: (staffName, text) => staffEvent({ type: 'agent.replied', staffName, text }),
      resolve: (staffName) => staffEvent({ type: 'handoff.resolved', staffName }),
      get thread() {
        return staffSide.sent.filter((message) => message.conversationId === conversationId);
      },
    },
    async restart(restartOptions) {
      await testApp.app.stop();
      testApp = await start(restartOptions?.now ?? options.now);
    },
    settle,
    async close() {
      await testApp.app.stop();
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
  return chat;
}
