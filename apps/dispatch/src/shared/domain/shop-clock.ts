import { DateTime } from 'luxon';

/**
 * The shop's clock: which day an instant falls on in the shop's time zone, when that day starts
 * and ends, and what the clock on the wall says. One home for every time-zone question in dispatch,
 * answered by Luxon from the zone's rules: on the two days a year the clocks change, the offset
 * at midnight is not the offset at noon, and where the change is at midnight (Santiago) the day
 * starts at 01:00.
 */

function onTheShopsClock(ms: number, timeZone: string): DateTime {
  const local = DateTime.fromMillis(ms, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`unknown time zone "${timeZone}"`);
  return local;
}

/** When the day `ms` falls on in the shop's zone starts there, in ms since 1970. */
export function localMidnight(ms: number, timeZone: string): number {
  return onTheShopsClock(ms, timeZone).startOf('day').toMillis();
}

/** When the next day starts in the shop's zone: the end of the day `ms` falls on. */
export function endOfLocalDay(ms: number, timeZone: string): number {
  return onTheShopsClock(ms, timeZone).startOf('day').plus({ days: 1 }).startOf('day').toMillis();
}

/**
 * Minutes the shop's wall clock shows since 00:00 at `ms` (08:30 is 510): rush hours are on the
 * wall clock, which on a clock-change day is not the time elapsed since midnight.
 */
export function clockMinute(ms: number, timeZone: string): number {
  const local = onTheShopsClock(ms, timeZone);
  return local.hour * 60 + local.minute + (local.second * 1000 + local.millisecond) / 60_000;
}

/** The calendar day (YYYY-MM-DD) an instant falls on, on the shop's clock. */
export function localDateOf(ms: number, timeZone: string): string {
  return onTheShopsClock(ms, timeZone).toFormat('yyyy-MM-dd');
}
