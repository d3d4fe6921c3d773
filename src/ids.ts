import { randomBytes } from 'node:crypto';

let lastTime = 0;
let counter = 0;
const processTag = randomBytes(3).toString('hex');

/**
 * Time-ordered ids (`m_` + milliseconds + a per-process counter + a random tag). Ordered ids land at the right edge
 * of SQLite's indexes, so a commit dirties one index page instead of one random page per row: with random UUIDs the
 * index writes cost about as much as the rest of a turn.
 *
 * @example
 * createId('m') // 'm_mhz3k2a0000f3a9c1'
 */
export function createId(prefix: string): string {
  const time = Date.now();
  if (time !== lastTime) {
    lastTime = time;
    counter = 0;
  }
  return `${prefix}_${time.toString(36)}${(counter++).toString(36).padStart(4, '0')}${processTag}`;
}
