import { civilDay, dateOf, dayNumber, nthWeekdayOfMonth, weekdayOf } from './demand-calendar';
import { localDateOf } from '../../shared/domain/shop-clock';
import { peakDayOn } from './demand-peak-days';

describe('calendar days', () => {
  it.each(['1970-01-01', '2000-02-29', '2024-02-29', '2025-03-01', '2100-03-01', '1969-12-31', '2399-12-31'])(
    '%s survives the round trip through a day number',
    (date) => {
      expect(dateOf(dayNumber(date))).toBe(date);
    },
  );

  it('numbers days from 1970-01-01 and knows their weekday', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(civilDay(2025, 2, 14) - civilDay(2024, 2, 14)).toBe(366);
    expect(weekdayOf(dayNumber('1970-01-01'))).toBe('thursday');
    expect(weekdayOf(dayNumber('2025-02-14'))).toBe('friday');
    expect(weekdayOf(dayNumber('2026-05-10'))).toBe('sunday');
  });

  it('finds the second Sunday of May', () => {
    expect(dateOf(nthWeekdayOfMonth(2025, 5, 7, 2))).toBe('2025-05-11');
    expect(dateOf(nthWeekdayOfMonth(2026, 5, 7, 2))).toBe('2026-05-10');
    // May 2022 began on a Sunday: the second is a week later.
    expect(dateOf(nthWeekdayOfMonth(2022, 5, 7, 2))).toBe('2022-05-08');
  });

  it('tells the day an instant falls on, on the clock of a time zone', () => {
    const lateEvening = Date.parse('2025-05-29T22:30:00Z');
    expect(localDateOf(lateEvening, 'UTC')).toBe('2025-05-29');
    expect(localDateOf(lateEvening, 'Europe/Amsterdam')).toBe('2025-05-30');
    expect(localDateOf(lateEvening, 'America/New_York')).toBe('2025-05-29');
  });
});

describe('the peak-day calendar', () => {
  it.each([
    ['2025-02-14', 'valentines_day'],
    ['2026-02-14', 'valentines_day'],
    ['2025-05-11', 'mothers_day'],
    ['2026-05-10', 'mothers_day'],
    ['2026-05-17', undefined],
    ['2025-02-13', undefined],
  ])('%s is %s', (date, name) => {
    expect(peakDayOn(date)?.name).toBe(name);
  });
});
