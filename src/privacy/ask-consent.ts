import { assign } from 'xstate';
import { flow, slotExtractors } from '../flow/flow.js';

export interface AskConsentOptions {
  /** What the data would be used for, stored with the answer: e.g. "personalization". */
  purpose: string;
  /** The question, asked only if the customer never answered for this purpose. */
  question: string;
  /** The sibling state to go to with consent. */
  then: string;
  /** The sibling state to go to without it (refused now or earlier, or no clear answer). */
  ifRefused: string;
}

/** The slot askConsent leaves its decision in: 'granted' or 'refused'. */
export const consentSlot = (purpose: string) => `consent:${purpose}`;

/**
 * A state that makes sure the customer agreed before their data is used for `purpose`. It checks the stored answer
 * first, so each customer is asked once (a "no" is remembered too); a new answer is recorded. Anything but a clear
 * yes counts as no, and no is never asked again unprompted.
 *
 * @example
 * checkingConsent: askConsent({
 *   purpose: 'personalization',
 *   question: 'May I use your past orders to suggest products? (yes/no)',
 *   then: 'recommendingFromHistory',
 *   ifRefused: 'recommendingWithoutHistory',
 * }),
 */
export function askConsent(options: AskConsentOptions) {
  const slot = consentSlot(options.purpose);
  return flow.createStateConfig({
    initial: 'checking',
    states: {
      checking: {
        invoke: {
          src: 'checkConsent',
          input: { purpose: options.purpose },
          onDone: [
            { guard: ({ event }) => event.output.status === 'granted', target: 'decided', actions: assign({ slots: ({ context }) => ({ ...context.slots, [slot]: 'granted' }) }) },
            { guard: ({ event }) => event.output.status === 'refused', target: 'decided', actions: assign({ slots: ({ context }) => ({ ...context.slots, [slot]: 'refused' }) }) },
            { target: 'asking' },
          ],
          // Without a stored answer we cannot know: treat it as no, and do not ask (the store is failing).
          onError: { target: 'decided', actions: assign({ slots: ({ context }) => ({ ...context.slots, [slot]: 'refused' }) }) },
        },
      },
      asking: {
        entry: flow.reply({
          text: options.question,
          quickReplies: [
            { label: 'Yes', value: 'yes' },
            { label: 'No', value: 'no' },
          ],
        }),
        on: {
          'message.received': [
            { guard: ({ event }) => event.type === 'message.received' && slotExtractors.yesNo!(event.message.text) === 'yes', target: 'recording', actions: assign({ slots: ({ context }) => ({ ...context.slots, [slot]: 'granted' }) }) },
            { target: 'recording', actions: assign({ slots: ({ context }) => ({ ...context.slots, [slot]: 'refused' }) }) },
          ],
        },
      },
      recording: {
        invoke: {
          src: 'recordConsent',
          input: ({ context }) => ({ purpose: options.purpose, isGranted: context.slots[slot] === 'granted' }),
          onDone: 'decided',
          // Unrecorded, the yes cannot be relied on later; the no is the safe reading.
          onError: { target: 'decided', actions: assign({ slots: ({ context }) => ({ ...context.slots, [slot]: 'refused' }) }) },
        },
      },
      decided: { type: 'final' },
    },
    onDone: [{ guard: ({ context }) => context.slots[slot] === 'granted', target: options.then }, { target: options.ifRefused }],
  });
}
