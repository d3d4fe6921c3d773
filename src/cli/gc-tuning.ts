import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by the CLI, before anything allocates much. V8's allocation-site pretenuring decides, from survival
 * rates, to allocate some objects straight into the old generation. For a conversation turn that backfires: XState's
 * per-turn actors and snapshots die within milliseconds, but once they are born old, every young object they point to
 * is kept alive by the next scavenge and promoted in turn. Measured on the demo bot at 1,000 msg/s: 630 KB promoted
 * per scavenge and 3–5 ms pauses with pretenuring, 184 KB and 1.3–2.6 ms without (bench:web, README). Set
 * FRONTDESK_V8_PRETENURING=on to keep V8's default.
 */
if (process.env.FRONTDESK_V8_PRETENURING !== 'on') setFlagsFromString('--no-allocation-site-pretenuring');
