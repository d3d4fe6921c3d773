import type { Channel, HandoffReason, Message, ReplyContent } from '../message.js';

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
  /** The profile was already looked up in this conversation (a flow that finished with `output.profile`). */
  isLookedUp?: boolean;
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
  /** Router only: consecutive customer messages with clearly negative sentiment. */
  negativeStreak?: number;
  /** Handoff flow: why a person was asked for, and who took it. */
  handoff?: { reason: HandoffReason; staffName?: string; isWithinHours?: boolean; hasStaffConsole?: boolean };
}

export interface FlowInput {
  conversationId: string;
  channel: Channel;
  customer: CustomerProfile;
  /** The message that started the flow, when a message did. */
  message?: Message;
  intent?: IntentMatch;
  /** Handoff flow: why it was started. */
  reason?: HandoffReason;
  /** Questions in a row the bot could not answer before this flow started (the router counts them). */
  misses?: number;
}

export type FlowEvent =
  /** `isHandedBack`: the router is routing it a second time, after a flow handed it back (see below). */
  | { type: 'message.received'; message: Message; intent: IntentMatch; isHandedBack?: true }
  /**
   * A flow got a message it is not for (a new question where it asked yes or no) and hands it back: the router stops
   * that flow and routes the message afresh, so it is answered rather than lost.
   */
  | { type: 'message.handedBack'; message: Message; intent: IntentMatch }
  | { type: 'conversation.started' }
  | { type: 'xstate.done.actor.activeFlow'; output?: unknown }
  | { type: 'flow.failed'; error: string }
  /** A flow (or the router) decided a person should take over. */
  | { type: 'handoff.requested'; reason: HandoffReason }
  /** Staff actions, from the staff console through the gateway. */
  | { type: 'handoff.claimed'; staffName: string }
  | { type: 'agent.replied'; text: string; staffName: string }
  | { type: 'handoff.resolved'; staffName?: string }
  /** A timer a flow started (flow.startTimer) is due; timers survive restarts. */
  | { type: 'timer.fired'; name: string };

export type { ReplyContent };
