import { civilDay, dayNumber, nthWeekdayOfMonth, yearOf } from './demand-calendar';

const SUNDAY = 7;

export interface PeakDay {
  name: string;
  label: string;
  /** Its day number in a year. */
  dayIn(year: number): number;
}

/**
 * Days whose demand is nothing like an ordinary day of their weekday: a forecast for one of them
 * reads the same day of earlier years, and an ordinary forecast leaves them out of its weeks.
 * One calendar for every shop. To add a day, add a row — e.g. the UK's Mothering Sunday, the
 * fourth Sunday of Lent (Easter Sunday − 21 days), would need a `dayIn` computing Easter; it is
 * not here because it would make an ordinary March Sunday a peak day for every other shop.
 */
export const PEAK_DAYS = [
  { name: 'valentines_day', label: "Valentine's Day (14 February)", dayIn: (year: number) => civilDay(year, 2, 14) },
  {
    name: 'mothers_day',
    label: "Mother's Day (second Sunday of May, as in the Netherlands, Germany and the US)",
    dayIn: (year: number) => nthWeekdayOfMonth(year, 5, SUNDAY, 2),
  },
] as const satisfies readonly PeakDay[];

export type PeakDayName = (typeof PEAK_DAYS)[number]['name'];
export const PEAK_DAY_NAMES = PEAK_DAYS.map((day) => day.name) as [PeakDayName, ...PeakDayName[]];

/** The peak day a YYYY-MM-DD date is, if any. */
export function peakDayOn(date: string): (typeof PEAK_DAYS)[number] | undefined {
  const day = dayNumber(date);
  return PEAK_DAYS.find((peak) => peak.dayIn(yearOf(date)) === day);
}
