import { assign } from 'xstate';
import { defineFlow, flow, type FlowContext, type FlowEvent } from '../src/index.js';

const CLAIM_TIMER = 'handoffClaim';
const isBackToBot = ({ event }: { event: FlowEvent }) => event.type === 'message.received' && /^\s*(back to (the )?bot|bot please|talk to the bot)\s*[.!]?\s*$/i.test(event.message.text);
const customerLine = ({ context }: { context: FlowContext }) => context.lastText;

/**
 * A person takes over. The bot stays silent: customer messages go to the staff console (Slack), staff replies come
 * back under the staff member's name on the customer's own channel. An unclaimed handoff tells the customer and
 * reminds staff; resolving it hands the conversation back to the bot, which asks for a 1–5 score.
 */
export default defineFlow({
  id: 'handoff',
  description: 'Hands the conversation to a member of staff, relays messages both ways, and hands back to the bot.',
  triggers: [
    'agent',
    'human',
    'talk to a person',
    'I want to speak to a real person',
    'can I talk to a human',
    'connect me to customer service',
    'let me talk to someone',
    'speak to staff please',
    'representative',
    'operator',
    'is there a real person I can talk to',
  ],
  needs: ['requestHandoff', 'recordFeedback'],
  machine: flow.createMachine({
    id: 'handoff',
    context: ({ input }) => ({ ...flow.startingContext({ input }), handoff: { reason: input.reason ?? 'asked' } }),
    initial: 'requesting',
    states: {
      requesting: {
        invoke: {
          src: 'requestHandoff',
          input: ({ context }) => ({ reason: context.handoff?.reason ?? 'asked' }),
          onDone: [
            {
              guard: ({ event }) => !event.output.hasStaffConsole,
              target: 'done',
              actions: flow.reply({
                text: "I can't reach our team from this chat right now. You can call the shop on +1 555 0142 or email hello@riversidecycles.example, and a person will help you there. I'm still here for anything else.",
              }),
            },
            {
              guard: ({ event }) => !event.output.isWithinHours,
              target: 'waitingForStaff',
              actions: [
                assign({ handoff: ({ context }) => ({ reason: context.handoff?.reason ?? 'asked', isWithinHours: false, hasStaffConsole: true }) }),
                flow.notifyStaff(({ context }) => ({ event: 'opened', reason: context.handoff?.reason, text: customerLine({ context }) })),
                flow.reply(({ event }) => ({
                  text: `Our team is away right now${event.output?.nextOpening ? ` and back ${event.output.nextOpening}` : ''}. Leave your question and the best way to reach you here, and a person will reply by 11:00 am on the next day the shop is open. Type "back to bot" to keep chatting with me.`,
                })),
              ],
            },
            {
              target: 'waitingForStaff',
              actions: [
                assign({ handoff: ({ context }) => ({ reason: context.handoff?.reason ?? 'asked', isWithinHours: true, hasStaffConsole: true }) }),
                flow.notifyStaff(({ context }) => ({ event: 'opened', reason: context.handoff?.reason, text: customerLine({ context }) })),
                flow.reply("I'm bringing in a member of our team. They can see our conversation so far, so you won't need to repeat yourself. Type \"back to bot\" if you'd rather keep chatting with me."),
                { type: 'startTimer', params: ({ event }) => ({ name: CLAIM_TIMER, delayMilliseconds: event.output.claimTimeoutMilliseconds }) },
              ],
            },
          ],
          onError: {
            target: 'done',
            actions: flow.reply("Sorry, I couldn't reach our team just now. You can call the shop on +1 555 0142 or email hello@riversidecycles.example."),
          },
        },
      },
      waitingForStaff: {
        on: {
          'handoff.claimed': {
            target: 'withStaff',
            actions: [
              flow.cancelTimer(CLAIM_TIMER),
              assign({ handoff: ({ context, event }) => ({ ...context.handoff!, staffName: event.staffName }) }),
              flow.reply(({ event }) => ({ text: `You're now chatting with ${event.type === 'handoff.claimed' ? event.staffName : 'a member of our team'}.`, role: 'system' })),
              flow.notifyStaff(({ event }) => ({ event: 'claimed', staffName: event.type === 'handoff.claimed' ? event.staffName : undefined })),
            ],
          },
          'timer.fired': {
            guard: ({ event }) => event.type === 'timer.fired' && event.name === CLAIM_TIMER,
            actions: [
              flow.reply("Sorry for the wait: everyone on our team is busy right now. Leave your question and the best way to reach you here and we'll follow up, or type \"back to bot\" to keep chatting with me."),
              flow.notifyStaff({ event: 'reminder', text: 'Still waiting for someone to claim this conversation.' }),
            ],
          },
        },
      },
      withStaff: {},
      askingSatisfaction: {
        entry: flow.reply({
          text: "You're back with the automated assistant. How satisfied were you with the help you got, from 1 (poor) to 5 (great)?",
          quickReplies: ['1', '2', '3', '4', '5'].map((score) => ({ label: score, value: score })),
        }),
        on: {
          'message.received': [
            {
              guard: ({ event }) => event.type === 'message.received' && /^\s*[1-5]\s*(stars?)?\s*[.!]?\s*$/i.test(event.message.text),
              target: 'recordingSatisfaction',
              actions: [
                assign({ slots: ({ context, event }) => ({ ...context.slots, csat: event.type === 'message.received' ? String(Number.parseInt(event.message.text.trim(), 10)) : undefined }) }),
                flow.notifyStaff(({ event }) => ({ event: 'feedback', score: event.type === 'message.received' ? Number.parseInt(event.message.text.trim(), 10) : undefined })),
              ],
            },
            // Anything else: the customer moved on; no score.
            { target: 'done' },
          ],
        },
      },
      recordingSatisfaction: {
        invoke: {
          src: 'recordFeedback',
          input: ({ context }) => ({ kind: 'csat' as const, score: Number(context.slots.csat) }),
          // The thanks is the same either way: a lost score is our problem, not the customer's.
          onDone: { target: 'done', actions: flow.reply('Thank you for the feedback! Is there anything else I can help with?') },
          onError: { target: 'done', actions: flow.reply('Thank you for the feedback! Is there anything else I can help with?') },
        },
      },
      done: { type: 'final' },
    },
    on: {
      'message.received': [
        {
          guard: isBackToBot,
          target: '.done',
          actions: [flow.cancelTimer(CLAIM_TIMER), flow.notifyStaff({ event: 'resolved', text: 'The customer went back to the bot.' }), flow.reply("OK, you're back with the automated assistant. What can I help you with?")],
        },
        { actions: flow.notifyStaff(({ event }) => ({ event: 'customerMessage', text: event.type === 'message.received' ? event.message.text : '' })) },
      ],
      'agent.replied': { actions: flow.relayAgentReply() },
      'handoff.resolved': { target: '.askingSatisfaction', actions: [flow.cancelTimer(CLAIM_TIMER), flow.notifyStaff(({ event }) => ({ event: 'resolved', staffName: event.type === 'handoff.resolved' ? event.staffName : undefined }))] },
    },
  }),
});
