import type { HandoffReason } from '../message.js';
import type { BusinessHours } from './business-hours.js';

export interface HandoffRequest {
  reason: HandoffReason;
}

/** What `requestHandoff` tells the handoff flow: whether a person can come now, and how long to wait for a claim. */
export interface HandoffOutcome {
  isAccepted: boolean;
  hasStaffConsole: boolean;
  isWithinHours: boolean;
  nextOpening?: string;
  claimTimeoutMilliseconds: number;
}

/**
 * The `requestHandoff` service the runtime gives flows. The staff console itself is reached through the outbox
 * (`flow.notifyStaff`), so a handoff survives crashes like any other message.
 */
export function createHandoffService(options: { hours: BusinessHours; claimTimeoutMilliseconds: number; hasStaffConsole: () => boolean; now: () => number }) {
  return async (_request: HandoffRequest): Promise<HandoffOutcome> => {
    const at = options.now();
    const isWithinHours = options.hours.isOpen(at);
    return {
      isAccepted: true,
      hasStaffConsole: options.hasStaffConsole(),
      isWithinHours,
      ...(!isWithinHours && { nextOpening: options.hours.nextOpening(at) }),
      claimTimeoutMilliseconds: options.claimTimeoutMilliseconds,
    };
  };
}
