import { type ActorSystem, assign, enqueueActions, fromPromise, sendParent, setup, sendTo, stopChild, type StateNodeConfig } from 'xstate';
import { FrontdeskError } from '../errors.js';
import type { HandoffReason, ReplyContent } from '../message.js';
import type { FlowContext, FlowEvent, FlowInput } from './types.js';

type AnyActorSystem = ActorSystem<any>;

/** What `searchKnowledge` resolves with: an answer only when the knowledge is sure enough to give one. */
export interface KnowledgeAnswer {
  isConfident: boolean;
  answer?: string;
  confidence: number;
  citations: Array<{ source: string; heading?: string; score?: number }>;
}

export type { RecommendProductsInput, RecommendProductsResult as RecommendationsResult } from '../recommend/recommendation-service.js';
import type { RecommendProductsInput, RecommendProductsResult } from '../recommend/recommendation-service.js';

export type { HandoffOutcome as HandoffResult } from '../handoff/handoff-service.js';
import type { HandoffOutcome } from '../handoff/handoff-service.js';
import type { OrderLookupInput, OrderLookupResult } from '../orders/order-services.js';
import type { FeedbackInput } from '../feedback/feedback-service.js';
import type { DataExport, DataSummary } from '../privacy/privacy-services.js';
export type { OrderLookupInput, OrderLookupResult, FeedbackInput, DataExport, DataSummary };

/** What the business knows about a customer; fields are present only when known (and allowed to be shown). */
export interface ProfileResult {
  name?: string;
  email?: string;
  phone?: string;
  isReturning: boolean;
  recentOrders?: Array<{ orderNumber: string; status: string; placedAt: string; total?: number }>;
}

/** The services a flow may `invoke`, by name. The runtime provides them; a flow names the ones it needs in `needs`. */
export const serviceNames = [
  'searchKnowledge',
  'recommendProducts',
  'requestHandoff',
  'lookupCustomer',
  // Orders, feedback and privacy (src/orders, src/feedback, src/privacy): each acts on the asking conversation's customer only.
  'lookupOrder',
  'recordFeedback',
  'recordAnswerCheck',
  'describeCustomerData',
  'exportCustomerData',
  'eraseCustomerData',
  'checkConsent',
  'recordConsent',
] as const;
export type ServiceName = (typeof serviceNames)[number];

const notProvided = <TOutput, TInput>(name: ServiceName) =>
  fromPromise<TOutput, TInput>(async () => {
    throw new FrontdeskError('service_missing', `The "${name}" service was invoked but the runtime provides no implementation. Add "${name}" to the flow's "needs" and configure it.`);
  });

export type TimerOperation = { kind: 'start'; name: string; delayMilliseconds: number } | { kind: 'cancel'; name: string };

/** Where a conversation's machines send what they say and the timers they set during a turn. */
export interface TurnSink {
  reply(reply: ReplyContent): void;
  timer(operation: TimerOperation): void;
}

/** One sink per actor system (one conversation's tree of actors). */
const turnSinks = new WeakMap<AnyActorSystem, TurnSink>();

/**
 * Routes the replies (and timers) of every machine in `actor`'s system to `sink`. The runtime does this for each
 * conversation; a unit test of a flow can do it too.
 *
 * @example
 * const actor = createActor(myFlow.machine, { input });
 * const replies: ReplyContent[] = [];
 * attachReplySink(actor, (reply) => replies.push(reply));
 */
export function attachReplySink(actor: { system: AnyActorSystem }, sink: ((reply: ReplyContent) => void) | TurnSink): void {
  turnSinks.set(actor.system, typeof sink === 'function' ? { reply: sink, timer: () => undefined } : sink);
}

const sinkOf = (system: AnyActorSystem, what: string): TurnSink => {
  const sink = turnSinks.get(system);
  if (!sink) throw new FrontdeskError('internal', `A flow tried to ${what} but no sink is attached to its actor system.`);
  return sink;
};

const base = setup({
  types: {
    context: {} as FlowContext,
    events: {} as FlowEvent,
    input: {} as FlowInput,
  },
  actors: {
    searchKnowledge: notProvided<KnowledgeAnswer, { query: string }>('searchKnowledge'),
    recommendProducts: notProvided<RecommendProductsResult, RecommendProductsInput>('recommendProducts'),
    requestHandoff: notProvided<HandoffOutcome, { reason: HandoffReason }>('requestHandoff'),
    lookupCustomer: notProvided<ProfileResult, { customerId: string }>('lookupCustomer'),
    lookupOrder: notProvided<OrderLookupResult, OrderLookupInput>('lookupOrder'),
    recordFeedback: notProvided<{ id: string }, FeedbackInput>('recordFeedback'),
    recordAnswerCheck: notProvided<{ isRecorded: true }, { question: string; source?: string; wasHelpful: boolean }>('recordAnswerCheck'),
    describeCustomerData: notProvided<DataSummary, Record<string, never>>('describeCustomerData'),
    exportCustomerData: notProvided<DataExport, Record<string, never>>('exportCustomerData'),
    eraseCustomerData: notProvided<{ isScheduled: true }, Record<string, never>>('eraseCustomerData'),
    checkConsent: notProvided<{ status: 'granted' | 'refused' | 'unknown' }, { purpose: string }>('checkConsent'),
    recordConsent: notProvided<{ isGranted: boolean }, { purpose: string; isGranted: boolean }>('recordConsent'),
  },
  actions: {
    reply: ({ system }, params: ReplyContent) => sinkOf(system, `reply "${params.text.slice(0, 40)}"`).reply(params),
    /** Starts (or restarts) a named timer; the runtime persists its deadline so it fires after a restart too. */
    startTimer: ({ system }, params: { name: string; delayMilliseconds: number }) => sinkOf(system, 'start a timer').timer({ kind: 'start', ...params }),
    cancelTimer: ({ system }, params: { name: string }) => sinkOf(system, 'cancel a timer').timer({ kind: 'cancel', ...params }),
    rememberText: assign({
      lastText: ({ event, context }) => (event.type === 'message.received' ? event.message.text : context.lastText),
    }),
    /**
     * Router: start the flow the intent names as the child actor `activeFlow`, handing it the message. Like
     * `startFlowById` and `startHandoff`, it also remembers the message's text (`rememberText`) in the same assign:
     * every assign copies the whole snapshot, and these run on nearly every message.
     */
    startFlow: enqueueActions(({ enqueue, event, context }) => {
      if (event.type !== 'message.received' || !event.intent.flowId) return;
      const input: FlowInput = { conversationId: context.conversationId, channel: context.channel, customer: context.customer, message: event.message, intent: event.intent, misses: context.misses };
      // Flows are registered with the root machine at start-up by id, so the src is only known at run time.
      enqueue.spawnChild(event.intent.flowId as 'searchKnowledge', { id: 'activeFlow', input: input as never });
      enqueue.assign({ activeFlow: event.intent.flowId, lastText: event.message.text });
    }),
    /** Router: start a flow by id (for example `welcome` when a conversation opens, `handoff` with a reason). */
    startFlowById: enqueueActions(({ enqueue, context, event }, params: { flowId: string; reason?: HandoffReason }) => {
      const reason = params.reason ?? (event.type === 'handoff.requested' ? event.reason : undefined);
      const message = event.type === 'message.received' ? event.message : undefined;
      const input: FlowInput = { conversationId: context.conversationId, channel: context.channel, customer: context.customer, message, reason, misses: context.misses };
      enqueue.spawnChild(params.flowId as 'searchKnowledge', { id: 'activeFlow', input: input as never });
      enqueue.assign({ activeFlow: params.flowId, lastText: message?.text ?? context.lastText });
    }),
    forwardToFlow: sendTo('activeFlow', ({ event }) => event),
    /**
     * Router: stop whatever flow runs and start the `handoff` flow. The reason is the one given, else the one a flow
     * sent with `handoff.requested`, else the one the bot offered a person for, else "asked".
     */
    startHandoff: enqueueActions(({ enqueue, context, event }, params: { reason?: HandoffReason }) => {
      const offered = context.slots.offeredHandoff as HandoffReason | undefined;
      const reason = params.reason ?? (event.type === 'handoff.requested' ? event.reason : undefined) ?? offered ?? 'asked';
      const message = event.type === 'message.received' ? event.message : undefined;
      if (context.activeFlow) enqueue.stopChild('activeFlow');
      const input: FlowInput = { conversationId: context.conversationId, channel: context.channel, customer: context.customer, message, reason };
      enqueue.spawnChild('handoff' as 'searchKnowledge', { id: 'activeFlow', input: input as never });
      enqueue.assign({ activeFlow: 'handoff', lastText: message?.text ?? context.lastText, slots: { ...context.slots, offeredHandoff: undefined } });
    }),
    /**
     * Router: a flow finished. Its child actor is stopped and dropped: XState keeps a finished child in the parent's
     * snapshot until something replaces it, so without this every later turn would carry (and persist) the last
     * flow's final state. A flow that finished with `output: { missed: true }` could not answer; two in a row is a
     * handoff trigger, so the count goes to the next flow as `input.misses`. Any other finished flow resets it.
     * One assign for all of it: each assign copies the whole snapshot.
     */
    finishFlow: enqueueActions(({ enqueue, context, event }) => {
      const output = (event as { output?: { missed?: boolean; profile?: { name?: string } } }).output;
      enqueue.stopChild('activeFlow');
      enqueue.assign({
        activeFlow: undefined,
        misses: output?.missed ? context.misses + 1 : 0,
        // A flow that looked the customer up hands the result back, so the next flow need not ask the store again.
        customer: output?.profile ? Object.assign({}, context.customer, { name: output.profile.name ?? context.customer.name, isLookedUp: true }) : context.customer,
      });
    }),
    /** Router: remember that a person was offered and why, so a plain "yes" next accepts it. */
    rememberOffer: assign({ slots: ({ context }, params: { reason: HandoffReason }) => ({ ...context.slots, offeredHandoff: params.reason }) }),
    /** Router: count consecutive clearly negative customer messages (VADER compound ≤ -0.4). */
    trackSentiment: assign({
      // A handed-back message was counted when it first arrived.
      negativeStreak: ({ context, event }) =>
        event.type === 'message.received' && event.isHandedBack ? context.negativeStreak : event.type === 'message.received' && (event.message.sentiment ?? 0) <= -0.4 ? (context.negativeStreak ?? 0) + 1 : 0,
    }),
    stopFlow: enqueueActions(({ enqueue }) => {
      enqueue.stopChild('activeFlow');
      enqueue.assign({ activeFlow: undefined });
    }),
  },
  guards: {
    hasConfidentIntent: ({ event }) => event.type === 'message.received' && event.intent.flowId !== null,
    isInFlow: ({ context }) => context.activeFlow !== undefined,
    /** Whether a flow with this id is loaded; the runtime provides the real check. */
    isFlowAvailable: (_, _params: { flowId: string }) => false,
    /** The message is for this flow (by the router's classification). */
    isIntent: ({ event }, params: { flowId: string }) => event.type === 'message.received' && event.intent.flowId === params.flowId,
    /** The customer asks for a person ("agent", "human", "talk to a person" and paraphrases). */
    isHandoffRequest: ({ event }) => event.type === 'message.received' && event.intent.flowId === 'handoff',
    /** After the bot offered a person, a plain "yes" accepts. */
    acceptsOfferedHandoff: ({ context, event }) => context.slots.offeredHandoff !== undefined && event.type === 'message.received' && slotExtractors.yesNo!(event.message.text) === 'yes',
    /** This message is clearly negative and so was the one before. */
    isSustainedNegative: ({ context, event }) => event.type === 'message.received' && !event.isHandedBack && (event.message.sentiment ?? 0) <= -0.4 && (context.negativeStreak ?? 0) >= 1,
  },
});

/** The context every flow starts with, from the input the router (or the runtime) gives it. */
export const startingContext = ({ input }: { input: FlowInput }): FlowContext => ({
  conversationId: input.conversationId,
  channel: input.channel,
  customer: input.customer,
  slots: {},
  lastText: input.message?.text ?? '',
  misses: 0,
});

/**
 * The event is whatever the transition handles: a FlowEvent, or an invoked service's done event (`event.output`).
 * It is typed loosely so one helper serves both; narrow it with `event.type` or read `event.output`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type HandledEvent = FlowEvent & { output?: any };
type ReplyParams = ReplyContent | ((args: { context: FlowContext; event: HandledEvent }) => ReplyContent);

/** `flow.reply('text')` or `flow.reply(({ context }) => ({ text: ... }))`: an action that says something. */
function reply(content: string | ReplyParams) {
  const params = typeof content === 'string' ? { text: content } : content;
  // The cast lets one helper serve transitions on any event (see HandledEvent).
  return { type: 'reply' as const, params: params as ReplyContent };
}

/** Values a slot can be filled with; `ask` re-asks when the customer's answer does not fit. */
export const slotExtractors: Record<string, (text: string) => string | undefined> = {
  orderNumber: (text) => /\bFD-?\s?(\d{3,8})\b/i.exec(text)?.[1]?.replace(/^/, 'FD-'),
  email: (text) => /[^\s@]+@[^\s@]+\.[^\s@]+/.exec(text)?.[0],
  number: (text) => /-?\d+(?:\.\d+)?/.exec(text)?.[0],
  yesNo: (text) => (/^\s*(y|yes|yeah|yep|sure|ok|okay|please)\b/i.test(text) ? 'yes' : /^\s*(n|no|nope|not really|no thanks)\b/i.test(text) ? 'no' : undefined),
  text: (text) => (text.trim() ? text.trim() : undefined),
};

type FlowStateConfig = ReturnType<typeof base.createStateConfig>;
type ReceivedMessage = Extract<FlowEvent, { type: 'message.received' }>;

/**
 * A state that asks a question and waits for an answer that fits `expect`; it re-asks once, then goes to `onFail`.
 *
 * @example
 * askingOrder: flow.ask('What is your order number? It starts with FD-.', { expect: 'orderNumber', then: 'lookingUp' })
 */
function ask(question: string | ReplyContent, options: { expect: keyof typeof slotExtractors; slot?: string; then: string; onFail?: string; reprompt?: string }): FlowStateConfig {
  const extract = slotExtractors[options.expect];
  if (!extract) throw new FrontdeskError('flow_invalid', `flow.ask: unknown "expect" value "${String(options.expect)}". Use one of: ${Object.keys(slotExtractors).join(', ')}.`);
  const slot = options.slot ?? options.expect;
  const triesSlot = `${slot}:tries`;
  const content = typeof question === 'string' ? { text: question } : question;
  return base.createStateConfig({
    entry: [reply(content), assign({ slots: ({ context }) => ({ ...context.slots, [triesSlot]: '0' }) })],
    on: {
      'message.received': [
        {
          guard: ({ event }) => event.type === 'message.received' && extract(event.message.text) !== undefined,
          target: options.then,
          actions: assign({
            slots: ({ context, event }) => ({ ...context.slots, [slot]: event.type === 'message.received' ? extract(event.message.text) : undefined }),
            lastText: ({ context, event }) => (event.type === 'message.received' ? event.message.text : context.lastText),
          }),
        },
        {
          guard: ({ context }) => context.slots[triesSlot] === '0',
          actions: [assign({ slots: ({ context }) => ({ ...context.slots, [triesSlot]: '1' }) }), reply(options.reprompt ?? `Sorry, I didn't catch that. ${content.text}`)],
        },
        { target: options.onFail ?? options.then },
      ],
    },
  });
}

/**
 * A state that answers `context.lastText` from the knowledge base, with citations. Below the confidence threshold
 * it says so and goes to `ifUnsure`; it never guesses.
 */
function answerFromKnowledge(options: { then: string; ifUnsure: string }): FlowStateConfig {
  return base.createStateConfig({
    invoke: {
      src: 'searchKnowledge',
      input: ({ context }) => ({ query: context.lastText }),
      onDone: [
        {
          guard: ({ event }) => event.output.isConfident && Boolean(event.output.answer),
          target: options.then,
          actions: [
            { type: 'reply', params: ({ event }) => ({ text: event.output.answer!, citations: event.output.citations, confidence: event.output.confidence }) },
            assign({ misses: 0 }),
          ],
        },
        { target: options.ifUnsure, actions: assign({ misses: ({ context }) => context.misses + 1 }) },
      ],
      onError: { target: options.ifUnsure, actions: assign({ misses: ({ context }) => context.misses + 1 }) },
    },
  });
}

/**
 * A state that offers a person. "Yes" (or "agent") asks the router for a handoff with `reason`; "no" goes to `then`
 * (default "done") and the customer carries on with the bot. Anything else is a new message, not an answer: it is
 * handed back to the router, which ends this flow and routes the message afresh ("where is my order?" gets the order
 * flow, not "No problem").
 */
function offerHuman(options: { reason: HandoffReason; then?: string }): FlowStateConfig {
  return base.createStateConfig({
    entry: reply({
      text: "I'm not sure I can help with that myself. Would you like me to bring in a member of our team?",
      quickReplies: [
        { label: 'Yes, a person please', value: 'yes' },
        { label: 'No thanks', value: 'no' },
      ],
    }),
    on: {
      'message.received': [
        {
          guard: ({ event }) => event.type === 'message.received' && slotExtractors.yesNo!(event.message.text) === 'yes',
          actions: sendParent({ type: 'handoff.requested', reason: options.reason }),
        },
        {
          guard: ({ event }) => event.type === 'message.received' && slotExtractors.yesNo!(event.message.text) === 'no',
          target: options.then ?? 'done',
          actions: reply('No problem. What else can I help you with?'),
        },
        // Only message.received reaches this transition.
        { actions: sendParent(({ event }) => ({ type: 'message.handedBack', message: (event as ReceivedMessage).message, intent: (event as ReceivedMessage).intent })) },
      ],
    },
  });
}

/** Relays a staff member's reply (an `agent.replied` event) to the customer, under the staff member's name. */
function relayAgentReply() {
  return reply(({ event }) => (event.type === 'agent.replied' ? { text: event.text, role: 'agent', senderName: event.staffName } : { text: '' }));
}

/** Tells the staff console something about this conversation's handoff (posted in its thread). */
function notifyStaff(notification: NonNullable<ReplyContent['staff']> | ((args: { context: FlowContext; event: HandledEvent }) => NonNullable<ReplyContent['staff']>)) {
  return reply((args) => {
    const staff = typeof notification === 'function' ? notification(args) : notification;
    return { text: staff.text ?? staff.event, audience: 'staff', role: 'system', staff };
  });
}

/** `flow.startTimer('claim', 5 * 60_000)`: a `timer.fired` event with that name arrives when it is due, even after a restart. */
function startTimer(name: string, delayMilliseconds: number) {
  return { type: 'startTimer' as const, params: { name, delayMilliseconds } };
}

function cancelTimer(name: string) {
  return { type: 'cancelTimer' as const, params: { name } };
}

/**
 * Everything a flow is written with: XState's `setup()` for Frontdesk's context, events and services, plus helper
 * states. A misspelt service `src` or action is a compile error; services are placeholders the runtime replaces.
 *
 * @example
 * const machine = flow.createMachine({ context: flow.startingContext, initial: 'greeting', states: { ... } });
 */
export const flow = Object.assign(base, { reply, ask, answerFromKnowledge, offerHuman, startingContext, relayAgentReply, notifyStaff, startTimer, cancelTimer });

export type FlowMachine = ReturnType<typeof base.createMachine>;
export type { StateNodeConfig };
export { stopChild };
