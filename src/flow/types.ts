import type { Channel, Message, ReplyContent } from '../message.js';

/** The router's reading of a customer message: which flow it is for, and how sure. */
export interface IntentMatch {
  /** null when no flow is a confident match (out of scope). */
  flowId: string | null;
  confidence: number;
  candidates: Array<{ flowId: string; score: number }>;
  /** When the best match is one FAQ entry: which one (the `faq` flow answers it). */
  faq?: { id: string; question: string };
}

export interface CustomerProfile {
  id: string;
  name?: string;
  isReturning: boolean;
}

/** Context every flow machine (and the router) shares. Flows keep their own answers in `slots`. */
export interface FlowContext {
  conversationId: string;
  channel: Channel;
  customer: CustomerProfile;
  slots: Record<string, string | undefined>;
  /** The last customer text this machine received: what helper states answer or extract from. */
  lastText: string;
  /** Consecutive questions the bot could not answer: two in a row is a handoff trigger. */
  misses: number;
  /** Router only: the id of the flow running as the child actor `activeFlow`. */
  activeFlow?: string;
  hasWelcomed?: boolean;
}

export interface FlowInput {
  conversationId: string;
  channel: Channel;
  customer: CustomerProfile;
  /** The message that started the flow, when a message did. */
  message?: Message;
  intent?: IntentMatch;
}

export type FlowEvent =
  | { type: 'message.received'; message: Message; intent: IntentMatch }
  | { type: 'conversation.started' }
  | { type: 'xstate.done.actor.activeFlow'; output?: unknown }
  | { type: 'flow.failed'; error: string };

export type { ReplyContent };
