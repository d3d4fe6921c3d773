import { assign } from 'xstate';
import { defineFlow, flow, slotExtractors, type FlowInput, type OrderSummary } from '../src/index.js';

/** One sentence for every outcome, so "not yours" and "no such order" cannot be told apart. */
const NOT_FOUND = "I couldn't find an order with that number for you.";

const day = (iso: string) => new Date(iso).toLocaleDateString('en-US', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** What the customer reads about their own order: status first, then what they can act on (carrier, tracking). */
export function describeOrder(order: OrderSummary): string {
  const placed = `placed ${day(order.placedAt)}, ${order.itemCount} item${order.itemCount === 1 ? '' : 's'}, $${order.total.toFixed(2)}`;
  const isPickup = order.carrier === 'In-store pickup';
  const tracking = order.trackingNumber ? ` Tracking number: ${order.trackingNumber}.` : '';
  switch (order.status) {
    case 'processing':
      return `Order ${order.orderNumber} (${placed}) is being prepared. ${isPickup ? "We'll text you when it's ready to collect." : `It will ship with ${order.carrier ?? 'our carrier'} and you'll get tracking details then.`}`;
    case 'shipped':
      return `Order ${order.orderNumber} (${placed}) ${isPickup ? `is ready to collect at the shop since ${day(order.shippedAt ?? order.placedAt)}.` : `shipped on ${day(order.shippedAt ?? order.placedAt)} with ${order.carrier ?? 'our carrier'}.${tracking}`}`;
    case 'delivered':
      return `Order ${order.orderNumber} (${placed}) was ${isPickup ? 'collected from the shop' : `delivered by ${order.carrier ?? 'our carrier'}`} on ${day(order.deliveredAt ?? order.shippedAt ?? order.placedAt)}.${isPickup ? '' : tracking}`;
    case 'cancelled':
      return `Order ${order.orderNumber} (${placed}) was cancelled, and nothing was charged or shipped for it.`;
    case 'returned':
      return `Order ${order.orderNumber} (${placed}) was returned to us. Refunds reach your account 5-10 business days after we receive the return.`;
    default:
      return `Order ${order.orderNumber} (${placed}) has the status "${order.status}".`;
  }
}

/**
 * Looks up one of the customer's orders. Who the customer is comes from the channel (the phone number on SMS) or from
 * the email on the order; the `lookupOrder` service checks ownership and answers "not found" for anyone else's order,
 * so this flow never holds another customer's data.
 */
export default defineFlow({
  id: 'orderStatus',
  description: 'Tells a verified customer the status, carrier, tracking number and dates of one of their orders.',
  triggers: [
    'where is my order',
    'track my order',
    'what is the status of my order',
    'has my order shipped yet',
    'when will my order arrive',
    'can I get the tracking number for my order',
    'check order FD-1042',
    'my order has not arrived',
    'my order is late',
    'where is my order FD-1042? it is late again',
    'I am still waiting for my order',
    'track FD-1234',
    'can you track my order',
    "my parcel hasn't arrived",
  ],
  needs: ['lookupOrder'],
  machine: flow.createMachine({
    id: 'orderStatus',
    context: ({ input }: { input: FlowInput }) => ({
      ...flow.startingContext({ input }),
      // "where is FD-1042?" carries the number: no need to ask for it.
      slots: {
        orderNumber: slotExtractors.orderNumber!(input.message?.text ?? ''),
        // A complaint ("my order is late AGAIN!") is no moment to sell anything.
        isUpset: (input.message?.sentiment ?? 0) <= -0.4 ? 'yes' : undefined,
      },
    }),
    initial: 'starting',
    states: {
      starting: { always: [{ guard: ({ context }) => context.slots.orderNumber !== undefined, target: 'lookingUp' }, { target: 'askingOrder' }] },
      askingOrder: flow.ask('What is your order number? It starts with FD-, for example FD-1042.', { expect: 'orderNumber', then: 'lookingUp', onFail: 'offeringHuman' }),
      lookingUp: {
        invoke: {
          src: 'lookupOrder',
          input: ({ context }) => ({ orderNumber: context.slots.orderNumber!, ...(context.slots.email && { email: context.slots.email }) }),
          onDone: [
            {
              guard: ({ event }) => event.output.status === 'found',
              target: 'suggesting',
              actions: [
                flow.reply(({ event }) => ({ text: describeOrder(event.output.order) })),
                assign({
                  slots: ({ context, event }) =>
                    event.output.status === 'found' ? { ...context.slots, orderProducts: event.output.order.productIds.join(','), orderStatus: event.output.order.status } : context.slots,
                }),
              ],
            },
            { guard: ({ event }) => event.output.status === 'needsEmail', target: 'askingEmail' },
            {
              // One more try: a typo in the number or the email is the usual reason. Both are asked again.
              guard: ({ context }) => context.slots.hasRetried !== 'yes',
              target: 'askingOrderAgain',
              actions: [assign({ slots: ({ context }) => ({ ...context.slots, hasRetried: 'yes', orderNumber: undefined, email: undefined }) }), flow.reply(NOT_FOUND)],
            },
            { target: 'offeringHuman', actions: flow.reply(NOT_FOUND) },
          ],
          onError: { target: 'offeringHuman', actions: flow.reply("Sorry, I can't reach our order system right now.") },
        },
      },
      // At most one suggestion that goes with what they bought; never for a complaint, a cancelled or a returned order.
      suggesting: {
        always: { guard: ({ context }) => context.slots.isUpset === 'yes' || ['cancelled', 'returned'].includes(context.slots.orderStatus ?? '') || !context.slots.orderProducts, target: 'done' },
        invoke: {
          src: 'recommendProducts',
          input: ({ context }) => ({ seedProductIds: context.slots.orderProducts!.split(','), excludeProductIds: context.slots.orderProducts!.split(','), useHistory: false, limit: 1 }),
          onDone: [
            {
              guard: ({ event }) => event.output.cards.length > 0,
              target: 'done',
              actions: flow.reply(({ event }) => ({ text: 'You might also like this:', cards: event.output.cards })),
            },
            { target: 'done' },
          ],
          onError: 'done',
        },
      },
      askingEmail: flow.ask('To keep your orders private, what is the email address on the order?', { expect: 'email', then: 'lookingUp', onFail: 'offeringHuman' }),
      askingOrderAgain: flow.ask('Could you check the order number and send it again? It starts with FD-.', { expect: 'orderNumber', then: 'lookingUp', onFail: 'offeringHuman' }),
      offeringHuman: flow.offerHuman({ reason: 'flowDecision' }),
      done: { type: 'final' },
    },
  }),
});
