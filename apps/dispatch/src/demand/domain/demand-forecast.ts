import { DomainError } from '@petalpost/contracts';
import { dateOf, dayNumber, type Weekday, weekdayOf, yearOf } from './demand-calendar';
import { type PeakDayName, peakDayOn, PEAK_DAYS } from './demand-peak-days';

/**
 * How many orders a day will bring, hour by hour, and how many riders that takes — read from the
 * shop's own history (docs/dispatch.md, "Demand history"). Pure: the days' counts and "today" are
 * given, so the same question always gets the same answer.
 */

export const HOURS_PER_DAY = 24;

export interface ForecastQuestion {
  /** The day to forecast, YYYY-MM-DD on the shop's clock. */
  date: string;
  /** The day it is now on that clock: only days before it are history (today is not over). */
  today: string;
  /** The first day the read model holds orders for; null when it holds none. Earlier days are unknown, not zero. */
  historyStartsOn: string | null;
  /** How many earlier same weekdays an ordinary day is read from. */
  weeks: number;
  /** How many earlier years a peak day is read from. */
  years: number;
}

export type HistoryBasis = 'same_weekday' | 'peak_day';

/** Which earlier days a forecast reads: a planner sees exactly what it rests on. */
export interface ForecastHistory {
  date: string;
  weekday: Weekday;
  /** The peak day `date` is, if it is one. */
  peakDay?: PeakDayName;
  /** peak_day: that day in earlier years; same_weekday: earlier weeks (also a peak day with no earlier year to go on). */
  basis: HistoryBasis;
  /** Weeks (same_weekday) or years (peak_day) asked for; fewer are used when the history is shorter. */
  asked: number;
  historyStartsOn: string | null;
  /** YYYY-MM-DD, newest first. */
  days: string[];
  /** Same weekdays left out because they were peak days (an older week was taken instead). */
  skipped: Array<{ date: string; peakDay: PeakDayName }>;
}

/** Orders whose window starts in one hour of one day, as counted on the shop's clock. */
export interface HourCount {
  date: string;
  hour: number;
  orders: number;
}

export interface HourForecast {
  /** 0–23 on the shop's clock. */
  hour: number;
  expectedOrders: number;
  ridersNeeded: number;
}

export interface DemandForecast {
  date: string;
  weekday: Weekday;
  peakDay?: PeakDayName;
  history: Omit<ForecastHistory, 'date' | 'weekday' | 'peakDay' | 'days'> & { days: Array<{ date: string; orders: number }> };
  deliveriesPerRiderPerHour: number;
  /** All 24 hours; none when there is no history to go on (no forecast rather than a made-up zero). */
  hours: HourForecast[];
  expectedOrders: number;
  maxRidersNeeded: number;
}

/** The earlier days a forecast for `question.date` reads. */
export function historyFor(question: ForecastQuestion): ForecastHistory {
  assertWhole('weeks', question.weeks);
  assertWhole('years', question.years);
  const target = dayNumber(question.date);
  const peak = peakDayOn(question.date);
  const base = { date: question.date, weekday: weekdayOf(target), ...(peak ? { peakDay: peak.name } : {}), historyStartsOn: question.historyStartsOn };
  if (peak) {
    const days = sameDayInEarlierYears(peak, question);
    if (days.length > 0) return { ...base, basis: 'peak_day', asked: question.years, days, skipped: [] };
  }
  return { ...base, basis: 'same_weekday', asked: question.weeks, ...sameWeekdayInEarlierWeeks(target, question) };
}

/**
 * Per hour, the average of the history's days at that hour: a trimmed mean that leaves out the
 * highest and lowest eighth of the days (one in eight weeks), so a one-off — a company ordering
 * forty bouquets, a day the shop was shut — does not move it; with fewer than eight days, the
 * plain mean. A day of the history without orders in an hour counts as zero there.
 */
export function forecastFrom(history: ForecastHistory, counts: readonly HourCount[], deliveriesPerRiderPerHour: number): DemandForecast {
  if (!(deliveriesPerRiderPerHour > 0)) throw new DomainError('invalid', 'DELIVERIES_PER_RIDER_NOT_POSITIVE', 'deliveriesPerRiderPerHour must be above 0');
  const byDay = new Map(history.days.map((date) => [date, new Array<number>(HOURS_PER_DAY).fill(0)]));
  for (const { date, hour, orders } of counts) {
    const day = byDay.get(date);
    if (day && hour >= 0 && hour < HOURS_PER_DAY) day[hour] += orders;
  }
  const perDay = [...byDay.values()];
  const hours =
    perDay.length === 0
      ? []
      : Array.from({ length: HOURS_PER_DAY }, (_, hour) => {
          const expectedOrders = roundToHundredths(trimmedMean(perDay.map((day) => day[hour])));
          return { hour, expectedOrders, ridersNeeded: ridersFor(expectedOrders, deliveriesPerRiderPerHour) };
        });
  const { date, weekday, peakDay, days, ...used } = history;
  return {
    date,
    weekday,
    ...(peakDay ? { peakDay } : {}),
    history: { ...used, days: days.map((day) => ({ date: day, orders: sum(byDay.get(day) ?? []) })) },
    deliveriesPerRiderPerHour,
    hours,
    expectedOrders: roundToHundredths(sum(hours.map((h) => h.expectedOrders))),
    maxRidersNeeded: Math.max(0, ...hours.map((h) => h.ridersNeeded)),
  };
}

/** Riders to schedule for an hour: every expected delivery needs a share of a rider, so any demand needs at least one. */
export function ridersFor(expectedOrders: number, deliveriesPerRiderPerHour: number): number {
  // A hair below the whole number: 6 / 3 computed as 2.0000000001 is still two riders.
  return expectedOrders <= 0 ? 0 : Math.ceil(expectedOrders / deliveriesPerRiderPerHour - 1e-9);
}

/** The mean of what is left after dropping ⌊n/8⌋ values from each end. */
export function trimmedMean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const trim = Math.floor(values.length / 8);
  const kept = [...values].sort((a, b) => a - b).slice(trim, values.length - trim);
  return sum(kept) / kept.length;
}

function sameDayInEarlierYears(peak: (typeof PEAK_DAYS)[number], question: ForecastQuestion): string[] {
  const today = dayNumber(question.today);
  const start = question.historyStartsOn === null ? undefined : dayNumber(question.historyStartsOn);
  const days: string[] = [];
  for (let year = yearOf(question.date) - 1; days.length < question.years; year--) {
    const day = peak.dayIn(year);
    if (day >= today) continue;
    if (start === undefined || day < start) break;
    days.push(dateOf(day));
  }
  return days;
}

function sameWeekdayInEarlierWeeks(target: number, question: ForecastQuestion): Pick<ForecastHistory, 'days' | 'skipped'> {
  const today = dayNumber(question.today);
  const start = question.historyStartsOn === null ? undefined : dayNumber(question.historyStartsOn);
  const days: string[] = [];
  const skipped: ForecastHistory['skipped'] = [];
  // The nearest same weekday before today (a date weeks ahead reads the weeks up to now).
  const firstWeekBack = Math.max(1, Math.floor((target - today) / 7) + 1);
  for (let week = firstWeekBack; days.length < question.weeks; week++) {
    const day = target - 7 * week;
    if (start === undefined || day < start) break;
    const date = dateOf(day);
    const peak = peakDayOn(date);
    if (peak) skipped.push({ date, peakDay: peak.name });
    else days.push(date);
  }
  return { days, skipped };
}

function assertWhole(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new DomainError('invalid', 'INVALID_FORECAST_HISTORY', `${name} must be a whole number from 1`);
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const roundToHundredths = (value: number) => Math.round(value * 100) / 100;
