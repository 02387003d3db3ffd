import { DateTime } from 'luxon';

/**
 * Dates and wall-clock times on the shop's clock, turned into instants and back. The shop's day
 * is what the counter means by "today", whatever zone the laptop is set to. Luxon knows the
 * zones; this module only fixes the shapes the screens and the APIs exchange: dates as
 * YYYY-MM-DD, wall-clock times as YYYY-MM-DDTHH:MM (a datetime-local input's value), instants
 * as UTC ISO strings.
 */

function valid(dateTime: DateTime<true> | DateTime<false>, what: string): DateTime<true> {
  if (!dateTime.isValid) throw new RangeError(`${what}: ${dateTime.invalidExplanation ?? dateTime.invalidReason}`);
  return dateTime;
}

function onShopClock(instant: Date | number | string, timeZone: string): DateTime<true> {
  const read = typeof instant === 'string' ? DateTime.fromISO(instant) : DateTime.fromMillis(Number(instant));
  return valid(read.setZone(timeZone), `not an instant in ${timeZone}`);
}

/** The shop's date of an instant, YYYY-MM-DD. */
export function shopDate(instant: Date | number | string, timeZone: string): string {
  return onShopClock(instant, timeZone).toISODate();
}

/** The shop's wall-clock time of an instant, YYYY-MM-DDTHH:MM. */
export function shopDateTime(instant: Date | number | string, timeZone: string): string {
  return onShopClock(instant, timeZone).toFormat("yyyy-MM-dd'T'HH:mm");
}

/**
 * The instant a wall-clock time (YYYY-MM-DD or YYYY-MM-DDTHH:MM) names on the shop's clock. In a
 * spring-forward gap the clock's later reading is taken; in the autumn overlap the earlier one,
 * so a range that starts there loses nothing.
 */
export function shopInstant(wallClock: string, timeZone: string): string {
  const read = valid(DateTime.fromISO(wallClock, { zone: timeZone }), `not a wall-clock time in ${timeZone}: ${wallClock}`);
  const earliest = read.getPossibleOffsets().reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a), read);
  return earliest.toUTC().toISO();
}

/** The instants a shop's day starts and ends (the next day's start): 23 or 25 hours on the days clocks change. */
export function shopDayBounds(date: string, timeZone: string): { from: string; to: string } {
  return { from: shopInstant(date, timeZone), to: shopInstant(addDays(date, 1), timeZone) };
}

/** A date some days later (or earlier): calendar arithmetic, free of any zone. */
export function addDays(date: string, days: number): string {
  return valid(DateTime.fromISO(date, { zone: 'utc' }), `not a date: ${date}`)
    .plus({ days })
    .toISODate();
}
