/** Stable, snake_case error codes: safe to match on in code, logs and HTTP responses. */
export type ErrorCode =
  | 'config_missing'
  | 'config_invalid'
  | 'flow_invalid'
  | 'body_invalid'
  | 'body_too_large'
  | 'not_found'
  | 'rate_limited'
  | 'signature_invalid'
  | 'store_failed'
  | 'delivery_failed'
  | 'channel_unavailable'
  | 'snapshot_incompatible'
  | 'service_missing'
  | 'service_timeout'
  | 'internal';

/**
 * An error that says what happened, why, and what to do. The message is written for the person who will read it
 * (a developer at start-up, an API client in a 4xx body); `code` is for code.
 *
 * @example
 * throw new FrontdeskError('config_missing', 'SLACK_SIGNING_SECRET is not set. ...');
 */
export class FrontdeskError extends Error {
  readonly details?: object;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: object },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FrontdeskError';
    this.details = options?.details;
  }

  override toString(): string {
    return `${this.code}: ${this.message}`;
  }
}

export function isFrontdeskError(error: unknown, code?: ErrorCode): error is FrontdeskError {
  return error instanceof FrontdeskError && (code === undefined || error.code === code);
}
