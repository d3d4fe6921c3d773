import { type ActorSystem, assign, enqueueActions, fromPromise, setup, sendTo, stopChild, type StateNodeConfig } from 'xstate';
import { FrontdeskError } from '../errors.js';
import type { ProductCard, ReplyContent } from '../message.js';
import type { FlowContext, FlowEvent, FlowInput } from './types.js';

type AnyActorSystem = ActorSystem<any>;

/** What `searchKnowledge` resolves with: an answer only when the knowledge is sure enough to give one. */
export interface KnowledgeAnswer {
  isConfident: boolean;
  answer?: string;
  confidence: number;
  citations: Array<{ source: string; heading?: string; score?: number }>;
}

export interface RecommendationsResult {
  cards: ProductCard[];
}

export interface HandoffResult {
  isAccepted: boolean;
  note?: string;
}

export interface ProfileResult {
  name?: string;
  isReturning: boolean;
}

/** The services a flow may `invoke`, by name. The runtime provides them; a flow names the ones it needs in `needs`. */
export const serviceNames = ['searchKnowledge', 'recommendProducts', 'requestHandoff', 'lookupCustomer'] as const;
export type ServiceName = (typeof serviceNames)[number];

const notProvided = <TOutput, TInput>(name: ServiceName) =>
  fromPromise<TOutput, TInput>(async () => {
    throw new FrontdeskError('service_missing', `The "${name}" service was invoked but the runtime provides no implementation. Add "${name}" to the flow's "needs" and configure it.`);
  });

/** Where `flow.reply` sends replies: one sink per actor system (one conversation's tree of actors). */
const replySinks = new WeakMap<AnyActorSystem, (reply: ReplyContent) => void>();

/**
 * Routes the replies of every machine in `actor`'s system to `sink`. The runtime does this for each conversation;
 * a unit test of a flow can do it too.
 *
 * @example
 * const actor = createActor(myFlow.machine, { input });
 * const replies: ReplyContent[] = [];
 * attachReplySink(actor, (reply) => replies.push(reply));
 */
export function attachReplySink(actor: { system: AnyActorSystem }, sink: (reply: ReplyContent) => void): void {
  replySinks.set(actor.system, sink);
}

const base = setup({
  types: {
    context: {} as FlowContext,
    events: {} as FlowEvent,
    input: {} as FlowInput,
  },
  actors: {
    searchKnowledge: notProvided<KnowledgeAnswer, { query: string }>('searchKnowledge'),
    recommendProducts: notProvided<RecommendationsResult, { customerId: string; category?: string; maxPrice?: number; useHistory: boolean }>('recommendProducts'),
    requestHandoff: notProvided<HandoffResult, { conversationId: string; reason: string }>('requestHandoff'),
    lookupCustomer: notProvided<ProfileResult, { customerId: string }>('lookupCustomer'),
  },
  actions: {
    reply: ({ system }, params: ReplyContent) => {
      const sink = replySinks.get(system);
      if (!sink) throw new FrontdeskError('internal', `A flow replied "${params.text.slice(0, 40)}" but no reply sink is attached to its actor system.`);
      sink(params);
    },
    rememberText: assign({
      lastText: ({ event, context }) => (event.type === 'message.received' ? event.message.text : context.lastText),
    }),
    /** Router: start the flow the intent names as the child actor `activeFlow`, handing it the message. */
    startFlow: enqueueActions(({ enqueue, event, context }) => {
      if (event.type !== 'message.received' || !event.intent.flowId) return;
      const input: FlowInput = { conversationId: context.conversationId, channel: context.channel, customer: context.customer, message: event.message, intent: event.intent };
      // Flows are registered with the root machine at start-up by id, so the src is only known at run time.
      enqueue.spawnChild(event.intent.flowId as 'searchKnowledge', { id: 'activeFlow', input: input as never });
      enqueue.assign({ activeFlow: event.intent.flowId });
    }),
    /** Router: start a flow by id (for example `welcome` when a conversation opens). */
    startFlowById: enqueueActions(({ enqueue, context }, params: { flowId: string }) => {
      const input: FlowInput = { conversationId: context.conversationId, channel: context.channel, customer: context.customer };
      enqueue.spawnChild(params.flowId as 'searchKnowledge', { id: 'activeFlow', input: input as never });
      enqueue.assign({ activeFlow: params.flowId });
    }),
    forwardToFlow: sendTo('activeFlow', ({ event }) => event),
    stopFlow: enqueueActions(({ enqueue }) => {
      enqueue.stopChild('activeFlow');
      enqueue.assign({ activeFlow: undefined });
    }),
  },
  guards: {
    hasConfidentIntent: ({ event }) => event.type === 'message.received' && event.intent.flowId !== null,
    isInFlow: ({ context }) => context.activeFlow !== undefined,
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

type ReplyParams = ReplyContent | ((args: { context: FlowContext; event: FlowEvent }) => ReplyContent);

/** `flow.reply('text')` or `flow.reply(({ context }) => ({ text: ... }))`: an action that says something. */
function reply(content: string | ReplyParams) {
  const params = typeof content === 'string' ? { text: content } : content;
  return { type: 'reply' as const, params };
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
 * A final state that tells the customer how to reach a person. The handoff issue turns this into a real handoff
 * through the `requestHandoff` service.
 */
function offerHuman(options: { reason: string }): FlowStateConfig {
  return base.createStateConfig({
    entry: reply({
      text: "I'm not sure I can help with that myself. Type \"agent\" at any time and a member of our team will pick up this conversation.",
      quickReplies: [{ label: 'Talk to a person', value: 'agent' }],
    }),
    type: 'final',
    meta: { handoffReason: options.reason },
  });
}

/**
 * Everything a flow is written with: XState's `setup()` for Frontdesk's context, events and services, plus helper
 * states. A misspelt service `src` or action is a compile error; services are placeholders the runtime replaces.
 *
 * @example
 * const machine = flow.createMachine({ context: flow.startingContext, initial: 'greeting', states: { ... } });
 */
export const flow = Object.assign(base, { reply, ask, answerFromKnowledge, offerHuman, startingContext });

export type FlowMachine = ReturnType<typeof base.createMachine>;
export type { StateNodeConfig };
export { stopChild };
