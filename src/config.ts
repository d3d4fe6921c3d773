import { z } from 'zod';
import { FrontdeskError } from './errors.js';

/** Why each setting exists and how to fix it, so a config error tells the reader what to do. */
const help: Record<string, string> = {
  PORT: 'the HTTP port to serve on (default 3000)',
  FRONTDESK_HOST: 'the address to listen on: 127.0.0.1 for this machine only (default), 0.0.0.0 in a container',
  FRONTDESK_DATA_DIR: 'the folder for the SQLite database and caches (default .data)',
  FRONTDESK_DURABILITY: '"normal" survives any process crash; "full" also survives power loss at about 3x the commit cost',
  FRONTDESK_SECRET: 'signs web chat tokens; at least 32 characters (default: generated once into the data folder)',
  FRONTDESK_FLOWS_DIR: 'the folder with router.ts and the flows (default flows)',
  FRONTDESK_WEB_RATE_LIMIT: 'messages per minute one web conversation may send; 0 turns the limit off (default 60)',
  FRONTDESK_ACTOR_IDLE_SECONDS: 'seconds before an idle conversation leaves memory (default 600)',
  FRONTDESK_PUBLIC_URL: 'the URL the outside world uses to reach this server, e.g. https://bot.example.com',
  FRONTDESK_BUSINESS_NAME: 'the business name the bot introduces itself with',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent (default info)',
  FRONTDESK_BUSINESS_HOURS: 'when staff answer handoffs, e.g. "Mon-Fri 09:00-18:00, Sat 09:00-17:00"',
  FRONTDESK_TIMEZONE: 'the IANA time zone of the business hours, e.g. America/New_York',
  FRONTDESK_WEB_ALLOWED_ORIGINS: 'comma-separated origins of other sites allowed to embed the chat widget, e.g. https://shop.example',
  // --- admin dashboard (issue 9) ---
  FRONTDESK_ADMIN_TOKEN: 'the secret that signs in to the owner dashboard at /admin; at least 16 characters, e.g. the output of `openssl rand -base64 32`. Unset: a one-time token is printed at start-up on 127.0.0.1, and the dashboard is refused elsewhere',
  NODE_ENV: '"development" allows the dashboard with a generated one-time token on any host; "production" never does',
  // --- end admin dashboard ---
  FRONTDESK_V8_PRETENURING: '"off" (default) turns V8\'s allocation-site pretenuring off for `frontdesk start` and `chat`, which shortens garbage-collection pauses; "on" keeps V8\'s default',
  FRONTDESK_HANDOFF_CLAIM_SECONDS: 'how long a handoff may wait for a staff member before the customer is told and staff are reminded (default 600)',
};

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const ConfigSchema = z.object({
  PORT: integer(0, 65_535).default(3000),
  FRONTDESK_HOST: z.string().min(1).default('127.0.0.1'),
  FRONTDESK_DATA_DIR: z.string().min(1).default('.data'),
  FRONTDESK_DURABILITY: z.enum(['normal', 'full']).default('normal'),
  FRONTDESK_SECRET: z.string().min(32).optional(),
  FRONTDESK_FLOWS_DIR: z.string().min(1).default('flows'),
  FRONTDESK_WEB_RATE_LIMIT: integer(0, 1_000_000).default(60),
  FRONTDESK_ACTOR_IDLE_SECONDS: integer(1, 86_400).default(600),
  FRONTDESK_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  FRONTDESK_BUSINESS_NAME: z.string().min(1).max(100).default('Riverside Cycles'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // The demo shop's hours (knowledge/pages/hours.md).
  FRONTDESK_BUSINESS_HOURS: z.string().min(1).default('Mon-Fri 09:00-18:00, Thu 09:00-20:00, Sat 09:00-17:00, Sun 11:00-16:00'),
  FRONTDESK_TIMEZONE: z.string().min(1).default('America/New_York'),
  FRONTDESK_HANDOFF_CLAIM_SECONDS: z.coerce.number().positive().max(86_400).default(600),
  // Applied by src/cli/gc-tuning.ts before anything else runs; listed here so a typo is reported, not ignored.
  FRONTDESK_V8_PRETENURING: z.enum(['off', 'on']).default('off'),
  // --- admin dashboard (issue 9) ---
  FRONTDESK_ADMIN_TOKEN: z.string().min(16, 'the admin token must be at least 16 characters').max(512).optional(),
  NODE_ENV: z.string().optional(),
  // --- end admin dashboard ---
  FRONTDESK_WEB_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'each origin must look like https://shop.example' }))),
});

export type FrontdeskConfig = z.infer<typeof ConfigSchema>;

/**
 * Reads settings from the environment through a zod schema. Empty strings count as unset, so a blank line copied
 * from .env.example means "use the default".
 *
 * @example
 * const config = readConfig(process.env);
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): FrontdeskConfig {
  return readEnv(ConfigSchema, env, help);
}

/** Parses `env` with `schema`; the first problem becomes a `config_invalid` error naming the variable. Adapters use it too. */
export function readEnv<T extends z.ZodObject>(schema: T, env: NodeJS.ProcessEnv, descriptions: Record<string, string> = {}): z.infer<T> {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0]);
  const why = descriptions[name] ?? help[name];
  const got = cleaned[name] === undefined ? 'it is not set' : `got ${JSON.stringify(/secret|token|password|key/i.test(name) ? '…' : cleaned[name])}`;
  throw new FrontdeskError(
    cleaned[name] === undefined ? 'config_missing' : 'config_invalid',
    `${name} is invalid: ${issue.message} (${got}).${why ? ` It is ${why}.` : ''} Fix it in .env (see .env.example)${name in schema.shape && (schema.shape[name] as z.ZodType).safeParse(undefined).success ? ' or unset it to use the default' : ''}.`,
    { details: { variable: name } },
  );
}
