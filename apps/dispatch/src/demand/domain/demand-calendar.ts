/**
 * Calendar days (YYYY-MM-DD, on some clock) as plain day numbers, so that "a week earlier" and
 * "the second Sunday of May" are arithmetic, not Date objects.
 */

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Days since 1970-01-01 of a YYYY-MM-DD date, the caller having checked its shape. */
export function dayNumber(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return civilDay(year, month, day);
}

/** Days since 1970-01-01 of a Gregorian date (Howard Hinnant's days_from_civil). */
export function civilDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The YYYY-MM-DD of a day number (Howard Hinnant's civil_from_days). */
export function dateOf(dayNumberValue: number): string {
  const z = dayNumberValue + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 1 = Monday … 7 = Sunday, as ISO 8601 and PostgreSQL's isodow count. 1970-01-01 was a Thursday. */
export function isoWeekdayOf(dayNumberValue: number): number {
  return ((((dayNumberValue + 3) % 7) + 7) % 7) + 1;
}

export function weekdayOf(dayNumberValue: number): Weekday {
  return WEEKDAYS[isoWeekdayOf(dayNumberValue) - 1];
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** The `nth` (1-based) `isoWeekday` of a month, e.g. the second Sunday (7) of May (5). */
export function nthWeekdayOfMonth(year: number, month: number, isoWeekday: number, nth: number): number {
  const first = civilDay(year, month, 1);
  return first + ((isoWeekday - isoWeekdayOf(first) + 7) % 7) + 7 * (nth - 1);
}
