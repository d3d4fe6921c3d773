import { defineFlow, flow } from '../src/index.js';

const isAgreeing = (text: string) => /^\s*(yes|yeah|yep|sure)\b/i.test(text) && !/\bthank/i.test(text);
const isDeclining = (text: string) => /^\s*(no|nope|nah)\b/i.test(text);
const isGoodbye = (text: string) => /\b(bye|goodbye|see you|that'?s all|that is all|nothing else|have a (good|nice) (day|one))\b/i.test(text);

/**
 * "Thanks", "no thanks", a bare "yes" and "bye": the end of most conversations. Without this flow they reach the
 * knowledge base, which does not know what to say and counts them as questions it could not answer.
 */
export default defineFlow({
  id: 'smallTalk',
  description: 'Answers thanks, "no thanks" and goodbyes politely, so they are not taken for questions the bot could not answer.',
  triggers: ['thanks', 'thank you', 'thanks a lot', 'thank you so much', 'cheers', 'great, thanks', 'perfect, thank you', 'no thanks', 'no', 'nope', 'yes', 'yes please', 'bye', 'goodbye', 'that is all, thanks', 'ok bye'],
  machine: flow.createMachine({
    id: 'smallTalk',
    context: flow.startingContext,
    initial: 'answering',
    states: {
      answering: {
        always: [
          { guard: ({ context }) => isGoodbye(context.lastText), target: 'done', actions: flow.reply('Thanks for chatting with Riverside Cycles. Have a great ride!') },
          { guard: ({ context }) => isDeclining(context.lastText), target: 'done', actions: flow.reply('Alright. If anything else comes up, just ask.') },
          // A bare "yes" out of context: most likely to "anything else?".
          { guard: ({ context }) => isAgreeing(context.lastText), target: 'done', actions: flow.reply('Sure, what can I help you with?') },
          { target: 'done', actions: flow.reply("You're welcome! Is there anything else I can help you with?") },
        ],
      },
      done: { type: 'final' },
    },
  }),
});
