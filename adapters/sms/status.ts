/**
 * Outbound delivery states from Twilio status callbacks, which arrive in any order (a `sent` can land after
 * `delivered`): the stored state only ever moves forward.
 */

// Same rank = no move: the first final outcome (delivered, undelivered, failed…) stands; only `read` follows it.
const RANK: Record<string, number> = {
  accepted: 0,
  scheduled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
  partially_delivered: 4,
  read: 5,
};

export const isKnownStatus = (status: string) => status in RANK;

/**
 * Whether a callback's `next` status moves the stored `current` one forward.
 *
 * @example
 * isForwardMove('delivered', 'sent') // false: a late `sent` after `delivered` is ignored
 * isForwardMove('sent', 'delivered') // true
 */
export function isForwardMove(current: string | undefined, next: string): boolean {
  if (!isKnownStatus(next)) return false;
  if (current === undefined || !isKnownStatus(current)) return true;
  return RANK[next]! > RANK[current]!;
}

/** What the adapter keeps per outbound SMS under `status:<part id>`. */
export interface StatusRecord {
  status: string;
  sid: string;
  errorCode?: string;
  updatedAt: string;
}
