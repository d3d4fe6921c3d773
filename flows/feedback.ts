import { assign } from 'xstate';
import { defineFlow, flow, parseScore, type FlowEvent } from '../src/index.js';

const isSkip = (text: string) => /^\s*(skip|no|nope|no thanks|nothing|not really|n\/a)\s*[.!]?\s*$/i.test(text);
const textOf = (event: FlowEvent) => (event.type === 'message.received' ? event.message.text : '');

/**
 * Net Promoter Score on request: 0-10, then an optional comment, recorded for the conversation. (The 1-5 CSAT after
 * a handoff is asked by the handoff flow and recorded through the same `recordFeedback` service.)
 */
export default defineFlow({
  id: 'feedback',
  description: 'Asks how likely the customer is to recommend the shop (0-10) and for an optional comment, and records both.',
  triggers: ['I want to give feedback', 'rate you', 'I would like to leave a review', 'can I rate your service', 'I have some feedback for you', 'how do I leave feedback'],
  needs: ['recordFeedback'],
  machine: flow.createMachine({
    id: 'feedback',
    context: flow.startingContext,
    initial: 'askingScore',
    states: {
      askingScore: {
        // No quick replies: on SMS they become numbered choices, and "7" would mean the seventh choice, not a 7.
        entry: [flow.reply('Thank you! How likely are you to recommend Riverside Cycles to a friend, from 0 (not at all) to 10 (extremely likely)?'), assign({ slots: ({ context }) => ({ ...context.slots, scoreTries: '0' }) })],
        on: {
          'message.received': [
            {
              guard: ({ event }) => parseScore('nps', textOf(event)) !== undefined,
              target: 'askingComment',
              actions: assign({ slots: ({ context, event }) => ({ ...context.slots, score: String(parseScore('nps', textOf(event))) }) }),
            },
            { guard: ({ context }) => context.slots.scoreTries === '0', actions: [assign({ slots: ({ context }) => ({ ...context.slots, scoreTries: '1' }) }), flow.reply('Please reply with a whole number from 0 to 10.')] },
            { target: 'done', actions: flow.reply("No problem, let's leave it there. Is there anything else I can help with?") },
          ],
        },
      },
      askingComment: {
        entry: flow.reply({ text: 'Thanks! Is there anything you would like to tell us about it? Type your comment, or "skip".', quickReplies: [{ label: 'Skip', value: 'skip' }] }),
        on: {
          'message.received': [
            { guard: ({ event }) => isSkip(textOf(event)), target: 'recording' },
            { target: 'recording', actions: assign({ slots: ({ context, event }) => ({ ...context.slots, comment: textOf(event) }) }) },
          ],
        },
      },
      recording: {
        invoke: {
          src: 'recordFeedback',
          input: ({ context }) => ({ kind: 'nps' as const, score: Number(context.slots.score), ...(context.slots.comment && { comment: context.slots.comment }) }),
          onDone: { target: 'done', actions: flow.reply('Thank you, your feedback has been passed to the team. Is there anything else I can help with?') },
          onError: { target: 'done', actions: flow.reply("Sorry, I couldn't save your feedback just now. You can email it to hello@riversidecycles.example.") },
        },
      },
      done: { type: 'final' },
    },
  }),
});
