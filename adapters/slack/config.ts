import { z } from 'zod';
import { FrontdeskError, readEnv } from '../../src/index.js';

/** Profile fields a business may show staff in the handoff card; anything else stays out of Slack. */
export const PROFILE_FIELDS = ['name', 'email', 'phone', 'orders'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

const REQUIRED = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_HANDOFF_CHANNEL'] as const;

const SlackEnv = z.object({
  // Checked by shape only: readEnv never echoes a secret, and Slack itself is the judge of the value.
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be the Bot User OAuth Token, which starts with "xoxb-" (OAuth & Permissions page of your Slack app)').optional(),
  SLACK_SIGNING_SECRET: z.string().min(8, 'must be the Signing Secret from the Basic Information page of your Slack app').optional(),
  SLACK_HANDOFF_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel ID such as C0123ABCDEF, not its #name: open the channel, click its name, and copy the Channel ID at the bottom of the About tab')
    .optional(),
  SLACK_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL ending in /api/, such as https://slack.com/api/' }).optional(),
  FRONTDESK_SLACK_NOTE_PREFIX: z.string().min(1).max(10).default('//'),
  FRONTDESK_SLACK_REMINDER_MENTION: z
    .string()
    .regex(/^(<!here>|<!channel>|<!subteam\^[A-Z0-9]+(\|[^>]*)?>|<@[UW][A-Z0-9]+>|none)$/, 'must be <!here>, <!channel>, a user group such as <!subteam^S0123ABCD>, a person such as <@U0123ABCD>, or none')
    .default('<!here>'),
  FRONTDESK_STAFF_VISIBLE_FIELDS: z
    .string()
    .default('name,orders')
    .transform((value, context) => {
      if (value.trim().toLowerCase() === 'none') return [] as ProfileField[];
      const fields = value.split(',').map((field) => field.trim().toLowerCase()).filter(Boolean);
      const unknown = fields.filter((field) => !(PROFILE_FIELDS as readonly string[]).includes(field));
      if (unknown.length > 0) context.addIssue({ code: 'custom', message: `unknown field ${unknown.map((field) => `"${field}"`).join(', ')}; use a comma-separated list of ${PROFILE_FIELDS.join(', ')} (or none)` });
      return [...new Set(fields)] as ProfileField[];
    }),
});

const descriptions: Record<string, string> = {
  SLACK_BOT_TOKEN: 'the bot token Frontdesk posts handoff threads with',
  SLACK_SIGNING_SECRET: 'the secret Slack signs every request to /api/slack/events with',
  SLACK_HANDOFF_CHANNEL: 'the ID of the Slack channel where each handoff gets its own thread (the bot must be a member)',
  SLACK_API_URL: 'where the Slack Web API is (tests point it at a stand-in; leave it unset in production)',
  FRONTDESK_SLACK_NOTE_PREFIX: 'the prefix that keeps a message in a handoff thread internal (default //)',
  FRONTDESK_SLACK_REMINDER_MENTION: 'who is pinged when a handoff is still unclaimed (default <!here>)',
  FRONTDESK_STAFF_VISIBLE_FIELDS: 'which customer profile fields staff see in Slack: name, email, phone, orders (default name,orders)',
};

export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  handoffChannel: string;
  apiUrl?: string;
  notePrefix: string;
  /** Slack mention markup, or undefined for no ping. */
  reminderMention?: string;
  visibleFields: ReadonlySet<ProfileField>;
}

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== '';

/**
 * Slack is on as soon as any of its three required settings is set, so a half-finished setup fails loudly at start-up
 * (naming what is missing) instead of silently running without a staff console.
 */
export function isSlackConfigured(env: NodeJS.ProcessEnv): boolean {
  return REQUIRED.some((name) => isSet(env[name]));
}

export function readSlackConfig(env: NodeJS.ProcessEnv): SlackConfig {
  const parsed = readEnv(SlackEnv, env, descriptions);
  const missing = REQUIRED.filter((name) => parsed[name] === undefined);
  if (missing.length > 0) {
    throw new FrontdeskError(
      'config_missing',
      `Slack is partly configured: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set. The staff console needs all three of ` +
        `SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_HANDOFF_CHANNEL. Set the missing ${missing.length === 1 ? 'one' : 'ones'} in .env ` +
        '(docs/channels/slack.md shows where each comes from), or unset all three to run without Slack.',
      { details: { variable: missing[0] } },
    );
  }
  return {
    botToken: parsed.SLACK_BOT_TOKEN!,
    signingSecret: parsed.SLACK_SIGNING_SECRET!,
    handoffChannel: parsed.SLACK_HANDOFF_CHANNEL!,
    apiUrl: parsed.SLACK_API_URL,
    notePrefix: parsed.FRONTDESK_SLACK_NOTE_PREFIX,
    reminderMention: parsed.FRONTDESK_SLACK_REMINDER_MENTION === 'none' ? undefined : parsed.FRONTDESK_SLACK_REMINDER_MENTION,
    visibleFields: new Set(parsed.FRONTDESK_STAFF_VISIBLE_FIELDS),
  };
}
