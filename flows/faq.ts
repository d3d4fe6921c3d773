import { assign } from 'xstate';
import { defineFlow, flow, type FlowInput } from '../src/index.js';

/**
 * Answers questions from the knowledge base (FAQ lists, pages, the catalog) with a citation, and says it does not
 * know, offering a person, when the knowledge is not confident. The router starts it for a matched FAQ entry and for
 * any message no other flow is sure about.
 */
export default defineFlow({
  id: 'faq',
  description: 'Answers questions from the knowledge base with citations, or says it does not know and offers a person.',
  triggers: ['I have a question', 'can I ask you something', 'I need some information', 'quick question', 'can you answer a question for me'],
  needs: ['searchKnowledge'],
  machine: flow.createMachine({
    id: 'faq',
    context: ({ input }: { input: FlowInput }) => ({
      ...flow.startingContext({ input }),
      // "I have a question" on its own is an opening, not a question: ask for it rather than say "I don't know".
      slots: { isOpening: input.intent?.flowId === 'faq' && !input.intent.faq ? 'yes' : undefined },
    }),
    initial: 'answering',
    states: {
      answering: flow.answerFromKnowledge({ then: 'done', ifUnsure: 'unsure' }),
      unsure: {
        always: [
          { guard: ({ context }) => context.slots.isOpening === 'yes', target: 'askingQuestion', actions: assign({ slots: ({ context }) => ({ ...context.slots, isOpening: undefined }) }) },
          { target: 'notKnowing' },
        ],
      },
      askingQuestion: flow.ask('Sure, what would you like to know?', { expect: 'text', then: 'answering' }),
      notKnowing: {
        entry: flow.reply("I'm sorry, I don't know the answer to that, and I'd rather not guess."),
        always: 'offeringHuman',
      },
      offeringHuman: flow.offerHuman({ reason: 'flowDecision' }),
      done: { type: 'final' },
    },
  }),
});
