/**
 * The shop's clock: which day an instant falls on in the shop's time zone, when that day starts
 * and ends, and what the clock on the wall says. One home for every time-zone question in dispatch.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Midnight, in the shop's zone, of the day `ms` falls on there, in ms since 1970. */
export function localMidnight(ms: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, format);
  }
  const part = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, Number(p.value)]));
  const localAsUtc = Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
  const offset = localAsUtc - Math.floor(ms / 1000) * 1000;
  return Date.UTC(part.year, part.month - 1, part.day) - offset;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day an instant falls on, on the clock of an IANA time zone. */
export function localDateOf(epochMs: number, timeZone: string): string {
  const format = dayFormats.get(timeZone) ?? new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', calendar: 'gregory', numberingSystem: 'latn' });
  if (dayFormats.size < 1000) dayFormats.set(timeZone, format);
  const parts = format.formatToParts(epochMs);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}
