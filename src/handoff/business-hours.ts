import { FrontdeskError } from '../errors.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export interface BusinessHours {
  /** Whether people are at work at this instant. */
  isOpen(at: number): boolean;
  /** A short human description of when people are next at work, e.g. "Monday at 9:00". */
  nextOpening(at: number): string | undefined;
}

/**
 * Parses "Mon-Fri 09:00-18:00, Thu 09:00-20:00, Sat 09:00-17:00, Sun 11:00-16:00" in an IANA time zone. Later ranges
 * for the same day replace earlier ones, so an exception reads naturally after the rule.
 *
 * @example
 * parseBusinessHours('Mon-Fri 09:00-17:00', 'Europe/London').isOpen(Date.now())
 */
export function parseBusinessHours(specification: string, timeZone: string): BusinessHours {
  const week = new Map<number, { open: number; close: number }>();
  for (const part of specification.split(',').map((item) => item.trim()).filter(Boolean)) {
    const match = /^([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/i.exec(part);
    if (!match) throw new FrontdeskError('config_invalid', `FRONTDESK_BUSINESS_HOURS: cannot read "${part}". Write day ranges and times like "Mon-Fri 09:00-18:00, Sat 10:00-16:00".`);
    const first = DAYS.indexOf(match[1]!.toLowerCase() as (typeof DAYS)[number]);
    const last = match[2] ? DAYS.indexOf(match[2].toLowerCase() as (typeof DAYS)[number]) : first;
    if (first < 0 || last < 0) throw new FrontdeskError('config_invalid', `FRONTDESK_BUSINESS_HOURS: unknown day in "${part}". Use Mon, Tue, Wed, Thu, Fri, Sat, Sun.`);
    const open = Number(match[3]) * 60 + Number(match[4]);
    const close = Number(match[5]) * 60 + Number(match[6]);
    if (close <= open || close > 24 * 60) throw new FrontdeskError('config_invalid', `FRONTDESK_BUSINESS_HOURS: "${part}" closes before it opens.`);
    for (let day = first; ; day = (day + 1) % 7) {
      week.set(day, { open, close });
      if (day === last) break;
    }
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  } catch (cause) {
    throw new FrontdeskError('config_invalid', `FRONTDESK_TIMEZONE: "${timeZone}" is not an IANA time zone such as "America/New_York".`, { cause });
  }
  const localOf = (at: number) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(at)).map((part) => [part.type, part.value]));
    return { day: DAYS.indexOf(String(parts.weekday).toLowerCase().slice(0, 3) as (typeof DAYS)[number]), minute: Number(parts.hour) * 60 + Number(parts.minute) };
  };
  const clock = (minute: number) => `${Math.floor(minute / 60)}:${String(minute % 60).padStart(2, '0')}`;
  const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  return {
    isOpen(at) {
      const { day, minute } = localOf(at);
      const hours = week.get(day);
      return hours !== undefined && minute >= hours.open && minute < hours.close;
    },
    nextOpening(at) {
      const { day, minute } = localOf(at);
      const today = week.get(day);
      if (today && minute < today.open) return `today at ${clock(today.open)}`;
      for (let offset = 1; offset <= 7; offset++) {
        const hours = week.get((day + offset) % 7);
        if (hours) return `${offset === 1 ? 'tomorrow' : dayNames[(day + offset) % 7]} at ${clock(hours.open)}`;
      }
      return undefined;
    },
  };
}
