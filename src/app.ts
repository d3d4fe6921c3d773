import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { ChannelAdapter } from './channel.js';
import type { ChannelPlugin } from './channel-plugin.js';
import type { FrontdeskConfig } from './config.js';
import { createDelivery, type Delivery } from './delivery/delivery.js';
import { createGateway, type Gateway } from './gateway/gateway.js';
import { createLogger, type Logger } from './logger.js';
import type { Channel } from './message.js';
import { createBatchWriter } from './runtime/batch-writer.js';
import { createConversationRuntime, type ConversationRuntime, type ServiceImplementation, type ServiceImplementations } from './runtime/conversation-runtime.js';
import { createHttpServer, type HttpServer } from './server/http-server.js';
import { createSqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';
import { routerHandles, type FlowSet } from './flow/load-flows.js';
import { createTriggerMatcher } from './flow/trigger-matcher.js';
import { parseBusinessHours } from './handoff/business-hours.js';
import { createHandoffService } from './handoff/handoff-service.js';
import { createTimerScheduler } from './runtime/timer-scheduler.js';
import type { IntentMatch } from './flow/types.js';
import { createCsvOrdersService } from './orders/csv-orders-service.js';
import { createOrderServices } from './orders/order-services.js';
import type { OrdersService } from './orders/orders-service.js';
import { createPrivacyServices } from './privacy/privacy-services.js';
import { createAnswerCheckService, createFeedbackService } from './feedback/feedback-service.js';
import { parseCsv } from './orders/csv-orders-service.js';
import { OfflineEmbeddings } from './knowledge/embeddings/offline-embeddings.js';
import { FrontdeskError } from './errors.js';
import { createRecommendationService, productsFromCatalogCsv, purchasesFromOrdersCsv } from './recommend/recommendation-service.js';
// --- admin dashboard (issue 9) ---
import { createAdmin, type Admin, type AdminOptions } from './admin/admin-routes.js';
import { createSqliteAnalyticsReader } from './store/sqlite-analytics.js';
// --- end admin dashboard ---

export interface FrontdeskOptions {
  config: FrontdeskConfig;
  flows: FlowSet;
  /** Channels to run; each is created when its `isEnabled(env)` says so, or always when listed in `forceChannels`. */
  channels?: ChannelPlugin[];
  forceChannels?: Channel[];
  /** Extra adapters created by the caller (the terminal chat, tests). */
  adapters?: ChannelAdapter[];
  env?: NodeJS.ProcessEnv;
  rootDirectory?: string;
  store?: Store;
  services?: ServiceImplementations;
  /**
   * The shop system orders and customers come from. Default: orders.csv and customers.csv in FRONTDESK_ORDERS_DIR
   * (else FRONTDESK_KNOWLEDGE_DIR, else knowledge/). Pass your own OrdersService to plug in a real shop.
   */
  orders?: OrdersService;
  /** false turns product recommendations off; default: from catalog.csv and orders.csv in the knowledge folder. */
  recommendations?: false;
  classify?: (text: string) => IntentMatch;
  logger?: Logger;
  now?: () => number;
  /** Serve HTTP (default true). The terminal chat runs without a server. */
  serveHttp?: boolean;
  delivery?: { baseDelayMilliseconds?: number; maxAttempts?: number };
  // --- admin dashboard (issue 9) ---
  /** The owner dashboard at /admin (docs/dashboard.md): `knowledge` enables "add as FAQ"; `reader` replaces the SQLite reads. */
  admin?: AdminOptions;
  // --- end admin dashboard ---
}

export interface Frontdesk {
  readonly gateway: Gateway;
  readonly store: Store;
  readonly runtime: ConversationRuntime;
  readonly delivery: Delivery;
  readonly server?: HttpServer;
  readonly adapters: ReadonlyMap<Channel, ChannelAdapter>;
  readonly logger: Logger;
  // --- admin dashboard (issue 9) ---
  /** The dashboard, when served (HTTP on and a store it can read). `admin.access` says how it is protected. */
  readonly admin?: Admin;
  // --- end admin dashboard ---
  /** Recovers unfinished work, then listens. Resolves with the URL when serving HTTP. */
  start(): Promise<{ url?: string; recovered: { journal: number; outbox: number } }>;
  stop(): Promise<void>;
}

/**
 * Wires store, runtime, gateway, delivery, channels and server together. The CLI calls this; tests call it with a
 * temporary store.
 *
 * @example
 * const app = await createFrontdesk({ config: readConfig(), flows: await loadFlows('flows') });
 * await app.start();
 */
export async function createFrontdesk(options: FrontdeskOptions): Promise<Frontdesk> {
  const { config } = options;
  const env = options.env ?? process.env;
  const rootDirectory = options.rootDirectory ?? process.cwd();
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const now = options.now ?? Date.now;
  const dataDirectory = resolve(rootDirectory, config.FRONTDESK_DATA_DIR);
  const store = options.store ?? createSqliteStore({
    file: join(dataDirectory, 'frontdesk.db'),
    durability: config.FRONTDESK_DURABILITY,
    checkpointInBackground: true,
    onCheckpointError: (message) => logger.warn({ reason: message }, 'a background WAL checkpoint failed; SQLite falls back to checkpointing in commits'),
  });
  const writer = createBatchWriter(store, logger);
  const adapters = new Map<Channel, ChannelAdapter>();
  const delivery = createDelivery({ writer, adapters: () => adapters, logger, now, ...options.delivery });
  const classify = options.classify ?? createTriggerMatcher(options.flows.flows).match;
  if (options.flows.flows.length > 0 && !routerHandles(options.flows.router, 'message.handedBack')) {
    logger.warn({ file: 'router.ts', event: 'message.handedBack' }, 'the router has no transition for "message.handedBack": a new question asked instead of answering a flow\'s offer of a person would be dropped. Handle it as flows/router.ts does in its inFlow state (docs/flows.md)');
  }
  // Handoffs go to Slack when it is configured; without a staff console the handoff flow says so to the customer.
  const staffChannel = (): Channel | undefined => (adapters.has('slack') ? 'slack' : undefined);
  const requestHandoff = createHandoffService({
    hours: parseBusinessHours(config.FRONTDESK_BUSINESS_HOURS, config.FRONTDESK_TIMEZONE),
    claimTimeoutMilliseconds: config.FRONTDESK_HANDOFF_CLAIM_SECONDS * 1000,
    hasStaffConsole: () => staffChannel() !== undefined,
    now,
  });
  // The scheduler fires through the gateway, which is created after the runtime that applies timers.
  let fireTimer: (conversationId: string, name: string, dueAt: number) => Promise<void> = async () => undefined;
  const timers = createTimerScheduler({ store, now, logger, fire: (...args) => fireTimer(...args) });
  const orders = options.orders ?? createCsvOrdersService({ directory: resolve(rootDirectory, env.FRONTDESK_ORDERS_DIR ?? env.FRONTDESK_KNOWLEDGE_DIR ?? 'knowledge') });
  const { lookupOrder, lookupCustomer } = createOrderServices({ store, orders, now });
  const privacy = createPrivacyServices({
    store,
    orders,
    now,
    // The rows are gone; drop what lives in memory too, so nothing of the customer is said or fired again.
    onErased: (summary, erasedTimers) => {
      for (const timer of erasedTimers) timers.apply(timer.conversationId, [{ name: timer.name, cancel: true }]);
      for (const conversationId of summary.conversationIds) runtime.forget(conversationId);
      logger.info({ conversations: summary.conversationIds.length, messages: summary.messages }, 'erased a customer on their request');
    },
  });
  const recommendProducts = options.recommendations === false ? undefined : createDemoRecommendations(resolve(rootDirectory, env.FRONTDESK_KNOWLEDGE_DIR ?? 'knowledge'), store, logger);
  const services: ServiceImplementations = {
    requestHandoff,
    lookupOrder,
    lookupCustomer,
    recordFeedback: createFeedbackService({ store }),
    recordAnswerCheck: createAnswerCheckService({ store }),
    ...(recommendProducts && { recommendProducts }),
    ...privacy,
    ...options.services,
  };
  const runtime = createConversationRuntime({
    store,
    writer,
    flows: options.flows,
    services,
    delivery,
    classify,
    deliversFromTranscript: (channel) => adapters.get(channel as Channel)?.deliversFromTranscript === true,
    staffChannel,
    timers,
    logger,
    now,
    idleMilliseconds: config.FRONTDESK_ACTOR_IDLE_SECONDS * 1000,
  });
  const gateway = createGateway({ writer, runtime, store, now, existingOnly: new Set(['web']) });
  fireTimer = async (conversationId, name, dueAt) => {
    await gateway.dispatchTo(conversationId, { type: 'timer.fired', name }, `timer:${conversationId}:${name}:${dueAt}`);
  };
  const server = options.serveHttp === false ? undefined : createHttpServer({ logger, allowedOrigins: config.FRONTDESK_WEB_ALLOWED_ORIGINS });
  const secret = config.FRONTDESK_SECRET ?? loadOrCreateSecret(dataDirectory);

  for (const plugin of options.channels ?? []) {
    if (!plugin.isEnabled(env) && !options.forceChannels?.includes(plugin.channel)) continue;
    adapters.set(plugin.channel, await plugin.create({ gateway, store, state: store.channelState(plugin.channel), config, env, logger, secret, now, services }));
  }
  for (const adapter of options.adapters ?? []) adapters.set(adapter.channel, adapter);
  if (server) {
    server.routes.get('/health', () => ({ status: 200, body: { status: 'ok' } }));
    for (const adapter of adapters.values()) adapter.mount(server.routes);
  }
  // --- admin dashboard (issue 9): read-only SQL on its own connection to the store's file, unless a reader is given ---
  const adminReader = options.admin?.reader ?? (options.store ? undefined : createSqliteAnalyticsReader({ file: join(dataDirectory, 'frontdesk.db') }));
  const admin = server && adminReader ? createAdmin({ ...options.admin, config, env, reader: adminReader, logger, now }) : undefined;
  if (server && admin) admin.mount(server.routes);
  // --- end admin dashboard ---

  return {
    gateway,
    store,
    runtime,
    delivery,
    server,
    adapters,
    logger,
    admin, // admin dashboard (issue 9)
    async start() {
      // Older work first: undelivered replies, then journaled messages nobody answered (invariant 3).
      const undelivered = await store.undeliveredOutbox();
      delivery.enqueue(undelivered.map((entry) => ({ message: entry.message, attempts: entry.attempts })));
      const pending = await store.pendingJournal();
      for (const entry of pending) void runtime.enqueue(entry);
      await timers.start();
      if (undelivered.length + pending.length > 0) logger.info({ journal: pending.length, outbox: undelivered.length }, 'recovering unfinished work from the last run');
      const recovered = { journal: pending.length, outbox: undelivered.length };
      if (!server) return { recovered };
      const { url } = await server.listen(config.PORT, config.FRONTDESK_HOST);
      return { url, recovered };
    },
    async stop() {
      timers.stop();
      await server?.close();
      await runtime.stop();
      delivery.stop();
      await writer.flush();
      for (const adapter of adapters.values()) await adapter.close?.();
      admin?.close(); // admin dashboard (issue 9)
      await store.close();
    },
  };
}

/**
 * Recommendations from the knowledge folder's catalog.csv and orders.csv (the demo shop's history). A missing or
 * unreadable catalog turns them off with a warning rather than stopping the bot.
 */
function createDemoRecommendations(directory: string, store: Store, logger: Logger): ServiceImplementation | undefined {
  const catalogFile = join(directory, 'catalog.csv');
  if (!existsSync(catalogFile)) return undefined;
  // Built on first use: most conversations never ask for a recommendation, and start-up stays fast.
  let service: Promise<ServiceImplementation | undefined> | undefined;
  const build = async (): Promise<ServiceImplementation | undefined> => {
    try {
      const products = productsFromCatalogCsv(parseCsv(readFileSync(catalogFile, 'utf8')));
      const ordersFile = join(directory, 'orders.csv');
      const purchases = existsSync(ordersFile) ? purchasesFromOrdersCsv(parseCsv(readFileSync(ordersFile, 'utf8'))) : [];
      // Content similarity through the knowledge embedder: product text in the same vector space as questions.
      const vectors = await new OfflineEmbeddings().embedDocuments(products.map((product) => `${product.name}. ${product.category}. ${product.description ?? ''} ${(product.tags ?? []).join(' ')}`));
      const contentVectors = new Map(products.map((product, index) => [product.id, vectors[index]!]));
      const { recommendProducts } = createRecommendationService({
        products,
        purchases,
        contentVectors,
        shopCustomerOf: async (customerId) => (await store.shopLinkOf(customerId))?.shopCustomerId,
      });
      return recommendProducts as ServiceImplementation;
    } catch (error) {
      logger.warn({ err: error, file: catalogFile }, 'product recommendations are off: the catalog could not be read');
      return undefined;
    }
  };
  return async (input, context) => {
    service ??= build();
    const recommend = await service;
    if (!recommend) throw new FrontdeskError('service_missing', 'Product recommendations are not available: the catalog could not be read (see the log).');
    return recommend(input, context);
  };
}

/** Keeps web tokens valid across restarts without asking the developer to invent a secret for the demo. */
function loadOrCreateSecret(dataDirectory: string): string {
  const file = join(dataDirectory, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDirectory, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
