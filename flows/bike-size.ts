import { defineFlow, flow } from '../src/index.js';

/** Our letter sizes by rider height (cm), as on the size charts of the bike pages. */
const SIZE_BANDS: Array<{ below: number; size: string }> = [
  { below: 155, size: 'XS' },
  { below: 165, size: 'S' },
  { below: 175, size: 'M' },
  { below: 185, size: 'L' },
  { below: 195, size: 'XL' },
  { below: Infinity, size: 'XXL' },
];

const isPlausible = (height: number, inseam: number) => height >= 120 && height <= 220 && inseam >= 55 && inseam <= 105 && inseam < height * 0.6;

/** The size to suggest: letter size from height, road frame from inseam (× 0.67, the usual fitter's rule). */
export function suggestSize(height: number, inseam: number): string {
  const size = SIZE_BANDS.find((band) => height < band.below)!.size;
  const roadFrame = Math.round(inseam * 0.67);
  return `At ${height} cm tall with an inseam of ${inseam} cm, our size ${size} should fit you (a road frame of about ${roadFrame} cm). If you are between two sizes, come in for a free 15-minute sizing session on our fit bike.`;
}

/**
 * The worked example of docs/flows.md: two questions, one answer. The knowledge base promises that "the assistant
 * can suggest a size if you tell it both measurements"; this flow keeps that promise.
 */
export default defineFlow({
  id: 'bikeSize',
  description: "Suggests a frame size from the customer's height and inseam, and mentions the free sizing session.",
  triggers: ['what frame size do I need', 'which size bike fits my height', 'help me choose a frame size', 'suggest a bike size for me', 'bike size calculator'],
  machine: flow.createMachine({
    id: 'bikeSize',
    context: flow.startingContext,
    initial: 'askingHeight',
    states: {
      askingHeight: flow.ask('Happy to help! How tall are you, in centimetres? (For example 178)', { expect: 'number', slot: 'height', then: 'askingInseam', onFail: 'offeringHuman' }),
      askingInseam: flow.ask('And your inseam (inside leg), in centimetres? (For example 82)', { expect: 'number', slot: 'inseam', then: 'suggesting', onFail: 'offeringHuman' }),
      suggesting: {
        always: [
          {
            guard: ({ context }) => !isPlausible(Number(context.slots.height), Number(context.slots.inseam)),
            target: 'done',
            actions: flow.reply("Those measurements don't look right to me, so I'd rather not guess. Our staff can size you in the shop for free in 15 minutes."),
          },
          { target: 'done', actions: flow.reply(({ context }) => ({ text: suggestSize(Number(context.slots.height), Number(context.slots.inseam)) })) },
        ],
      },
      offeringHuman: flow.offerHuman({ reason: 'flowDecision' }),
      done: { type: 'final' },
    },
  }),
});
