import { DomainError } from '@petalpost/contracts';
import { type DemandForecast, type ForecastQuestion, forecastFrom, historyFor, type HourCount, ridersFor, trimmedMean } from './demand-forecast';

/** A question about `date`, asked on 2025-06-02 (a Monday) of a shop with orders since 2024-01-01. */
const question = (date: string, overrides: Partial<ForecastQuestion> = {}): ForecastQuestion => ({
  date,
  today: '2025-06-02',
  historyStartsOn: '2024-01-01',
  weeks: 8,
  years: 3,
  ...overrides,
});

/** given(the shop's hourly counts).when(asked about a day).then(the forecast) */
const given = (counts: HourCount[]) => ({
  when: (asked: ForecastQuestion, deliveriesPerRiderPerHour = 3) => ({
    then: (expected: (forecast: DemandForecast) => void) => expected(forecastFrom(historyFor(asked), counts, deliveriesPerRiderPerHour)),
  }),
});

const hour = (forecast: DemandForecast, h: number) => forecast.hours[h];

describe('an ordinary day', () => {
  it('reads the same weekday of the last 8 weeks before it, newest first', () => {
    const history = historyFor(question('2025-05-30'));
    expect(history).toEqual({
      date: '2025-05-30',
      weekday: 'friday',
      basis: 'same_weekday',
      asked: 8,
      historyStartsOn: '2024-01-01',
      days: ['2025-05-23', '2025-05-16', '2025-05-09', '2025-05-02', '2025-04-25', '2025-04-18', '2025-04-11', '2025-04-04'],
      skipped: [],
    });
  });

  it('leaves out a same weekday that was a peak day and reads one week further back instead', () => {
    // 14 February 2025 was a Friday.
    const history = historyFor(question('2025-03-07', { weeks: 4 }));
    expect(history.days).toEqual(['2025-02-28', '2025-02-21', '2025-02-07', '2025-01-31']);
    expect(history.skipped).toEqual([{ date: '2025-02-14', peakDay: 'valentines_day' }]);
  });

  it('reads only days that are over: a date weeks ahead reads the weeks up to today, and today is not history', () => {
    expect(historyFor(question('2025-06-23', { weeks: 2 })).days).toEqual(['2025-05-26', '2025-05-19']);
    expect(historyFor(question('2025-06-02', { weeks: 2 })).days).toEqual(['2025-05-26', '2025-05-19']);
    expect(historyFor(question('2025-06-03', { weeks: 2 })).days).toEqual(['2025-05-27', '2025-05-20']);
  });

  it('reads fewer weeks than asked when the history starts later, rather than taking the missing ones as zero', () => {
    const history = historyFor(question('2025-05-30', { historyStartsOn: '2025-05-09' }));
    expect(history).toMatchObject({ asked: 8, days: ['2025-05-23', '2025-05-16', '2025-05-09'] });
  });

  it('reads nothing for a shop without history', () => {
    expect(historyFor(question('2025-05-30', { historyStartsOn: null }))).toMatchObject({ basis: 'same_weekday', days: [], skipped: [] });
  });

  it('counts the orders of each hour as the mean of those weeks, and the riders to carry them', () => {
    const counts: HourCount[] = [
      { date: '2025-05-23', hour: 14, orders: 4 },
      { date: '2025-05-16', hour: 14, orders: 2 },
      { date: '2025-05-23', hour: 15, orders: 1 },
      // Not one of the days read: ignored.
      { date: '2025-05-24', hour: 14, orders: 50 },
    ];
    given(counts)
      .when(question('2025-05-30', { weeks: 2 }))
      .then((forecast) => {
        expect(forecast.hours).toHaveLength(24);
        expect(hour(forecast, 14)).toEqual({ hour: 14, expectedOrders: 3, ridersNeeded: 1 });
        expect(hour(forecast, 15)).toEqual({ hour: 15, expectedOrders: 0.5, ridersNeeded: 1 });
        expect(hour(forecast, 9)).toEqual({ hour: 9, expectedOrders: 0, ridersNeeded: 0 });
        expect(forecast.history.days).toEqual([
          { date: '2025-05-23', orders: 5 },
          { date: '2025-05-16', orders: 2 },
        ]);
        expect(forecast).toMatchObject({ date: '2025-05-30', weekday: 'friday', deliveriesPerRiderPerHour: 3, expectedOrders: 3.5, maxRidersNeeded: 1 });
      });
  });

  it('counts a week without orders in an hour as zero there', () => {
    given([{ date: '2025-05-23', hour: 10, orders: 3 }])
      .when(question('2025-05-30', { weeks: 3 }))
      .then((forecast) => expect(hour(forecast, 10)).toEqual({ hour: 10, expectedOrders: 1, ridersNeeded: 1 }));
  });

  it('drops the busiest and the quietest of 8 weeks, so one exceptional week does not move the forecast', () => {
    const weeks = ['2025-05-23', '2025-05-16', '2025-05-09', '2025-05-02', '2025-04-25', '2025-04-18', '2025-04-11', '2025-04-04'];
    const orders = [6, 6, 6, 6, 6, 6, 46, 0];
    given(weeks.map((date, i) => ({ date, hour: 12, orders: orders[i] })))
      .when(question('2025-05-30'))
      .then((forecast) => expect(hour(forecast, 12)).toEqual({ hour: 12, expectedOrders: 6, ridersNeeded: 2 }));
  });

  it('schedules riders by the deliveries one rider makes in an hour', () => {
    const counts = ['2025-05-23', '2025-05-16'].map((date) => ({ date, hour: 11, orders: 7 }));
    given(counts)
      .when(question('2025-05-30', { weeks: 2 }), 2.5)
      .then((forecast) =>
        expect(forecast).toMatchObject({ deliveriesPerRiderPerHour: 2.5, hours: expect.arrayContaining([{ hour: 11, expectedOrders: 7, ridersNeeded: 3 }]) }),
      );
  });

  it('forecasts nothing, rather than zero orders, without history', () => {
    given([])
      .when(question('2025-05-30', { historyStartsOn: null }))
      .then((forecast) => expect(forecast).toMatchObject({ hours: [], expectedOrders: 0, maxRidersNeeded: 0, history: { days: [] } }));
  });
});

describe('a peak day', () => {
  it("reads Valentine's Day of earlier years, whatever weekday they fell on", () => {
    const history = historyFor(question('2026-02-14', { today: '2026-02-10' }));
    expect(history).toEqual({
      date: '2026-02-14',
      weekday: 'saturday',
      peakDay: 'valentines_day',
      basis: 'peak_day',
      asked: 3,
      historyStartsOn: '2024-01-01',
      days: ['2025-02-14', '2024-02-14'],
      skipped: [],
    });
  });

  it("reads Mother's Day of earlier years: the second Sunday of May", () => {
    expect(historyFor(question('2026-05-10', { today: '2026-05-01', years: 2 }))).toMatchObject({
      weekday: 'sunday',
      peakDay: 'mothers_day',
      basis: 'peak_day',
      asked: 2,
      days: ['2025-05-11', '2024-05-12'],
    });
  });

  it('forecasts the mean of those years, hour by hour', () => {
    const counts: HourCount[] = [
      { date: '2025-02-14', hour: 10, orders: 30 },
      { date: '2024-02-14', hour: 10, orders: 20 },
      // An ordinary Saturday before it: not read for a peak day.
      { date: '2026-02-07', hour: 10, orders: 2 },
    ];
    given(counts)
      .when(question('2026-02-14', { today: '2026-02-10' }), 4)
      .then((forecast) => {
        expect(forecast).toMatchObject({ peakDay: 'valentines_day', history: { basis: 'peak_day', asked: 3 }, expectedOrders: 25, maxRidersNeeded: 7 });
        expect(hour(forecast, 10)).toEqual({ hour: 10, expectedOrders: 25, ridersNeeded: 7 });
      });
  });

  it('falls back on its weekday when no earlier year is in the history, and says so', () => {
    const history = historyFor(question('2025-02-14', { today: '2025-02-01', historyStartsOn: '2024-12-01', weeks: 2 }));
    expect(history).toMatchObject({ peakDay: 'valentines_day', basis: 'same_weekday', asked: 2, days: ['2025-01-31', '2025-01-24'] });
  });

  it('reads only the years that are over when asked about a peak day more than a year ahead', () => {
    expect(historyFor(question('2027-02-14', { today: '2026-01-10' })).days).toEqual(['2025-02-14', '2024-02-14']);
  });
});

describe('riders for an hour', () => {
  it.each([
    [0, 3, 0],
    [0.1, 3, 1],
    [3, 3, 1],
    [6, 3, 2],
    [6.01, 3, 3],
    [0.3 + 0.6, 0.3, 3],
  ])('%s orders at %s deliveries per rider: %s riders', (orders, rate, riders) => {
    expect(ridersFor(orders, rate)).toBe(riders);
  });

  it('refuses a rider who makes no deliveries', () => {
    expect(() => forecastFrom(historyFor(question('2025-05-30')), [], 0)).toThrow(DomainError);
  });
});

describe('the robust average', () => {
  it('is the plain mean of fewer than 8 values', () => {
    expect(trimmedMean([1, 2, 9])).toBe(4);
  });

  it('drops one value from each end per 8', () => {
    expect(trimmedMean([100, 1, 1, 1, 1, 1, 1, 0])).toBe(1);
    expect(trimmedMean([0, 0, ...new Array<number>(12).fill(2), 50, 60])).toBe(2);
  });

  it('is zero for no values', () => {
    expect(trimmedMean([])).toBe(0);
  });
});
