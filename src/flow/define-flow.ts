import { z } from 'zod';
import { StateMachine } from 'xstate';
import { serviceNames, type FlowMachine } from './flow.js';

const flowBrand = Symbol.for('frontdesk.flow');
const routerBrand = Symbol.for('frontdesk.router');

export interface FlowDefinition {
  readonly [flowBrand]: true;
  /** A camelCase name, unique among flows: the router's label for it and the child actor's src. */
  id: string;
  description: string;
  /** Example phrases a customer would type to start this flow; the router learns from them. */
  triggers: string[];
  /** The services the flow invokes; start-up fails if one is not available. */
  needs: string[];
  /** Bump when a change makes old snapshots of this flow meaningless; they then restart at a safe state. */
  version: number;
  machine: FlowMachine;
}

export interface RouterDefinition {
  readonly [routerBrand]: true;
  description: string;
  version: number;
  machine: FlowMachine;
}

export type FlowOptions = Omit<FlowDefinition, typeof flowBrand | 'needs' | 'version'> & { needs?: FlowDefinition['needs']; version?: number };

/**
 * Declares a flow: a typed XState machine plus what the router and the runtime need to know about it.
 * Validation happens when `flows/` is loaded, so an error can name the file.
 *
 * @example
 * export default defineFlow({ id: 'hours', description: 'Tells the opening hours.', triggers: ['when are you open', ...],
 *   machine: flow.createMachine({ context: flow.startingContext, initial: 'answering', states: { ... } }) });
 */
export function defineFlow(options: FlowOptions): FlowDefinition {
  return { needs: [], version: 1, ...options, [flowBrand]: true } as FlowDefinition;
}

/** Declares the root router: the machine every conversation runs, which starts flows as child actors. */
export function defineRouter(options: { description: string; version?: number; machine: FlowMachine }): RouterDefinition {
  return { version: 1, ...options, [routerBrand]: true } as RouterDefinition;
}

export const isFlowDefinition = (value: unknown): value is FlowDefinition => typeof value === 'object' && value !== null && flowBrand in value;
export const isRouterDefinition = (value: unknown): value is RouterDefinition => typeof value === 'object' && value !== null && routerBrand in value;

/** Field rules with messages that say what to do, since a developer reads them at start-up. */
export const flowSchema = z.object({
  id: z.string({ error: '"id" must be a string, e.g. "returns"' }).regex(/^[a-z][a-zA-Z0-9]{1,39}$/, {
    error: (issue) => `"id" must be a camelCase name of 2-40 letters and digits, e.g. "orderStatus" (found ${JSON.stringify(issue.input)})`,
  }),
  description: z.string({ error: '"description" must be a sentence saying what the flow does' }).trim().min(10, {
    error: '"description" must be a sentence of at least 10 characters saying what the flow does',
  }),
  triggers: z
    .array(z.string().trim().min(2, { error: 'each trigger must be a phrase of at least 2 characters' }), { error: '"triggers" must be a list of example phrases' })
    .min(3, {
      error: (issue) => `"triggers" needs at least 3 example phrases so the router can tell this flow apart (found ${(issue.input as unknown[]).length}). Add phrases a customer would type, e.g. "I want to return my order"`,
    }),
  needs: z.array(z.enum(serviceNames, { error: (issue) => `"needs" names an unknown service ${JSON.stringify(issue.input)}; the services are ${serviceNames.join(', ')}` })),
  version: z.number().int().positive({ error: '"version" must be a positive whole number' }),
  machine: z.custom<FlowMachine>((value) => value instanceof StateMachine, { error: '"machine" must be a machine made with flow.createMachine(...)' }),
});
