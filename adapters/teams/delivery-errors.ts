import { DeliveryError } from '../../src/index.js';

/** Teams' documented throttling and transient answers: retry with backoff (rate-limit guidance for bots). */
const RETRYABLE = new Set([408, 412, 429, 500, 502, 503, 504]);
/** The connector will never accept this message as it is: dead-letter at once. */
const PERMANENT = new Set([400, 401, 403, 404, 409, 410, 413]);

interface ConnectorFailure {
  statusCode?: unknown;
  status?: unknown;
  code?: unknown;
  name?: unknown;
  response?: { status?: unknown; headers?: { get?: (name: string) => string | undefined | null } | Record<string, unknown> };
}

function statusOf(error: ConnectorFailure): number | undefined {
  for (const candidate of [error.statusCode, error.response?.status, error.status]) if (typeof candidate === 'number') return candidate;
  return undefined;
}

/** Retry-After is seconds or an HTTP date; either becomes milliseconds from now. */
export function retryAfterMilliseconds(error: ConnectorFailure, now: () => number): number | undefined {
  const headers = error.response?.headers;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : (headers as Record<string, unknown> | undefined)?.['retry-after'];
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

/**
 * A connector failure as a DeliveryError that tells the delivery layer whether to retry. The message names the status
 * and the Frontdesk ids only: connector errors can echo the activity, and that holds the customer's conversation.
 */
export function toDeliveryError(error: unknown, context: { messageId: string; conversationId: string; now: () => number }): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const failure = (error ?? {}) as ConnectorFailure;
  const status = statusOf(failure);
  const where = `Teams refused message ${context.messageId} for conversation ${context.conversationId}`;
  if (status !== undefined && PERMANENT.has(status)) {
    const why =
      status === 401 || status === 403
        ? 'the bot\'s credentials were refused or it may not post there (check MicrosoftAppId/MicrosoftAppPassword, and that the app is still installed)'
        : status === 404
          ? 'the conversation or the bot is gone (uninstalled, or the chat was deleted)'
          : status === 413
            ? 'the message is too large for Teams'
            : 'the connector rejected the activity';
    return new DeliveryError(`${where} with HTTP ${status}: ${why}.`, { isRetryable: false }, { cause: error });
  }
  if (status !== undefined) {
    return new DeliveryError(`${where} with HTTP ${status}; retrying${RETRYABLE.has(status) ? '' : ' (unexpected status)'}.`, {
      isRetryable: true,
      retryAfterMilliseconds: retryAfterMilliseconds(failure, context.now),
    }, { cause: error });
  }
  // No HTTP answer at all: a network failure, a timeout, or no token from Entra ID. All may pass.
  const kind = typeof failure.code === 'string' ? failure.code : typeof failure.name === 'string' ? failure.name : 'error';
  return new DeliveryError(`Could not reach Teams for message ${context.messageId} (${kind}); retrying.`, { isRetryable: true }, { cause: error });
}
