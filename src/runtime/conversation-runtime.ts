import { createId } from '../ids.js';
import { createActor, fromPromise, StateMachine, type Actor, type AnyActorLogic, type AnyStateMachine } from 'xstate';
import { FrontdeskError } from '../errors.js';
import type { Channel, Message, ReplyContent } from '../message.js';
import type { Logger } from '../logger.js';
import type { ConversationRecord, JournalEntry, Store, TurnCommit } from '../store/store.js';
import type { BatchWriter } from './batch-writer.js';
import { attachReplySink, serviceNames, type FlowMachine, type ServiceName, type TimerOperation } from '../flow/flow.js';
import type { FlowSet } from '../flow/load-flows.js';
import type { FlowEvent, FlowInput, IntentMatch } from '../flow/types.js';

/** What a service receives besides its input: which conversation asks, and a signal that fires if the turn is abandoned. */
export interface ServiceCallContext {
  conversationId: string;
  customerId: string;
  channel: Channel;
  signal: AbortSignal;
  /**
   * Runs `task` once this turn is committed (its replies are in the outbox). For work that must not happen unless
   * the turn sticks, or that would undo the turn's own rows, such as erasing a customer's data on request.
   */
  afterCommit(task: () => Promise<void> | void): void;
}

export type ServiceImplementation = (input: any, context: ServiceCallContext) => Promise<unknown>;
export type ServiceImplementations = Partial<Record<ServiceName, ServiceImplementation>>;

export interface DeliveryQueue {
  enqueue(messages: Array<{ message: Message; attempts: number }>): void;
}

/** Arms committed timers; when one is due it must reach the conversation as a journaled `timer.fired` event. */
export interface TimerScheduler {
  apply(conversationId: string, timers: NonNullable<TurnCommit['timers']>): void;
}

export interface ConversationRuntimeOptions {
  store: Store;
  writer: BatchWriter;
  flows: FlowSet;
  services: ServiceImplementations;
  delivery: DeliveryQueue;
  classify: (text: string) => IntentMatch;
  /** Whether a channel delivers from the transcript, so its replies count as delivered at commit. */
  deliversFromTranscript?: (channel: string) => boolean;
  /** The channel of the staff console (Slack) that handoff notifications go to, if one is configured. */
  staffChannel?: () => Channel | undefined;
  timers?: TimerScheduler;
  logger: Logger;
  now?: () => number;
  /** Actors idle this long leave memory; their snapshot is in the store. */
  idleMilliseconds?: number;
  /** At most this many actors stay in memory; the least recently used leave first. */
  maxLiveActors?: number;
  /** A turn whose services have not settled by then is committed as it stands. */
  turnTimeoutMilliseconds?: number;
}

interface QueuedTurn {
  entry: JournalEntry;
  resolve: (replies: Message[]) => void;
  reject: (error: unknown) => void;
}

interface ServiceExpiry {
  promise: Promise<never>;
  expire: (reason: Error) => void;
  /** Set once the turn deadline has passed. */
  reason?: Error;
  /** Service calls made after the deadline, by flows reacting to the failure. */
  lateCalls: number;
}

function createServiceExpiry(): ServiceExpiry {
  let reject!: (reason: Error) => void;
  const promise = new Promise<never>((_resolve, rejectPromise) => (reject = rejectPromise));
  // Nobody may be racing it when it fires.
  promise.catch(() => {});
  const expiry: ServiceExpiry = {
    promise,
    lateCalls: 0,
    expire: (reason) => {
      expiry.reason = reason;
      reject(reason);
    },
  };
  return expiry;
}

/** After the turn deadline: how many more service calls a turn's flows may make (each fails) before it is committed. */
const MAX_LATE_SERVICE_CALLS = 20;

interface ConversationWorker {
  conversationId: string;
  queue: QueuedTurn[];
  isBusy: boolean;
  actor?: Actor<AnyStateMachine>;
  conversation?: ConversationRecord;
  customerId?: string;
  lastUsed: number;
  replies: Array<{ content: ReplyContent; flow: string }>;
  timerOperations: TimerOperation[];
  afterCommit: Array<() => Promise<void> | void>;
  pendingServices: Set<Promise<unknown>>;
  /** Services invoked since the turn began, settled or not: whether the turn must wait for XState to catch up. */
  serviceCallsThisTurn: number;
  abort?: AbortController;
  /** Fails every service call of this turn, pending or later, once the turn deadline passes (made at the first call). */
  expiry?: ServiceExpiry;
  actorError?: unknown;
  /** A turn started inside the journal transaction (runInlineTurn), waiting for `enqueue` to finish it. */
  inline?: { entryId: string; event: FlowEvent; built?: { commit: TurnCommit; visibleReplies: Message[]; timers: NonNullable<TurnCommit['timers']>; afterCommit: Array<() => Promise<void> | void> } };
}

export interface ConversationRuntime {
  /** Queues a journaled entry for its conversation; resolves with the replies once they are committed. */
  enqueue(entry: JournalEntry): Promise<Message[]>;
  /** The replies to an inbound message: waits if its turn is still running, reads the store if it is done. */
  repliesTo(entry: JournalEntry): Promise<Message[]>;
  /** Processes every journaled but unprocessed entry, in arrival order (after a crash or restart). */
  recover(): Promise<number>;
  /** The id of the flow a conversation is in, or 'router' when it is listening (for tests and dashboards). */
  activeFlow(conversationId: string): Promise<string>;
  liveActorCount(): number;
  /** Drops a conversation's actor from memory (after its data was erased); the next message starts afresh. */
  forget(conversationId: string): void;
  evictIdle(): number;
  stop(): Promise<void>;
}

/**
 * One XState actor per conversation. Turns of one conversation run one at a time in arrival order; conversations
 * run in parallel. A turn's snapshot and replies are committed together before any reply is delivered.
 */
export function createConversationRuntime(options: ConversationRuntimeOptions): ConversationRuntime {
  const { store, writer, flows, delivery, logger } = options;
  const now = options.now ?? Date.now;
  const idleMilliseconds = options.idleMilliseconds ?? 10 * 60_000;
  const maxLiveActors = options.maxLiveActors ?? 10_000;
  const turnTimeoutMilliseconds = options.turnTimeoutMilliseconds ?? 30_000;
  const workers = new Map<string, ConversationWorker>();
  const inFlight = new Map<string, Promise<Message[]>>();
  const workerBySystem = new WeakMap<object, ConversationWorker>();
  let isStopped = false;

  /** Registers a service call with its turn, which waits for it (and XState's reaction) before committing. */
  async function track<T>(worker: ConversationWorker, call: Promise<T>): Promise<T> {
    worker.pendingServices.add(call);
    worker.serviceCallsThisTurn++;
    try {
      return await call;
    } finally {
      worker.pendingServices.delete(call);
    }
  }

  // Services become promise actors that register with their conversation's worker, so a turn knows when every
  // service it started has settled.
  const serviceActors: Record<string, AnyActorLogic> = {};
  // Every service is wrapped, the ones nobody provided too (they reject with a clear error), so a turn always sees
  // its pending calls and never commits before a flow has handled a service's answer or failure.
  for (const name of new Set<string>([...serviceNames, ...Object.keys(options.services)])) {
    const implementation: ServiceImplementation =
      options.services[name as ServiceName] ??
      (async () => {
        throw new FrontdeskError('service_missing', `The "${name}" service was invoked but is not configured.`);
      });
    serviceActors[name] = fromPromise(async ({ input, system }) => {
      const worker = workerBySystem.get(system);
      if (!worker) throw new FrontdeskError('internal', `Service "${name}" ran outside a conversation.`);
      const expiry = (worker.expiry ??= createServiceExpiry());
      if (expiry.reason) {
        // The turn has timed out and a flow reacted by calling again. Fail on a later tick, so a flow that retries
        // at once cannot starve the event loop; past the limit, leave the call unanswered so the turn can end.
        if (++expiry.lateCalls > MAX_LATE_SERVICE_CALLS) {
          if (expiry.lateCalls === MAX_LATE_SERVICE_CALLS + 1) logger.error({ conversationId: worker.conversationId, service: name }, 'a flow kept calling a service after its turn timed out; further calls are left unanswered');
          return new Promise<never>(() => {});
        }
        return track(worker, new Promise<never>((_resolve, reject) => setImmediate(() => reject(expiry.reason))));
      }
      const answer = implementation(input, {
        conversationId: worker.conversationId,
        customerId: worker.customerId ?? '',
        channel: worker.conversation!.channel,
        // Made when a service first asks for it: most calls never do, and an AbortController is not free (on Node 20
        // each signal even gets a hidden class of its own).
        get signal() {
          return (worker.abort ??= new AbortController()).signal;
        },
        afterCommit: (task) => worker.afterCommit.push(task),
      });
      // A service that ignores its signal still fails at the deadline, so the flow's onError answers in this turn.
      return track(worker, Promise.race([answer, expiry.promise]));
    });
  }
  const provideServices = (machine: FlowMachine) => machine.provide({ actors: serviceActors as never });
  const flowActors: Record<string, AnyActorLogic> = {};
  for (const definition of flows.flows) flowActors[definition.id] = provideServices(definition.machine);
  const flowIds = new Set(flows.flows.map((definition) => definition.id));
  const rootMachine = flows.router.machine.provide({
    actors: { ...serviceActors, ...flowActors } as never,
    guards: { isFlowAvailable: (_: unknown, params: { flowId: string }) => flowIds.has(params.flowId) } as never,
  }) as unknown as AnyStateMachine;

  function workerFor(conversationId: string): ConversationWorker {
    let worker = workers.get(conversationId);
    if (!worker) {
      worker = { conversationId, queue: [], isBusy: false, lastUsed: now(), replies: [], timerOperations: [], afterCommit: [], pendingServices: new Set(), serviceCallsThisTurn: 0 };
      workers.set(conversationId, worker);
      if (workers.size > maxLiveActors) evictLeastRecentlyUsed();
    }
    return worker;
  }

  function createConversationActor(worker: ConversationWorker, input: FlowInput, snapshot?: unknown): Actor<AnyStateMachine> {
    const actor = createActor(rootMachine, snapshot === undefined ? { input } : { input, snapshot: snapshot as never });
    workerBySystem.set(actor.system, worker);
    // Each reply is traced to the flow that was active when it was said (invariant 5).
    attachReplySink(actor, {
      reply: (content) => worker.replies.push({ content, flow: currentFlow(actor) }),
      timer: (operation) => worker.timerOperations.push(operation),
    });
    // Without an error listener XState rethrows machine errors asynchronously, which would crash the process.
    actor.subscribe({ error: (error) => (worker.actorError = error) });
    actor.start();
    return actor;
  }

  const currentFlow = (actor: Actor<AnyStateMachine>): string => (actor.getSnapshot().context as { activeFlow?: string }).activeFlow ?? 'router';

  async function loadActor(worker: ConversationWorker): Promise<Actor<AnyStateMachine>> {
    if (worker.actor) return worker.actor;
    const conversation = worker.conversation ?? (await store.getConversation(worker.conversationId));
    if (!conversation) throw new FrontdeskError('not_found', `Conversation ${worker.conversationId} is not in the store.`);
    worker.conversation = conversation;
    worker.customerId = conversation.customerId;
    const [customer, record] = await Promise.all([store.getCustomer(conversation.customerId), store.loadSnapshot(conversation.id)]);
    const input: FlowInput = {
      conversationId: conversation.id,
      channel: conversation.channel,
      customer: { id: conversation.customerId, name: customer?.displayName, isReturning: record !== undefined },
    };
    let actor: Actor<AnyStateMachine> | undefined;
    if (record) {
      const isCompatible = record.flowVersion === flows.version || isSnapshotCompatible(rootMachine, record.snapshot);
      if (isCompatible) {
        actor = createConversationActor(worker, input, record.snapshot);
        if (actor.getSnapshot().status === 'error' || worker.actorError) {
          actor.stop();
          actor = undefined;
          worker.actorError = undefined;
        }
      }
      if (!actor) {
        // A snapshot from a flow that changed shape: restart at the router's first state rather than crash (invariant 4).
        logger.warn({ conversationId: conversation.id, storedVersion: record.flowVersion, currentVersion: flows.version }, 'snapshot from an older flow version could not be restored; conversation restarted at a safe state');
      }
    }
    actor ??= createConversationActor(worker, input);
    worker.actor = actor;
    return actor;
  }

  function toEvent(entry: JournalEntry): FlowEvent {
    if (entry.payload.kind === 'message') {
      const message = entry.payload.message;
      return { type: 'message.received', message, intent: message.role === 'customer' ? options.classify(message.text) : { flowId: null, confidence: 0, candidates: [] } };
    }
    return entry.payload.event as FlowEvent;
  }

  async function settle(worker: ConversationWorker): Promise<void> {
    if (worker.serviceCallsThisTurn === 0) return;
    const deadline = now() + turnTimeoutMilliseconds;
    let hasExpired = false;
    // A service can settle before we look (a fast one, or one started inside the journal transaction), and XState
    // reacts to it a few microtasks later, possibly by invoking the next one: so always let it catch up once more,
    // and stop only when nothing is pending after that.
    for (;;) {
      if (worker.pendingServices.size > 0) {
        const remaining = deadline - now();
        if (remaining <= 0 && !hasExpired) {
          // Every pending call fails (later ones on the next tick), and the flows get a moment to react, typically by saying
          // they cannot answer now and offering a person, instead of leaving the customer without a reply.
          hasExpired = true;
          const reason = new FrontdeskError('service_timeout', `turn timed out: a service did not answer within ${turnTimeoutMilliseconds} ms`);
          worker.abort?.abort(reason);
          worker.expiry?.expire(reason);
          logger.error({ conversationId: worker.conversationId }, 'a turn timed out waiting for services; its pending calls fail so the flow can answer');
        }
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...worker.pendingServices]), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(remaining, 0))))]);
        clearTimeout(timer);
      }
      await new Promise((resolve) => setImmediate(resolve));
      if (worker.pendingServices.size === 0) return;
    }
  }

  /** Sends the entry's event to the actor; synchronous, so a turn with no services finishes right here. */
  function startTurn(worker: ConversationWorker, actor: Actor<AnyStateMachine>, entry: JournalEntry): FlowEvent {
    worker.serviceCallsThisTurn = 0;
    worker.replies = [];
    worker.timerOperations = [];
    worker.afterCommit = [];
    worker.actorError = undefined;
    worker.abort = undefined;
    worker.expiry = undefined;
    const event = toEvent(entry);
    actor.send(event as never);
    return event;
  }

  const isTurnFinished = (worker: ConversationWorker, actor: Actor<AnyStateMachine>) => worker.serviceCallsThisTurn === 0 && !worker.actorError && actor.getSnapshot().status === 'active';

  interface BuiltTurn {
    commit: TurnCommit;
    visibleReplies: Message[];
    timers: NonNullable<TurnCommit['timers']>;
    afterCommit: Array<() => Promise<void> | void>;
  }

  /** Turns what the machines said and scheduled during the turn into the rows committed with the snapshot. */
  function buildTurn(worker: ConversationWorker, actor: Actor<AnyStateMachine>, entry: JournalEntry, event: FlowEvent): BuiltTurn {
    const confidence = event.type === 'message.received' ? event.intent.confidence : undefined;
    const createdAt = new Date(now()).toISOString();
    const conversation = worker.conversation!;
    const staffChannel = options.staffChannel?.();
    // A Map, not an object keyed by message id: V8 records every new first key of a `{}` as a transition of the one
    // shared empty-object shape, and past ~1,500 of them every new object shape in the process is built from scratch.
    const replyStatuses = new Map<string, 'delivered' | 'dead'>();
    const isCustomerChannelPull = options.deliversFromTranscript?.(conversation.channel) ?? false;
    const replies: Message[] = worker.replies.map(({ content, flow }) => {
      const isForStaff = content.audience === 'staff';
      const message: Message = {
        id: createId('m'),
        conversationId: conversation.id,
        // Staff notifications go to the staff console's channel; with none configured they are kept, marked undeliverable.
        channel: isForStaff ? (staffChannel ?? 'slack') : conversation.channel,
        role: content.role ?? 'bot',
        text: content.text,
        ...(content.senderName && { senderName: content.senderName }),
        ...(content.quickReplies && { quickReplies: content.quickReplies }),
        ...(content.cards && { cards: content.cards }),
        ...(content.citations && { citations: content.citations }),
        ...(isForStaff && content.staff && { channelData: { staff: content.staff, customerChannel: conversation.channel } }),
        trace: { flow, confidence: content.confidence ?? confidence },
        createdAt,
      };
      if (isForStaff && !staffChannel) replyStatuses.set(message.id, 'dead');
      else if (!isForStaff && isCustomerChannelPull) replyStatuses.set(message.id, 'delivered');
      return message;
    });
    // A fired timer is spent; the flow's own operations come after, so a restart in the same turn wins.
    const firedTimer = event.type === 'timer.fired' ? [{ name: event.name, cancel: true as const }] : [];
    const timers: NonNullable<TurnCommit['timers']> = [
      ...firedTimer,
      ...worker.timerOperations.map((operation) => (operation.kind === 'start' ? { name: operation.name, dueAt: now() + operation.delayMilliseconds } : { name: operation.name, cancel: true as const })),
    ];
    const built: BuiltTurn = {
      commit: {
        journalSeq: entry.seq,
        conversationId: conversation.id,
        flowVersion: flows.version,
        snapshot: actor.getPersistedSnapshot(),
        replies,
        replyTo: entry.id,
        replyStatuses,
        ...(timers.length > 0 && { timers }),
      },
      visibleReplies: replies.filter((reply) => replyStatuses.get(reply.id) !== 'dead'),
      timers,
      afterCommit: worker.afterCommit,
    };
    worker.replies = [];
    worker.timerOperations = [];
    worker.afterCommit = [];
    return built;
  }

  /** What happens once a turn's rows are committed: arm its timers, run its after-commit tasks. */
  async function finishCommittedTurn(worker: ConversationWorker, built: BuiltTurn): Promise<Message[]> {
    if (built.timers.length > 0) options.timers?.apply(worker.conversationId, built.timers);
    for (const task of built.afterCommit) {
      try {
        await task();
      } catch (error) {
        logger.error({ err: error, conversationId: worker.conversationId }, 'a task after a committed turn failed');
      }
    }
    return built.visibleReplies;
  }

  /** The rest of a turn after its event was sent: wait for services, recover from a broken machine, commit. */
  async function completeTurn(worker: ConversationWorker, entry: JournalEntry, event: FlowEvent): Promise<Message[]> {
    await settle(worker);
    let actor = worker.actor!;
    if (worker.actorError || actor.getSnapshot().status !== 'active') {
      // A flow threw or finished the root machine: apologise, and start this conversation afresh.
      logger.error({ conversationId: worker.conversationId, err: worker.actorError, status: actor.getSnapshot().status }, 'conversation machine stopped; restarting it at a safe state');
      actor.stop();
      worker.actor = undefined;
      worker.replies = [{ content: { text: "Sorry, something went wrong on my side. Could you say that again? Type \"agent\" to reach a person." }, flow: 'router' }];
      worker.timerOperations = [];
      worker.afterCommit = [];
      const apology = worker.replies;
      actor = await loadActorFresh(worker);
      worker.replies = apology;
    }
    const built = buildTurn(worker, actor, entry, event);
    await writer.commitTurn(built.commit);
    return finishCommittedTurn(worker, built);
  }

  async function runTurn(worker: ConversationWorker, entry: JournalEntry): Promise<Message[]> {
    // A live actor needs no await: most turns of a busy conversation take this path.
    const actor = worker.actor ?? (await loadActor(worker));
    const event = startTurn(worker, actor, entry);
    return completeTurn(worker, entry, event);
  }

  /**
   * Called by the batch writer inside the journal's transaction: if this conversation's actor is in memory and idle,
   * run the turn now, and if it finishes synchronously (no services), hand back its commit so it joins the journal
   * row's transaction. A turn that waits for a service is continued by `enqueue` once the journal row is committed.
   */
  const inlineWorkers = new Set<ConversationWorker>();
  function runInlineTurn(entry: JournalEntry): TurnCommit | undefined {
    if (isStopped) return undefined;
    const worker = workers.get(entry.conversationId);
    const actor = worker?.actor;
    if (!worker || !actor || worker.isBusy || worker.queue.length > 0 || inFlight.has(entry.id)) return undefined;
    worker.isBusy = true;
    inlineWorkers.add(worker);
    worker.lastUsed = now();
    try {
      const event = startTurn(worker, actor, entry);
      if (!isTurnFinished(worker, actor)) {
        worker.inline = { entryId: entry.id, event };
        return undefined;
      }
      const built = buildTurn(worker, actor, entry, event);
      worker.inline = { entryId: entry.id, event, built };
      return built.commit;
    } catch (error) {
      // Never let a flow's exception roll back the journal: the turn runs again the ordinary way.
      logger.error({ err: error, conversationId: worker.conversationId }, 'an inline turn failed; retrying it outside the journal transaction');
      abandonInline(worker);
      return undefined;
    }
  }

  function abandonInline(worker: ConversationWorker) {
    worker.actor?.stop();
    worker.actor = undefined;
    worker.inline = undefined;
    worker.isBusy = false;
    inlineWorkers.delete(worker);
  }

  writer.setInlineTurns({
    run: runInlineTurn,
    // The journal transaction failed: the actors that ran ahead of the store are dropped and reload from their snapshot.
    abort: () => {
      for (const worker of [...inlineWorkers]) abandonInline(worker);
    },
  });

  /** Finishes a turn started inside the journal transaction, then lets the conversation's queue move on. */
  async function resumeInline(worker: ConversationWorker, entry: JournalEntry): Promise<Message[]> {
    const inline = worker.inline!;
    worker.inline = undefined;
    inlineWorkers.delete(worker);
    try {
      const replies = inline.built ? await finishCommittedTurn(worker, inline.built) : await completeTurn(worker, entry, inline.event);
      if (replies.length > 0) delivery.enqueue(replies.map((message) => ({ message, attempts: 0 })));
      return replies;
    } catch (error) {
      worker.actor?.stop();
      worker.actor = undefined;
      logger.error({ err: error, conversationId: worker.conversationId, journalSeq: entry.seq }, 'a turn failed to commit; it stays in the journal');
      throw error;
    } finally {
      worker.isBusy = false;
      worker.lastUsed = now();
      void drain(worker);
    }
  }

  async function loadActorFresh(worker: ConversationWorker): Promise<Actor<AnyStateMachine>> {
    const conversation = worker.conversation!;
    const customer = await store.getCustomer(conversation.customerId);
    const actor = createConversationActor(worker, { conversationId: conversation.id, channel: conversation.channel, customer: { id: conversation.customerId, name: customer?.displayName, isReturning: true } });
    worker.actor = actor;
    return actor;
  }

  async function drain(worker: ConversationWorker): Promise<void> {
    if (worker.isBusy) return;
    worker.isBusy = true;
    try {
      while (worker.queue.length > 0 && !isStopped) {
        const turn = worker.queue.shift()!;
        worker.lastUsed = now();
        try {
          const replies = await runTurn(worker, turn.entry);
          turn.resolve(replies);
          if (replies.length > 0) delivery.enqueue(replies.map((message) => ({ message, attempts: 0 })));
        } catch (error) {
          // The commit failed: the in-memory actor is ahead of the store, so drop it and let the journal entry, still
          // pending, run again from the last committed snapshot (at the next recovery).
          worker.actor?.stop();
          worker.actor = undefined;
          logger.error({ err: error, conversationId: worker.conversationId, journalSeq: turn.entry.seq }, 'a turn failed to commit; it stays in the journal');
          turn.reject(error);
        } finally {
          inFlight.delete(turn.entry.id);
        }
      }
    } finally {
      worker.isBusy = false;
      worker.lastUsed = now();
    }
  }

  function evictLeastRecentlyUsed() {
    let oldest: ConversationWorker | undefined;
    for (const worker of workers.values()) if (!worker.isBusy && worker.queue.length === 0 && (!oldest || worker.lastUsed < oldest.lastUsed)) oldest = worker;
    if (oldest) evict(oldest);
  }

  function evict(worker: ConversationWorker) {
    worker.actor?.stop();
    workers.delete(worker.conversationId);
  }

  const sweepTimer = setInterval(() => runtime.evictIdle(), Math.max(1000, Math.min(idleMilliseconds, 60_000)));
  sweepTimer.unref();

  const runtime: ConversationRuntime = {
    enqueue(entry) {
      const existing = inFlight.get(entry.id);
      if (existing) return existing;
      const worker = workerFor(entry.conversationId);
      if (worker.inline?.entryId === entry.id) {
        const resumed = resumeInline(worker, entry);
        resumed.catch(() => undefined);
        inFlight.set(entry.id, resumed);
        void resumed.finally(() => inFlight.delete(entry.id)).catch(() => undefined);
        return resumed;
      }
      const promise = new Promise<Message[]>((resolve, reject) => worker.queue.push({ entry, resolve, reject }));
      // Callers that only need the journal (webhooks) never await the replies; the runtime logs failures itself.
      promise.catch(() => undefined);
      inFlight.set(entry.id, promise);
      void drain(worker);
      return promise;
    },
    async repliesTo(entry) {
      const running = inFlight.get(entry.id);
      if (running) return running;
      if (entry.status === 'processed') return store.repliesTo(entry.id);
      const fresh = await store.findJournal(entry.channel, entry.externalId);
      if (fresh?.status === 'processed') return store.repliesTo(entry.id);
      return runtime.enqueue(entry);
    },
    async recover() {
      const pending = await store.pendingJournal();
      for (const entry of pending) void runtime.enqueue(entry);
      await Promise.allSettled(pending.map((entry) => inFlight.get(entry.id)));
      return pending.length;
    },
    async activeFlow(conversationId) {
      const worker = workerFor(conversationId);
      const actor = await loadActor(worker);
      return currentFlow(actor);
    },
    liveActorCount: () => [...workers.values()].filter((worker) => worker.actor).length,
    forget(conversationId) {
      const worker = workers.get(conversationId);
      if (!worker) return;
      worker.actor?.stop();
      worker.actor = undefined;
      worker.conversation = undefined;
      if (!worker.isBusy && worker.queue.length === 0) workers.delete(conversationId);
    },
    evictIdle() {
      const cutoff = now() - idleMilliseconds;
      let count = 0;
      for (const worker of [...workers.values()]) {
        if (!worker.isBusy && worker.queue.length === 0 && worker.lastUsed <= cutoff) {
          evict(worker);
          count++;
        }
      }
      return count;
    },
    async stop() {
      isStopped = true;
      clearInterval(sweepTimer);
      await Promise.allSettled([...inFlight.values()]);
      for (const worker of workers.values()) worker.actor?.stop();
      workers.clear();
    },
  };
  return runtime;
}

/**
 * Whether a snapshot taken under another flow version still fits the current machines: every active state exists,
 * and every child actor's flow is still registered (recursively). If so, it is restored as is (a compatible
 * migration); if not, the conversation restarts at a safe state.
 */
export function isSnapshotCompatible(machine: AnyStateMachine, snapshot: unknown): boolean {
  if (!snapshot || typeof snapshot !== 'object') return false;
  const { value, children, status } = snapshot as { value?: unknown; children?: Record<string, { src?: unknown; snapshot?: unknown }>; status?: string };
  if (status !== 'active') return false;
  const hasStates = (node: AnyStateMachine['root'], stateValue: unknown): boolean => {
    if (typeof stateValue === 'string') return stateValue in node.states;
    if (!stateValue || typeof stateValue !== 'object') return false;
    return Object.entries(stateValue).every(([key, childValue]) => {
      const child = node.states[key];
      return child !== undefined && (childValue === undefined || (typeof childValue === 'object' && Object.keys(childValue as object).length === 0) || hasStates(child as AnyStateMachine['root'], childValue));
    });
  };
  if (!hasStates(machine.root, value)) return false;
  for (const child of Object.values(children ?? {})) {
    if (typeof child.src !== 'string') return false;
    const logic = (machine.implementations.actors as Record<string, unknown>)[child.src];
    if (!logic) return false;
    if (logic instanceof StateMachine && !isSnapshotCompatible(logic as AnyStateMachine, child.snapshot)) return false;
  }
  return true;
}
