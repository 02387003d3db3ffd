/**
 * Wall-clock dates and times of the shop's zone, turned into instants and back. The shop's day
 * is what the counter means by "today", whatever zone the laptop is set to.
 */

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockParts(instant: number, timeZone: string): Record<string, number> {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(timeZone, format);
  }
  return Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]));
}

/** Minutes the zone's clock is ahead of UTC at that instant. */
function offsetMinutes(instant: number, timeZone: string): number {
  const p = wallClockParts(instant, timeZone);
  const asIfUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asIfUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The zone's date of an instant, YYYY-MM-DD. */
export function shopDate(instant: number | string, timeZone: string): string {
  const p = wallClockParts(typeof instant === 'string' ? Date.parse(instant) : instant, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** The zone's wall-clock time of an instant, YYYY-MM-DDTHH:MM (the value of a datetime-local input). */
export function shopDateTime(instant: number | string, timeZone: string): string {
  const p = wallClockParts(typeof instant === 'string' ? Date.parse(instant) : instant, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * The instant a wall-clock time (YYYY-MM-DD or YYYY-MM-DDTHH:MM) names in the zone, as an ISO
 * string. In a spring-forward gap the clock's later reading is taken; in the autumn overlap the
 * earlier one.
 */
export function shopInstant(wallClock: string, timeZone: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(wallClock);
  if (!match) throw new RangeError(`not a wall-clock time: ${wallClock}`);
  const [, y, mo, d, h = '00', mi = '00'] = match;
  const wanted = `${y}-${mo}-${d}T${h}:${mi}`;
  const asIfUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  // Near a change of offset the wall clock may mean two instants (autumn) or none (spring): the
  // offsets half a day either side give both readings, and zones never change twice a day.
  const halfDay = 12 * 3_600_000;
  const candidates = [halfDay, -halfDay].map((shift) => asIfUtc - offsetMinutes(asIfUtc - shift, timeZone) * 60_000).sort((a, b) => a - b);
  const exact = candidates.find((c) => shopDateTime(c, timeZone) === wanted);
  return new Date(exact ?? candidates[1]).toISOString();
}

/** The date after a YYYY-MM-DD date (calendar arithmetic, no zone involved). */
export function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The instants a shop's day starts and ends (the next day's start): 23 or 25 hours on the days clocks change. */
export function shopDayBounds(date: string, timeZone: string): { from: string; to: string } {
  return { from: shopInstant(date, timeZone), to: shopInstant(nextDate(date), timeZone) };
}
