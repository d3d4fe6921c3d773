import { assign, raise } from 'xstate';
import { defineRouter, flow } from '../src/index.js';

/** Offered when a customer is clearly unhappy two messages in a row; "yes" then hands over with that reason. */
const offerPersonForSentiment = [
  { type: 'rememberOffer' as const, params: { reason: 'negativeSentiment' as const } },
  flow.reply({
    text: "I'm sorry this has been frustrating. Would you like me to bring in a member of our team?",
    quickReplies: [
      { label: 'Yes, a person please', value: 'yes' },
      { label: 'No, carry on', value: 'no' },
    ],
  }),
];

/**
 * The root of every conversation. It greets, sends each customer message to the flow it is for (the runtime has
 * already classified it: `event.intent`), waits while that flow runs as the child actor `activeFlow`, and lets a
 * customer reach a person from anywhere. What it cannot place goes to the knowledge base (the `faq` flow), which
 * answers with citations or says it does not know.
 */
export default defineRouter({
  description: 'Greets, routes each message to its flow, hands over to a person from anywhere, and never guesses.',
  machine: flow.createMachine({
    id: 'router',
    context: flow.startingContext,
    initial: 'listening',
    on: {
      // A flow decided a person should take over (for example after two unanswered questions).
      'handoff.requested': { target: '.inFlow', actions: { type: 'startHandoff', params: {} } },
      // Staff can always reach the customer, even after handing the conversation back.
      'agent.replied': { actions: flow.relayAgentReply() },
    },
    states: {
      listening: {
        on: {
          'conversation.started': {
            target: 'inFlow',
            actions: [assign({ hasWelcomed: true }), { type: 'startFlowById', params: { flowId: 'welcome' } }],
          },
          'message.received': [
            { guard: 'isHandoffRequest', target: 'inFlow', actions: ['trackSentiment', { type: 'startHandoff', params: { reason: 'asked' } }] },
            { guard: 'acceptsOfferedHandoff', target: 'inFlow', actions: [{ type: 'startHandoff', params: {} }] },
            { guard: 'isSustainedNegative', actions: ['rememberText', 'trackSentiment', ...offerPersonForSentiment] },
            {
              // The first message of a conversation that never saw the welcome (SMS, Teams): disclose first.
              guard: ({ context, event }) => !context.hasWelcomed && !(event.type === 'message.received' && event.intent.flowId === 'welcome'),
              actions: [
                'trackSentiment',
                assign({ hasWelcomed: true }),
                flow.reply('Hi! I\'m the automated assistant for Riverside Cycles. Type "agent" at any time to reach a person.'),
              ],
              target: 'routing',
            },
            { target: 'routing', actions: ['trackSentiment', assign({ hasWelcomed: true, slots: ({ context }) => ({ ...context.slots, offeredHandoff: undefined }) })] },
          ],
        },
      },
      // A transient state so the branches above share one routing decision.
      routing: {
        always: [
          { guard: 'hasConfidentIntent', target: 'inFlow', actions: 'startFlow' },
          // Not a flow: let the knowledge base try; it says so when it does not know.
          { guard: { type: 'isFlowAvailable', params: { flowId: 'faq' } }, target: 'inFlow', actions: { type: 'startFlowById', params: { flowId: 'faq' } } },
          {
            target: 'listening',
            actions: [
              'rememberText',
              flow.reply({
                text: "I'm not sure I understood that. Could you put it another way? You can also type \"agent\" to reach a person.",
                quickReplies: [{ label: 'Talk to a person', value: 'agent' }],
              }),
            ],
          },
        ],
      },
      inFlow: {
        on: {
          'message.received': [
            // "agent" interrupts any flow, except the handoff itself, which relays it to staff.
            { guard: ({ context, event }) => context.activeFlow !== 'handoff' && event.type === 'message.received' && event.intent.flowId === 'handoff', actions: ['trackSentiment', { type: 'startHandoff', params: { reason: 'asked' } }] },
            // Sustained frustration interrupts a flow too (but not a handoff, where a person is already coming).
            {
              guard: ({ context, event }) => context.activeFlow !== 'handoff' && event.type === 'message.received' && (event.message.sentiment ?? 0) <= -0.4 && (context.negativeStreak ?? 0) >= 1,
              target: 'listening',
              actions: ['rememberText', 'trackSentiment', 'stopFlow', ...offerPersonForSentiment],
            },
            { actions: ['rememberText', 'trackSentiment', 'forwardToFlow'] },
          ],
          'handoff.claimed': { actions: 'forwardToFlow' },
          'handoff.resolved': { actions: 'forwardToFlow' },
          'timer.fired': { actions: 'forwardToFlow' },
          'agent.replied': [{ guard: ({ context }) => context.activeFlow === 'handoff', actions: 'forwardToFlow' }, { actions: flow.relayAgentReply() }],
          'xstate.done.actor.activeFlow': { target: 'listening', actions: 'finishFlow' },
          // The flow got a message it is not for (for example a new question instead of yes or no): end the flow, as
          // if it had finished without a miss, and route the message again from the top.
          'message.handedBack': {
            target: 'listening',
            actions: ['stopFlow', assign({ misses: 0 }), raise(({ event }) => ({ type: 'message.received' as const, message: event.message, intent: event.intent, isHandedBack: true as const }))],
          },
        },
      },
    },
  }),
});
