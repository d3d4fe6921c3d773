import type { ConversationReference } from 'botbuilder';
import type { ChannelState } from '../../src/index.js';

const PREFIX = 'reference:';
/** Enough to skip rewriting an unchanged reference for every active conversation, bounded so memory stays flat. */
const MAX_REMEMBERED = 10_000;

export interface ReferenceStore {
  save(conversationKey: string, reference: Partial<ConversationReference>): Promise<void>;
  load(conversationKey: string): Promise<Partial<ConversationReference> | undefined>;
}

/**
 * Conversation references (serviceUrl, conversation, bot, user) in the channel's durable state, keyed by the Teams
 * conversation id. Every send is proactive from one of these, so a staff reply days later goes out the same way as
 * the bot's immediate answer, and both survive a restart.
 */
export function createReferenceStore(state: ChannelState): ReferenceStore {
  const lastWritten = new Map<string, string>();
  return {
    async save(conversationKey, reference) {
      // The id of the message being answered changes with every activity; replies are posted to the conversation, not
      // threaded under one message, so without it the reference is stable and most saves are skipped.
      const { activityId: _activityId, ...stable } = reference;
      const json = JSON.stringify(stable);
      if (lastWritten.get(conversationKey) === json) return;
      await state.set(`${PREFIX}${conversationKey}`, stable);
      lastWritten.delete(conversationKey);
      lastWritten.set(conversationKey, json);
      if (lastWritten.size > MAX_REMEMBERED) lastWritten.delete(lastWritten.keys().next().value!);
    },
    load: (conversationKey) => state.get<Partial<ConversationReference>>(`${PREFIX}${conversationKey}`),
  };
}
