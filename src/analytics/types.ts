import type { Message } from '../message.js';

/** One row of `items` as the dashboard reads it: a message or event, inbound or outbound, with its parsed body. */
export interface AnalyticsItem {
  seq: number;
  channel: string;
  direction: 'in' | 'out';
  kind: 'message' | 'event';
  /** The stored Message (kind 'message') or conversation event (kind 'event'). */
  body: Partial<Message> & Record<string, unknown>;
  createdAt: string;
}

/** A conversation with every item of it, in order. */
export interface AnalyticsConversation {
  id: string;
  channel: string;
  customerId: string;
  customerName?: string;
  /** The platform's address (a phone number on SMS): personal data, masked on the dashboard. */
  conversationKey: string;
  createdAt: string;
  items: AnalyticsItem[];
}

export interface AnalyticsFeedback {
  conversationId: string;
  kind: 'csat' | 'nps';
  score: number;
  createdAt: string;
}

/**
 * Read-only access to what the dashboard aggregates. The SQLite implementation is `src/store/sqlite-analytics.ts`;
 * another store provides its own.
 */
export interface AnalyticsReader {
  /** Conversations whose first item is at or after `since` (ISO time), oldest first, with all their items. */
  conversationsSince(since: string): Promise<AnalyticsConversation[]>;
  conversation(id: string): Promise<AnalyticsConversation | undefined>;
  /** CSAT and NPS answers given in these conversations. */
  feedbackOf(conversationIds: readonly string[]): Promise<AnalyticsFeedback[]>;
  close(): void;
}

/** Where a conversation stands, derived from its items. */
export type ConversationState = 'open' | 'withPerson' | 'resolved' | 'ended';

export const conversationStates: readonly ConversationState[] = ['open', 'withPerson', 'resolved', 'ended'];
