import { assign } from 'xstate';
import { defineFlow, flow } from '../src/index.js';

/** Tells customers they are talking to an automated assistant and how to reach a person (DESIGN.md invariant 6). */
export default defineFlow({
  id: 'welcome',
  description: 'Greets the customer, says it is an automated assistant, and explains how to reach a person.',
  triggers: ['hi', 'hello', 'hey there', 'good morning', 'what can you do', 'who are you', 'are you a bot', 'are you a real person'],
  needs: ['lookupCustomer'],
  machine: flow.createMachine({
    id: 'welcome',
    context: flow.startingContext,
    // The router keeps what was found, so a second "hello" in the same conversation does not look again.
    output: ({ context }) => ({ profile: { name: context.slots.name ?? context.customer.name } }),
    initial: 'deciding',
    states: {
      deciding: { always: [{ guard: ({ context }) => context.customer.isLookedUp === true, target: 'greeting' }, { target: 'recognizing' }] },
      // A returning customer may be known by name: from an earlier chat, or (on SMS) by the number on the shop's file.
      recognizing: {
        invoke: {
          src: 'lookupCustomer',
          input: ({ context }) => ({ customerId: context.customer.id }),
          onDone: { target: 'greeting', actions: assign({ slots: ({ context, event }) => ({ ...context.slots, name: event.output.name ?? context.customer.name }) }) },
          onError: 'greeting',
        },
      },
      greeting: {
        entry: flow.reply(({ context }) => ({
          text:
            `${(context.slots.name ?? context.customer.name) ? `Welcome back, ${context.slots.name ?? context.customer.name}!` : 'Hi there!'} I'm the automated assistant for Riverside Cycles. ` +
            'I can answer questions about our shop, orders and repairs. To reach a person at any time, type "agent".',
          quickReplies: [
            { label: 'Opening hours', value: 'What are your opening hours?' },
            { label: 'Track my order', value: 'Where is my order?' },
            { label: 'Talk to a person', value: 'agent' },
          ],
        })),
        always: 'done',
      },
      done: { type: 'final' },
    },
  }),
});
