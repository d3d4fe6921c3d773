import type { DeliveryUpdate, JournalEntry, JournalRequest, JournalResult, Store, TurnCommit } from '../store/store.js';
import type { Logger } from '../logger.js';

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export interface BatchWriter {
  /** Resolves once the inbound item is durably journaled (or found to be a duplicate). */
  journal(request: JournalRequest): Promise<JournalResult>;
  /** Resolves once the turn's snapshot, replies and journal mark are committed together. */
  commitTurn(turn: TurnCommit): Promise<void>;
  /** Records a delivery result with the next batch; nothing waits on it. */
  recordDelivery(update: DeliveryUpdate): void;
  /** Writes whatever is queued now (used at shutdown). */
  flush(): Promise<void>;
  /** Lets the runtime run a turn inside the journal's transaction (see Store.writeBatch), and undo on failure. */
  setInlineTurns(handler: InlineTurnHandler): void;
}

export interface InlineTurnHandler {
  run(entry: JournalEntry): TurnCommit | undefined;
  /** The batch failed: forget the turns started in it. */
  abort(): void;
}

/**
 * Group commit: everything queued during one event-loop tick is written in a single transaction. Each caller still
 * gets its own promise, resolved only after the commit, so "a reply is sent only after its commit" holds while the
 * commit cost is shared by all the turns that finished together.
 */
export function createBatchWriter(store: Store, logger: Logger): BatchWriter {
  let journal: Array<{ request: JournalRequest } & Waiter<JournalResult>> = [];
  let turns: Array<{ turn: TurnCommit } & Waiter<void>> = [];
  let deliveries: DeliveryUpdate[] = [];
  let scheduled: Promise<void> | undefined;
  let inlineTurns: InlineTurnHandler | undefined;

  const flush = async (): Promise<void> => {
    scheduled = undefined;
    const batch = { journal, turns, deliveries };
    journal = [];
    turns = [];
    deliveries = [];
    if (batch.journal.length + batch.turns.length + batch.deliveries.length === 0) return;
    try {
      const results = await store.writeBatch(
        {
          journal: batch.journal.map((item) => item.request),
          turns: batch.turns.map((item) => item.turn),
          deliveries: batch.deliveries,
        },
        inlineTurns?.run,
      );
      batch.journal.forEach((item, index) => item.resolve(results[index]!));
      for (const item of batch.turns) item.resolve();
    } catch (error) {
      logger.error({ err: error, journal: batch.journal.length, turns: batch.turns.length }, 'a write batch failed');
      inlineTurns?.abort();
      for (const item of batch.journal) item.reject(error);
      for (const item of batch.turns) item.reject(error);
      // Delivery results are only bookkeeping: keep them for the next batch rather than resend messages later.
      deliveries.push(...batch.deliveries);
    }
  };

  const schedule = () => {
    // setImmediate, not a microtask: it lets every request that arrived in this loop iteration join the batch.
    scheduled ??= new Promise<void>((resolve) => setImmediate(() => void flush().then(resolve)));
  };

  return {
    journal(request) {
      return new Promise((resolve, reject) => {
        journal.push({ request, resolve, reject });
        schedule();
      });
    },
    commitTurn(turn) {
      return new Promise((resolve, reject) => {
        turns.push({ turn, resolve, reject });
        schedule();
      });
    },
    recordDelivery(update) {
      deliveries.push(update);
      schedule();
    },
    async flush() {
      if (scheduled) await scheduled;
      await flush();
    },
    setInlineTurns(handler) {
      inlineTurns = handler;
    },
  };
}
