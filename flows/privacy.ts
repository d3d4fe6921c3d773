import { defineFlow, flow, type DataSummary, type FlowInput } from '../src/index.js';

type PrivacyRequest = 'summary' | 'export' | 'delete';

/** Which of the three requests the customer made; when unsure, the harmless one (a summary). */
export function privacyRequestOf(text: string): PrivacyRequest {
  if (/\b(delete|erase|remove|forget|wipe|destroy)\b/i.test(text)) return 'delete';
  if (/\b(export|download|copy|send me|give me)\b/i.test(text)) return 'export';
  return 'summary';
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export function describeSummary(summary: DataSummary): string {
  const profile = [summary.name && `name ${summary.name}`, summary.email && `email ${summary.email}`, summary.phone && `phone ${summary.phone}`].filter(Boolean);
  const consents = summary.consents.map((consent) => `${consent.isGranted ? 'yes' : 'no'} to ${consent.purpose}`);
  return [
    "Here's what we hold about you:",
    `- profile: ${profile.length > 0 ? profile.join(', ') : 'no name or contact details'}`,
    `- ${plural(summary.conversations, 'conversation')} with ${plural(summary.messages, 'message')}${summary.channels.length > 0 ? ` (${summary.channels.join(', ')})` : ''}`,
    `- ${plural(summary.feedback, 'feedback answer')}`,
    `- ${summary.orders > 0 ? `${plural(summary.orders, 'order')} on file with the shop` : 'no shop orders linked to this chat'}`,
    ...(consents.length > 0 ? [`- your choices: ${consents.join(', ')}`] : []),
    'Say "export my data" for a full copy, or "delete my data" to erase it.',
  ].join('\n');
}

/**
 * "What do you know about me", "export my data" and "delete my data" (DESIGN.md invariant 6). The services act on
 * the customer of this conversation only; deletion asks for a typed confirmation and runs after the confirming reply
 * is committed, across every conversation and channel of the customer.
 */
export default defineFlow({
  id: 'privacy',
  description: 'Tells the customer what data we hold about them, exports it as JSON, or deletes it after confirmation.',
  triggers: [
    'what do you know about me',
    'what data do you have on me',
    'what personal information do you store about me',
    'export my data',
    'download a copy of my data',
    'send me all my personal data',
    'delete my data',
    'erase everything you have about me',
    'forget me and remove my personal data',
    'I want to delete my data',
    'I want to export my data',
  ],
  needs: ['describeCustomerData', 'exportCustomerData', 'eraseCustomerData'],
  machine: flow.createMachine({
    id: 'privacy',
    context: ({ input }: { input: FlowInput }) => ({ ...flow.startingContext({ input }), slots: { request: privacyRequestOf(input.message?.text ?? '') } }),
    initial: 'deciding',
    states: {
      deciding: {
        always: [
          { guard: ({ context }) => context.slots.request === 'delete', target: 'confirmingDeletion' },
          { guard: ({ context }) => context.slots.request === 'export', target: 'exporting' },
          { target: 'summarizing' },
        ],
      },
      summarizing: {
        invoke: {
          src: 'describeCustomerData',
          input: {},
          onDone: {
            target: 'done',
            actions: flow.reply(({ event }) => ({
              text: describeSummary(event.output),
              quickReplies: [
                { label: 'Export my data', value: 'export my data' },
                { label: 'Delete my data', value: 'delete my data' },
              ],
            })),
          },
          onError: { target: 'done', actions: flow.reply("Sorry, I couldn't read your data just now. Please try again in a moment, or type \"agent\".") },
        },
      },
      exporting: {
        invoke: {
          src: 'exportCustomerData',
          input: {},
          onDone: {
            target: 'done',
            actions: [
              flow.reply(({ event }) => ({
                text: event.output.isTruncated
                  ? `Here is a copy of the data we hold about you, as JSON. It was too long for this chat, so the oldest items are left out (${event.output.includedMessages} of ${event.output.totalMessages} messages shown); type "agent" and a person will send you the complete file.`
                  : 'Here is a copy of everything we hold about you, as JSON (profile, channels, messages, feedback and linked shop orders):',
              })),
              flow.reply(({ event }) => ({ text: event.output.json })),
            ],
          },
          onError: { target: 'done', actions: flow.reply("Sorry, I couldn't prepare your data just now. Please try again in a moment, or type \"agent\".") },
        },
      },
      confirmingDeletion: {
        entry: flow.reply(
          'This permanently deletes everything we hold about you from our chat service: your messages on every channel, your profile, feedback and choices. It cannot be undone. Type DELETE to confirm, or anything else to keep your data.',
        ),
        on: {
          'message.received': [
            { guard: ({ event }) => event.type === 'message.received' && /^\s*delete\s*[.!]?\s*$/i.test(event.message.text), target: 'deleting' },
            { target: 'done', actions: flow.reply("OK, I haven't deleted anything. What else can I help you with?") },
          ],
        },
      },
      deleting: {
        invoke: {
          src: 'eraseCustomerData',
          input: {},
          onDone: {
            target: 'done',
            // No quick replies: on SMS they would be stored again for this number after the erasure.
            actions: flow.reply("Done. Your messages, profile and feedback are being deleted now, across every channel. If you write to us again, we'll start fresh. (If you opted out of texts, we keep that so we never text you by mistake.)"),
          },
          onError: { target: 'done', actions: flow.reply("Sorry, I couldn't delete your data just now. Please try again in a moment, or type \"agent\" and a person will do it for you.") },
        },
      },
      done: { type: 'final' },
    },
  }),
});
