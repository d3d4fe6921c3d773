import { assign } from 'xstate';
import { defineRouter, flow } from '../src/index.js';

/**
 * The root of every conversation. It greets, sends each customer message to the flow it is for (the runtime has
 * already classified it: `event.intent`), waits while that flow runs as the child actor `activeFlow`, and says so
 * when it is not sure rather than guessing.
 */
export default defineRouter({
  description: 'Greets new conversations, starts the flow each message is for, and says when it is not sure.',
  machine: flow.createMachine({
    id: 'router',
    context: flow.startingContext,
    initial: 'listening',
    states: {
      listening: {
        on: {
          'conversation.started': {
            target: 'inFlow',
            actions: [assign({ hasWelcomed: true }), { type: 'startFlowById', params: { flowId: 'welcome' } }],
          },
          'message.received': [
            {
              // The first message of a conversation that never saw the welcome (SMS, Teams): disclose first.
              guard: ({ context, event }) => !context.hasWelcomed && !(event.type === 'message.received' && event.intent.flowId === 'welcome'),
              actions: [
                assign({ hasWelcomed: true }),
                flow.reply('Hi! I\'m the automated assistant for Riverside Cycles. Type "agent" at any time to reach a person.'),
              ],
              reenter: true,
              target: 'routing',
            },
            { target: 'routing', reenter: true, actions: assign({ hasWelcomed: true }) },
          ],
        },
      },
      // A transient state so both branches above share one routing decision.
      routing: {
        always: [
          { guard: 'hasConfidentIntent', target: 'inFlow', actions: ['rememberText', 'startFlow'] },
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
          'message.received': { actions: ['rememberText', 'forwardToFlow'] },
          'xstate.done.actor.activeFlow': { target: 'listening', actions: assign({ activeFlow: undefined }) },
        },
      },
    },
  }),
});
