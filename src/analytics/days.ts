const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) of an instant in a time zone: the owner reads "Tuesday" in the shop's time zone. */
export function dayKey(time: string | number, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) formatters.set(timeZone, (formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return formatter.format(new Date(time));
}

/** The last `days` calendar days up to and including today, oldest first. */
export function lastDays(now: number, days: number, timeZone: string): string[] {
  const today = Date.parse(`${dayKey(now, timeZone)}T12:00:00Z`);
  return Array.from({ length: days }, (_, index) => new Date(today - (days - 1 - index) * 86_400_000).toISOString().slice(0, 10));
}

/** An instant safely before the first of those days in any time zone, for a coarse SQL filter refined by day key. */
export function windowStart(now: number, days: number): string {
  return new Date(now - (days + 1) * 86_400_000).toISOString();
}
