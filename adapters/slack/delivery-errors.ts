import { webApi } from '@slack/bolt';
import { DeliveryError } from '../../src/index.js';

/**
 * Slack answers that will not change on a retry: the token, the channel, the scopes or the message itself is wrong.
 * Anything else (including errors Slack adds later) is retried, because dead-lettering a handoff costs more than a
 * few extra attempts.
 */
const PERMANENT = new Set([
  'invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'missing_scope',
  'channel_not_found', 'not_in_channel', 'is_archived', 'channel_is_archived', 'restricted_action', 'ekm_access_denied', 'team_access_not_granted',
  'invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'msg_blocks_too_long', 'no_text', 'too_many_attachments', 'invalid_arguments',
  'invalid_metadata_format', 'invalid_metadata_schema', 'metadata_too_large', 'message_not_found', 'cant_update_message', 'edit_window_closed',
  'user_not_found', 'user_not_in_channel',
]);

const ADVICE: Record<string, string> = {
  invalid_auth: 'SLACK_BOT_TOKEN was refused; copy the Bot User OAuth Token again from OAuth & Permissions',
  not_authed: 'no token was sent; set SLACK_BOT_TOKEN',
  token_revoked: 'the app was uninstalled or its token revoked; reinstall it and update SLACK_BOT_TOKEN',
  missing_scope: 'the app lacks a scope; add the scopes from the manifest in docs/channels/slack.md and reinstall',
  channel_not_found: 'SLACK_HANDOFF_CHANNEL is not a channel the bot can see; check the ID and invite the bot (/invite @Frontdesk)',
  not_in_channel: 'the bot is not a member of SLACK_HANDOFF_CHANNEL; invite it with /invite @Frontdesk',
  is_archived: 'SLACK_HANDOFF_CHANNEL is archived; unarchive it or choose another channel',
};

/**
 * A failed Web API call as a DeliveryError: 429 honours Retry-After, permanent refusals are dead-lettered with advice,
 * everything else is retried by the outbox (the WebClient's own retries are off, so there is one retry layer).
 * The message names the method and Slack's error code only, never the text that was being sent.
 */
export function toDeliveryError(error: unknown, method: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof webApi.WebAPIRateLimitedError) {
    return new DeliveryError(`Slack rate-limited ${method}; retrying after ${error.retryAfter} s as Slack asked.`, { isRetryable: true, retryAfterMilliseconds: error.retryAfter * 1000 }, { cause: error });
  }
  if (error instanceof webApi.WebAPIPlatformError) {
    const code = String(error.data.error);
    if (code === 'ratelimited' || code === 'rate_limited') return new DeliveryError(`Slack rate-limited ${method}; retrying.`, { isRetryable: true }, { cause: error });
    if (PERMANENT.has(code)) {
      return new DeliveryError(`Slack refused ${method} with "${code}"${ADVICE[code] ? `: ${ADVICE[code]}` : ''}.`, { isRetryable: false }, { cause: error });
    }
    return new DeliveryError(`Slack answered ${method} with "${code}"; retrying.`, { isRetryable: true }, { cause: error });
  }
  if (error instanceof webApi.WebAPIHTTPError) {
    const isPermanent = [400, 401, 403, 404, 410, 413].includes(error.statusCode);
    return new DeliveryError(`Slack answered ${method} with HTTP ${error.statusCode}${isPermanent ? '' : '; retrying'}.`, { isRetryable: !isPermanent }, { cause: error });
  }
  if (error instanceof webApi.WebAPIRequestError) {
    const reason = (error.original as { code?: unknown; name?: unknown }).code ?? error.original.name;
    return new DeliveryError(`Could not reach Slack for ${method} (${String(reason)}); retrying.`, { isRetryable: true }, { cause: error });
  }
  // A 429 without a usable Retry-After, a timeout, or a bug: retry with the outbox's own backoff.
  return new DeliveryError(`Slack call ${method} failed (${(error as Error)?.name ?? 'error'}); retrying.`, { isRetryable: true }, { cause: error });
}

/** True when Slack refused because of rate limiting: the caller must not treat it as "not found". */
export const isRateLimited = (error: unknown) => error instanceof webApi.WebAPIRateLimitedError || (error instanceof webApi.WebAPIPlatformError && error.data.error === 'ratelimited');
