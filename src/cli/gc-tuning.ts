import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { setFlagsFromString } from 'node:v8';

/*
 * Imported first by the CLI, before anything allocates much. V8's allocation-site pretenuring decides, from survival
 * rates, to allocate some objects straight into the old generation. For a conversation turn that backfires: XState's
 * per-turn actors and snapshots die within milliseconds, but once they are born old, every young object they point to
 * is kept alive by the next scavenge and promoted in turn. Measured on the demo bot at 1,000 msg/s: 630 KB promoted
 * per scavenge and 3–5 ms pauses with pretenuring, 184 KB and 1.3–2.6 ms without (README, Benchmarks). Set
 * FRONTDESK_V8_PRETENURING=on to keep V8's default.
 */

/** Whether V8's default (pretenuring on) was asked for: a variable already set wins over the project's .env file. */
export function wantsV8Pretenuring(env: NodeJS.ProcessEnv, readEnvFile: () => string): boolean {
  const fromEnvFile = () => {
    // boot() loads .env later; this one setting is needed before that, so it is read here.
    try {
      return parseEnv(readEnvFile()).FRONTDESK_V8_PRETENURING;
    } catch {
      return undefined;
    }
  };
  return (env.FRONTDESK_V8_PRETENURING?.trim() || fromEnvFile()?.trim()) === 'on';
}

if (!wantsV8Pretenuring(process.env, () => readFileSync(resolve(process.cwd(), '.env'), 'utf8'))) setFlagsFromString('--no-allocation-site-pretenuring');
