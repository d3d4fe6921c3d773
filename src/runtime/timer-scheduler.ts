import type { Logger } from '../logger.js';
import type { Store, TurnCommit } from '../store/store.js';

/** setTimeout cannot wait longer than about 24.8 days; longer timers wake up and wait again. */
const MAX_TIMEOUT = 2 ** 31 - 1;

export interface TimerSchedulerHandle {
  apply(conversationId: string, timers: NonNullable<TurnCommit['timers']>): void;
  /** Arms every stored timer (after a restart, those already due fire at once). */
  start(): Promise<number>;
  stop(): void;
}

/**
 * Keeps the committed timers of all conversations armed in memory. When one is due, `fire` turns it into a journaled
 * event (deduplicated by conversation, name and deadline), so a timer fires exactly once even across restarts.
 */
export function createTimerScheduler(options: { store: Store; now: () => number; logger: Logger; fire: (conversationId: string, name: string, dueAt: number) => Promise<void> }): TimerSchedulerHandle {
  const { store, now, logger, fire } = options;
  const armed = new Map<string, NodeJS.Timeout>();
  const key = (conversationId: string, name: string) => `${conversationId}\u0000${name}`;

  const arm = (conversationId: string, name: string, dueAt: number) => {
    const id = key(conversationId, name);
    clearTimeout(armed.get(id));
    const delay = Math.max(0, dueAt - now());
    const timer = setTimeout(() => {
      if (dueAt > now()) return arm(conversationId, name, dueAt);
      armed.delete(id);
      fire(conversationId, name, dueAt).catch((error: unknown) => {
        // The row is still in the store: it fires again at the next start.
        logger.error({ err: error, conversationId, timer: name }, 'a due timer could not be journaled');
      });
    }, Math.min(delay, MAX_TIMEOUT));
    // Timers alone never keep the process alive; the server does.
    timer.unref();
    armed.set(id, timer);
  };

  return {
    apply(conversationId, timers) {
      for (const timer of timers) {
        if ('cancel' in timer) {
          clearTimeout(armed.get(key(conversationId, timer.name)));
          armed.delete(key(conversationId, timer.name));
        } else arm(conversationId, timer.name, timer.dueAt);
      }
    },
    async start() {
      const stored = await store.loadTimers();
      for (const timer of stored) arm(timer.conversationId, timer.name, timer.dueAt);
      return stored.length;
    },
    stop() {
      for (const timer of armed.values()) clearTimeout(timer);
      armed.clear();
    },
  };
}
