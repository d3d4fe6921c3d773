import { assign } from 'xstate';
import { askConsent, consentSlot, defineFlow, flow, type FlowInput, type ProductCard } from '../src/index.js';

const CONSENT = consentSlot('personalization');
const shownIds = (slots: Record<string, string | undefined>) => (slots.shown ? slots.shown.split(',') : []);
const isChoice = (pattern: RegExp) => ({ event }: { event: { type: string; message?: { text: string } } }) => event.type === 'message.received' && pattern.test(event.message!.text);
const budgetOf = (text: string) => /(?:under|below|less than|up to|max(?:imum)?)?\s*\$?\s*(\d+(?:\.\d+)?)/i.exec(text)?.[1];
/** "$1649", "$39.99": how the cards show prices. */
const money = (amount: number | undefined) => (amount === undefined ? '' : Number.isInteger(amount) ? `$${amount}` : `$${amount.toFixed(2)}`);
const cheapest = (cards: ProductCard[]) => Math.min(...cards.map((card) => card.price ?? Number.POSITIVE_INFINITY));

/**
 * Suggests products from the catalog: it reads what the customer wants from their words, asks for a category and
 * a budget only when it has nothing to go on, uses their purchase history only if they said yes to it, and answers
 * with product cards that say why each one was picked. "More like this" and "something cheaper" refine.
 */
export default defineFlow({
  id: 'recommend',
  description: 'Recommends products with a reason for each, from what the customer asks and (with consent) what they bought.',
  triggers: [
    'can you recommend something',
    'what should I buy',
    'I need a new helmet',
    'suggest some bike lights',
    'gift ideas for a cyclist',
    'what goes well with my new bike',
    'I am looking for a good lock',
    'show me your e-bikes',
    'recommend a bike for commuting',
    'any suggestions for a present',
    'I want to buy a bike',
    'I am looking for a mountain bike under $1500',
    'which helmet should I get',
    'I want a kids bike for my daughter',
    'do you have any road bikes under $1500',
  ],
  needs: ['recommendProducts', 'checkConsent', 'recordConsent'],
  machine: flow.createMachine({
    id: 'recommend',
    context: ({ input }: { input: FlowInput }) => ({ ...flow.startingContext({ input }), slots: { query: input.message?.text } }),
    initial: 'probing',
    states: {
      // A first look without any history: it tells whether there is anything to personalise with at all.
      probing: {
        invoke: {
          src: 'recommendProducts',
          input: ({ context }) => ({ query: context.slots.query, useHistory: false, limit: 3 }),
          onDone: [
            { guard: ({ event }) => event.output.canPersonalize, target: 'checkingConsent' },
            { target: 'recommending' },
          ],
          onError: 'unavailable',
        },
      },
      checkingConsent: askConsent({
        purpose: 'personalization',
        question: 'May I use your past orders with us to personalise these suggestions?',
        then: 'recommending',
        ifRefused: 'recommending',
      }),
      recommending: {
        invoke: {
          src: 'recommendProducts',
          input: ({ context }) => ({
            query: context.slots.query,
            category: context.slots.category,
            maxPrice: context.slots.maxPrice ? Number(context.slots.maxPrice) : undefined,
            useHistory: context.slots[CONSENT] === 'granted',
            seedProductIds: context.slots.seeds ? context.slots.seeds.split(',') : undefined,
            excludeProductIds: shownIds(context.slots),
            limit: 3,
          }),
          onDone: [
            { guard: ({ event }) => event.output.needsPreferences, target: 'askingCategory' },
            {
              guard: ({ event }) => event.output.cards.length === 0,
              target: 'done',
              actions: flow.reply(({ event }) => ({
                text: event.output.overBudget
                  ? `Nothing in stock under ${money(event.output.maxPrice)} fits: the closest is the ${event.output.overBudget.name} at ${money(event.output.overBudget.price)}. Try another budget, or type "agent" and a member of our team will help.`
                  : 'I couldn\'t find anything in stock that fits. Try another budget or category, or type "agent" and a member of our team will help.',
              })),
            },
            {
              target: 'showing',
              actions: [
                assign({
                  slots: ({ context, event }) => ({
                    ...context.slots,
                    category: event.output.category ?? context.slots.category,
                    maxPrice: event.output.maxPrice !== undefined ? String(event.output.maxPrice) : context.slots.maxPrice,
                    shown: [...shownIds(context.slots), ...event.output.cards.map((card: ProductCard) => card.productId)].join(','),
                    lastShown: event.output.cards.map((card: ProductCard) => card.productId).join(','),
                    lastCheapest: String(cheapest(event.output.cards)),
                    seeds: undefined,
                  }),
                }),
                flow.reply(({ event }) => ({
                  text: event.output.overBudget
                    ? `Nothing that fits exactly is under ${money(event.output.maxPrice)}: the closest is the ${event.output.overBudget.name} at ${money(event.output.overBudget.price)}. Within your budget, here are a few picks:`
                    : event.output.hasHistory
                      ? 'Here are a few picks based on what you asked and what you bought before:'
                      : 'Here are a few picks:',
                  cards: event.output.cards,
                  quickReplies: [
                    { label: 'More like this', value: 'more like this' },
                    { label: 'Something cheaper', value: 'something cheaper' },
                    { label: "That's all", value: "that's all, thanks" },
                  ],
                })),
              ],
            },
          ],
          onError: 'unavailable',
        },
      },
      askingCategory: {
        entry: flow.reply({
          text: 'Happy to help! What are you shopping for?',
          quickReplies: ['Helmets', 'Lights', 'Locks', 'Clothing', 'Hybrid Bikes', 'E-Bikes'].map((category) => ({ label: category, value: category })),
        }),
        on: { 'message.received': { target: 'askingBudget', actions: assign({ slots: ({ context, event }) => ({ ...context.slots, query: event.message.text }) }) } },
      },
      askingBudget: {
        entry: flow.reply({
          text: 'Do you have a budget in mind?',
          quickReplies: [
            { label: 'Under $50', value: 'under $50' },
            { label: 'Under $100', value: 'under $100' },
            { label: 'Under $500', value: 'under $500' },
            { label: 'No limit', value: 'no limit' },
          ],
        }),
        on: {
          'message.received': {
            target: 'recommending',
            actions: assign({ slots: ({ context, event }) => ({ ...context.slots, maxPrice: budgetOf(event.message.text) ?? context.slots.maxPrice }) }),
          },
        },
      },
      showing: {
        on: {
          'message.received': [
            { guard: isChoice(/more like (this|these|that)/i), target: 'recommending', actions: assign({ slots: ({ context }) => ({ ...context.slots, seeds: context.slots.lastShown }) }) },
            {
              guard: isChoice(/cheaper|less expensive|lower price/i),
              target: 'recommending',
              actions: assign({ slots: ({ context }) => ({ ...context.slots, maxPrice: String(Math.max(0, Number(context.slots.lastCheapest) - 0.01)) }) }),
            },
            { target: 'done', actions: flow.reply('Glad to help. Anything else?') },
          ],
        },
      },
      unavailable: { entry: flow.reply("Sorry, I can't look at the catalog right now. Please try again in a moment."), always: 'done' },
      done: { type: 'final' },
    },
  }),
});
