import type { ChannelState } from '../../src/index.js';
import type { Block } from './render.js';

/** One handoff's thread in the staff channel (`thread:<conversationId>`; a new handoff replaces the old one). */
export interface ThreadRecord {
  conversationId: string;
  channelId: string;
  /** The root message's ts, which is also the thread's id. */
  ts: string;
  /** The outbox id of the `opened` notification that posted the root: a retry of it must not post a second root. */
  notificationId: string;
  status: 'waiting' | 'claimed' | 'resolved';
  staffName?: string;
  outcome?: string;
  score?: number;
  /** Customer label as shown on the card (name or masked phone), for `/frontdesk`. */
  label: string;
  customerChannel: string;
  openedAt: number;
  /** The card's unchanging blocks, to rebuild it with a new status (chat.update replaces every block). */
  summary: Block[];
}

/** `ts:<threadTs>`: which conversation a thread belongs to, and who claimed it in Slack (a Slack user id). */
export interface ThreadLink {
  conversationId: string;
  claimedBy?: { userId: string; name: string };
}

/** A "Suggest a reply" draft waiting for "Send to customer" (`draft:<id>`); deleted once sent. */
export interface DraftRecord {
  conversationId: string;
  threadTs: string;
  text: string;
  createdAt: number;
}

export function createThreadStore(state: ChannelState) {
  return {
    get: (conversationId: string) => state.get<ThreadRecord>(`thread:${conversationId}`),
    save: (record: ThreadRecord) => state.set(`thread:${record.conversationId}`, record),
    list: async () => (await state.list<ThreadRecord>('thread:')).map((entry) => entry.value),
    link: (threadTs: string) => state.get<ThreadLink>(`ts:${threadTs}`),
    saveLink: (threadTs: string, link: ThreadLink) => state.set(`ts:${threadTs}`, link),
    /** Set before posting a root, so a retry after an ambiguous failure looks for the posted message first. */
    pendingRoot: (notificationId: string) => state.get<{ at: number }>(`pending:${notificationId}`),
    markPendingRoot: (notificationId: string, at: number) => state.set(`pending:${notificationId}`, { at }),
    clearPendingRoot: (notificationId: string) => state.delete(`pending:${notificationId}`),
    draft: (draftId: string) => state.get<DraftRecord>(`draft:${draftId}`),
    saveDraft: (draftId: string, draft: DraftRecord) => state.set(`draft:${draftId}`, draft),
    deleteDraft: (draftId: string) => state.delete(`draft:${draftId}`),
  };
}

export type ThreadStore = ReturnType<typeof createThreadStore>;
