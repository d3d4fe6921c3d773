import type { ChannelAdapter } from '../channel.js';
import { FrontdeskError } from '../errors.js';
import type { Channel, Message } from '../message.js';
import type { Logger } from '../logger.js';
import type { BatchWriter } from '../runtime/batch-writer.js';

/**
 * Thrown by an adapter's `send` to steer retries: `isRetryable: false` dead-letters at once (a permanent refusal),
 * `retryAfterMilliseconds` honours a platform's Retry-After.
 */
export class DeliveryError extends FrontdeskError {
  constructor(
    message: string,
    readonly delivery: { isRetryable: boolean; retryAfterMilliseconds?: number },
    options?: { cause?: unknown },
  ) {
    super('delivery_failed', message, options);
  }
}

export interface DeliveryOptions {
  writer: BatchWriter;
  adapters: () => ReadonlyMap<Channel, ChannelAdapter>;
  logger: Logger;
  /** Attempts before a message is dead-lettered. */
  maxAttempts?: number;
  baseDelayMilliseconds?: number;
  maxDelayMilliseconds?: number;
  now?: () => number;
  random?: () => number;
}

export interface Delivery {
  enqueue(items: Array<{ message: Message; attempts: number }>): void;
  /** Resolves when every queued message has been delivered or given up (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

/**
 * Sends committed outbox messages through their channel's adapter, in order per conversation, retrying failures
 * with exponential backoff and jitter (never earlier than a platform's Retry-After), and records each outcome.
 */
export function createDelivery(options: DeliveryOptions): Delivery {
  const { writer, logger } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelay = options.baseDelayMilliseconds ?? 1000;
  const maxDelay = options.maxDelayMilliseconds ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const chains = new Map<string, Promise<void>>();
  // A retry waiting for its backoff, and how to wake it: stop() wakes them all, so nothing awaits a timer that will
  // never fire. The message stays pending in the outbox and the next start delivers it.
  const sleepers = new Map<NodeJS.Timeout, () => void>();
  let isStopped = false;

  const sleep = (milliseconds: number) =>
    new Promise<void>((resolve) => {
      if (isStopped) return resolve();
      const timer = setTimeout(() => {
        sleepers.delete(timer);
        resolve();
      }, milliseconds);
      sleepers.set(timer, resolve);
    });

  async function deliver(message: Message, startingAttempts: number): Promise<void> {
    let attempts = startingAttempts;
    while (!isStopped) {
      attempts++;
      try {
        const adapter = options.adapters().get(message.channel);
        if (!adapter) throw new DeliveryError(`No adapter is running for the ${message.channel} channel.`, { isRetryable: true });
        const receipt = await adapter.send(message);
        // Already marked delivered in the turn's commit: the push is a courtesy, the transcript is the delivery.
        if (adapter.deliversFromTranscript) return;
        writer.recordDelivery({ outboxId: message.id, status: 'delivered', attempts, nextAttemptAt: 0, externalId: receipt.externalId });
        return;
      } catch (error) {
        const policy = error instanceof DeliveryError ? error.delivery : { isRetryable: true };
        const reason = (error as Error).message;
        if (!policy.isRetryable || attempts >= maxAttempts) {
          writer.recordDelivery({ outboxId: message.id, status: 'dead', attempts, nextAttemptAt: 0, error: reason });
          logger.error({ outboxId: message.id, conversationId: message.conversationId, channel: message.channel, attempts, reason }, 'delivery gave up; the message is dead-lettered');
          return;
        }
        const backoff = Math.min(maxDelay, baseDelay * 2 ** (attempts - 1)) * (0.5 + random() / 2);
        const delay = Math.max(backoff, policy.retryAfterMilliseconds ?? 0);
        writer.recordDelivery({ outboxId: message.id, status: 'pending', attempts, nextAttemptAt: now() + delay, error: reason });
        logger.warn({ outboxId: message.id, channel: message.channel, attempts, delayMs: Math.round(delay), reason }, 'delivery failed; retrying');
        await sleep(delay);
      }
    }
  }

  return {
    enqueue(items) {
      for (const { message, attempts } of items) {
        const adapter = options.adapters().get(message.channel);
        if (adapter?.deliversFromTranscript) {
          // Delivered at commit; the live push needs no ordering chain or retries (a reconnect replays it).
          adapter.send(message).catch((error: unknown) => logger.warn({ outboxId: message.id, reason: (error as Error).message }, 'live push failed; the client will replay it from the transcript'));
          continue;
        }
        // Chained per conversation, so a reply never overtakes an earlier one that is waiting for a retry.
        const previous = chains.get(message.conversationId) ?? Promise.resolve();
        const next = previous.then(() => deliver(message, attempts));
        chains.set(message.conversationId, next);
        void next.finally(() => {
          if (chains.get(message.conversationId) === next) chains.delete(message.conversationId);
        });
      }
    },
    async idle() {
      while (chains.size > 0) await Promise.allSettled([...chains.values()]);
      await writer.flush();
    },
    stop() {
      isStopped = true;
      for (const [timer, wake] of sleepers) {
        clearTimeout(timer);
        wake();
      }
      sleepers.clear();
    },
  };
}
