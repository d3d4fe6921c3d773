import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDashboardKnowledge } from '../../../src/admin/knowledge-hook.js';
import { createFrontdesk, createLogger, readConfig, type Channel, type Frontdesk } from '../../../src/index.js';
import { createCaptureAdapter, loadProjectFlows, projectRoot } from '../../helpers/start-test-chat.js';
import { buildKnowledge } from '../knowledge/demo-knowledge.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** The first scripted day, 10:00 in New York (the default FRONTDESK_TIMEZONE). */
export const DAY_ONE = Date.parse('2025-03-03T15:00:00.000Z');
export const DAY_TWO = Date.parse('2025-03-04T15:00:00.000Z');

export interface ScriptedConversation {
  readonly id: string;
  /** The customer writes; the bot answers `responseSeconds` later (the message is stamped that long before the reply). */
  say(text: string, responseSeconds?: number): Promise<void>;
  staff(event: { type: 'handoff.claimed' | 'handoff.resolved'; staffName: string } | { type: 'agent.replied'; staffName: string; text: string }): Promise<void>;
}

export interface DashboardApp {
  app: Frontdesk;
  url?: string;
  /** A copy of the demo knowledge/ folder that "add as FAQ" writes to. */
  knowledgeDirectory: string;
  /** The store's SQLite file. */
  databaseFile: string;
  /** The app's clock (epoch ms); moves only when the script moves it. */
  clock: { now: number };
  conversation(channel: Channel, options?: { customerName?: string; key?: string }): Promise<ScriptedConversation>;
  close(): Promise<void>;
}

/**
 * A real Frontdesk with the demo knowledge (a temporary copy), web and SMS customers and a staff console, on a clock
 * the script sets, so figures like "median first response 3.5 s" are exact. Serves HTTP when asked.
 */
export async function startDashboardApp(options: { env?: Record<string, string>; serveHttp?: boolean; logLines?: string[] } = {}): Promise<DashboardApp> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'frontdesk-dashboard-'));
  const knowledgeDirectory = join(dataDirectory, 'knowledge');
  cpSync(join(projectRoot, 'knowledge'), knowledgeDirectory, { recursive: true });
  const knowledge = await buildKnowledge({ knowledgeDirectory });
  const clock = { now: DAY_ONE };
  const env = { PORT: '0', FRONTDESK_DATA_DIR: join(dataDirectory, 'data'), LOG_LEVEL: 'info', FRONTDESK_BUSINESS_HOURS: 'Mon-Sun 00:00-24:00', FRONTDESK_ADMIN_TOKEN: ADMIN_TOKEN, ...options.env };
  const logLines = options.logLines;
  const logger = logLines ? createLogger({ level: 'info', destination: { write: (line: string) => (logLines.push(line), true) } as unknown as NodeJS.WritableStream }) : createLogger({ level: 'silent' });
  const app = await createFrontdesk({
    config: readConfig(env),
    env,
    flows: await loadProjectFlows(),
    rootDirectory: projectRoot,
    services: knowledge.services,
    classify: knowledge.classify,
    serveHttp: options.serveHttp ?? false,
    adapters: [createCaptureAdapter('web'), createCaptureAdapter('sms'), createCaptureAdapter('slack')],
    now: () => clock.now,
    logger,
    admin: { knowledge: createDashboardKnowledge({ knowledge: knowledge.knowledge, knowledgeDirectory }) },
  });
  const { url } = await app.start();
  const settle = () => app.delivery.idle();

  return {
    app,
    url,
    knowledgeDirectory,
    databaseFile: join(env.FRONTDESK_DATA_DIR, 'frontdesk.db'),
    clock,
    async conversation(channel, conversationOptions = {}) {
      const key = conversationOptions.key ?? (channel === 'web' ? `c_${randomUUID()}` : `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`);
      let id = '';
      if (channel === 'web') {
        const opened = await app.gateway.openConversation({ conversationId: key, channel, conversationKey: key, customerKey: key, customerName: conversationOptions.customerName });
        id = opened.conversation.id;
        await opened.replies;
        await settle();
      }
      return {
        get id() {
          return id;
        },
        async say(text, responseSeconds = 1) {
          clock.now += 60_000;
          const received = await app.gateway.receive({ channel, externalId: randomUUID(), conversationKey: key, customerKey: key, customerName: conversationOptions.customerName, text, receivedAt: new Date(clock.now - responseSeconds * 1000).toISOString() });
          id = received.conversation.id;
          await received.replies;
          await settle();
        },
        async staff(event) {
          clock.now += 60_000;
          const { replies } = await app.gateway.dispatchTo(id, event, `staff:${randomUUID()}`);
          await replies;
          await settle();
        },
      };
    },
    async close() {
      await app.stop();
      knowledge.dispose();
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** The XSS payloads the dashboard must show as text. */
export const XSS_PAYLOADS = ['<img src=x onerror="alert(1)">', '<script>alert(2)</script>', '<svg onload=alert(3)>'];

/**
 * The standard script: 3 web conversations the bot answers (one also gives an NPS of 9), one SMS conversation handed
 * to Sam with a CSAT of 4, and two web questions the knowledge cannot answer, paraphrases of each other.
 */
export async function runStandardScript(dashboard: DashboardApp): Promise<{ ids: Record<string, string>; customerTexts: string[] }> {
  const customerTexts: string[] = [];
  const say = async (conversation: ScriptedConversation, text: string, seconds?: number) => {
    customerTexts.push(text);
    await conversation.say(text, seconds);
  };
  dashboard.clock.now = DAY_ONE;
  const shipping = await dashboard.conversation('web', { customerName: 'Priya Natarajan' });
  await say(shipping, 'how much is shipping?', 1);
  await say(shipping, 'I want to give feedback', 1);
  await say(shipping, '9', 1);
  await say(shipping, 'skip', 1);
  const giftCards = await dashboard.conversation('web');
  await say(giftCards, 'do gift cards expire?', 2);
  const workshop = await dashboard.conversation('web');
  await say(workshop, 'when does the workshop open on saturday?', 3);

  dashboard.clock.now = DAY_TWO;
  const handoff = await dashboard.conversation('sms', { key: '+15550100777', customerName: 'Jane Doe' });
  await say(handoff, 'hello', 4);
  await say(handoff, 'human', 1);
  await handoff.staff({ type: 'handoff.claimed', staffName: 'Sam' });
  await say(handoff, 'my email is jane.doe@example.com, call me on +1 555 010 0777', 1);
  await handoff.staff({ type: 'agent.replied', staffName: 'Sam', text: 'Thanks Jane, your frame is covered by the warranty.' });
  await handoff.staff({ type: 'handoff.resolved', staffName: 'Sam' });
  await say(handoff, '4', 1);
  const wrapping = await dashboard.conversation('web');
  await say(wrapping, 'Do you offer gift wrapping?', 5);
  const wrapping2 = await dashboard.conversation('web');
  await say(wrapping2, 'Is gift wrapping available?', 6);
  return { ids: { shipping: shipping.id, giftCards: giftCards.id, workshop: workshop.id, handoff: handoff.id, wrapping: wrapping.id, wrapping2: wrapping2.id }, customerTexts };
}
