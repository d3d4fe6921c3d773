import { assign } from 'xstate';
import { defineFlow, flow, isFrontdeskError, slotExtractors, type FlowInput } from '../src/index.js';

/**
 * When to ask "Did that answer your question?": after answers whose confidence is below this (0 never asks, 1 asks
 * every time). Confident answers are not interrupted; the middling ones are where a check teaches the most.
 */
const ASK_IF_HELPFUL_BELOW = 0.8;
/** Unanswered questions in a row before the bot offers a person instead of asking to rephrase. */
const MISSES_BEFORE_OFFERING_A_PERSON = 2;

const DONT_KNOW = "I'm sorry, I don't know the answer to that, and I'd rather not guess.";
/** When the search itself failed (or missed the turn deadline): not a gap in the knowledge, so not "I don't know". */
const LOOKUP_FAILED = 'Sorry, I can\'t look that up right now. Please try again in a moment, or type "agent" to reach a person.';

/**
 * Answers questions from the knowledge base (FAQ lists, pages, the catalog) with a citation. When the knowledge is not
 * confident it says so and asks the customer to put it another way; the second miss in a row (counted by the router
 * across flows) offers a person. A search that fails says so instead: that is not a gap in the knowledge. Some answers end with "Did that answer your question?", and the reply is recorded.
 */
export default defineFlow({
  id: 'faq',
  description: 'Answers questions from the knowledge base with citations, or says it does not know and offers a person.',
  triggers: ['I have a question', 'can I ask you something', 'I need some information', 'quick question', 'can you answer a question for me'],
  needs: ['searchKnowledge', 'recordAnswerCheck'],
  machine: flow.createMachine({
    id: 'faq',
    context: ({ input }: { input: FlowInput }) => ({
      ...flow.startingContext({ input }),
      misses: input.misses ?? 0,
      // "I have a question" on its own is an opening, not a question: ask for it rather than say "I don't know".
      slots: { isOpening: input.intent?.flowId === 'faq' && !input.intent.faq ? 'yes' : undefined },
    }),
    output: ({ context }) => ({ missed: context.slots.missed === 'yes' }),
    initial: 'answering',
    states: {
      answering: {
        invoke: {
          src: 'searchKnowledge',
          input: ({ context }) => ({ query: context.lastText }),
          onDone: [
            {
              guard: ({ event }) => event.output.isConfident && Boolean(event.output.answer) && event.output.confidence < ASK_IF_HELPFUL_BELOW,
              target: 'checkingAnswer',
              actions: [
                { type: 'reply', params: ({ event }) => ({ text: event.output.answer!, citations: event.output.citations, confidence: event.output.confidence }) },
                assign({ slots: ({ context, event }) => ({ ...context.slots, answerSource: event.output.citations[0]?.source }) }),
              ],
            },
            {
              guard: ({ event }) => event.output.isConfident && Boolean(event.output.answer),
              target: 'done',
              actions: { type: 'reply', params: ({ event }) => ({ text: event.output.answer!, citations: event.output.citations, confidence: event.output.confidence }) },
            },
            { target: 'unsure' },
          ],
          onError: [
            // No knowledge configured at all (a bot without knowledge/): it simply does not know.
            { guard: ({ event }) => isFrontdeskError(event.error, 'service_missing'), target: 'unsure' },
            { target: 'done', actions: flow.reply(LOOKUP_FAILED) },
          ],
        },
      },
      checkingAnswer: {
        entry: flow.reply({
          text: 'Did that answer your question?',
          quickReplies: [
            { label: 'Yes', value: 'yes' },
            { label: 'No', value: 'no' },
          ],
        }),
        on: {
          'message.received': [
            { guard: ({ event }) => event.type === 'message.received' && slotExtractors.yesNo!(event.message.text) === 'yes', target: 'recordingHelpful' },
            { guard: ({ event }) => event.type === 'message.received' && slotExtractors.yesNo!(event.message.text) === 'no', target: 'recordingUnhelpful' },
            // Not a yes or no: a new question. Answer it rather than lose it.
            { target: 'answering', actions: assign({ lastText: ({ context, event }) => (event.type === 'message.received' ? event.message.text : context.lastText) }) },
          ],
        },
      },
      recordingHelpful: {
        invoke: {
          src: 'recordAnswerCheck',
          input: ({ context }) => ({ question: context.lastText, source: context.slots.answerSource, wasHelpful: true }),
          onDone: { target: 'done', actions: flow.reply('Glad that helped!') },
          onError: { target: 'done', actions: flow.reply('Glad that helped!') },
        },
      },
      recordingUnhelpful: {
        invoke: {
          src: 'recordAnswerCheck',
          input: ({ context }) => ({ question: context.lastText, source: context.slots.answerSource, wasHelpful: false }),
          onDone: 'unsure',
          onError: 'unsure',
        },
      },
      unsure: {
        always: [
          { guard: ({ context }) => context.slots.isOpening === 'yes', target: 'askingQuestion', actions: assign({ slots: ({ context }) => ({ ...context.slots, isOpening: undefined }) }) },
          { guard: ({ context }) => context.misses + 1 >= MISSES_BEFORE_OFFERING_A_PERSON, target: 'offeringHuman', actions: flow.reply(DONT_KNOW) },
          {
            target: 'missed',
            actions: [
              flow.reply(`${DONT_KNOW} Could you put it another way? You can also type "agent" to reach a person.`),
              assign({ slots: ({ context }) => ({ ...context.slots, missed: 'yes' }) }),
            ],
          },
        ],
      },
      askingQuestion: flow.ask('Sure, what would you like to know?', { expect: 'text', then: 'answering' }),
      offeringHuman: flow.offerHuman({ reason: 'repeatedMisses' }),
      missed: { type: 'final' },
      done: { type: 'final' },
    },
  }),
});
