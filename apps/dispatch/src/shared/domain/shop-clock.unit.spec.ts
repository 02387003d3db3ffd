import { clockMinute, endOfLocalDay, localDateOf, localMidnight } from './shop-clock';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (instant: string) => Date.parse(instant);

/**
 * Each zone's two clock-change days (and a day without one), with what the shop's clock says:
 * when the day starts and ends, and the wall-clock minute of an instant in it.
 */
const days = [
  // Amsterdam springs forward at 02:00 on 28 March 2027 and falls back at 03:00 on 31 October.
  {
    zone: 'Europe/Amsterdam',
    day: '2027-03-28',
    starts: '2027-03-27T23:00:00.000Z',
    ends: '2027-03-28T22:00:00.000Z',
    instant: '2027-03-28T10:00:00.000Z',
    clock: 12 * 60,
  },
  {
    zone: 'Europe/Amsterdam',
    day: '2027-10-31',
    starts: '2027-10-30T22:00:00.000Z',
    ends: '2027-10-31T23:00:00.000Z',
    instant: '2027-10-31T12:00:00.000Z',
    clock: 13 * 60,
  },
  // New York: 14 March and 7 November 2027, at 02:00.
  {
    zone: 'America/New_York',
    day: '2027-03-14',
    starts: '2027-03-14T05:00:00.000Z',
    ends: '2027-03-15T04:00:00.000Z',
    instant: '2027-03-14T12:00:00.000Z',
    clock: 8 * 60,
  },
  {
    zone: 'America/New_York',
    day: '2027-11-07',
    starts: '2027-11-07T04:00:00.000Z',
    ends: '2027-11-08T05:00:00.000Z',
    instant: '2027-11-07T13:00:00.000Z',
    clock: 8 * 60,
  },
  // Sydney, southern hemisphere: back on 4 April 2027 at 03:00, forward on 3 October at 02:00.
  {
    zone: 'Australia/Sydney',
    day: '2027-04-04',
    starts: '2027-04-03T13:00:00.000Z',
    ends: '2027-04-04T14:00:00.000Z',
    instant: '2027-04-04T00:00:00.000Z',
    clock: 10 * 60,
  },
  {
    zone: 'Australia/Sydney',
    day: '2027-10-03',
    starts: '2027-10-02T14:00:00.000Z',
    ends: '2027-10-03T13:00:00.000Z',
    instant: '2027-10-03T00:00:00.000Z',
    clock: 11 * 60,
  },
  // Shanghai keeps one offset all year.
  {
    zone: 'Asia/Shanghai',
    day: '2027-03-28',
    starts: '2027-03-27T16:00:00.000Z',
    ends: '2027-03-28T16:00:00.000Z',
    instant: '2027-03-28T10:00:00.000Z',
    clock: 18 * 60,
  },
  // Santiago changes at midnight: on 6 September 2026 the clock skips 00:00–01:00, so the day
  // starts at 01:00; on 5 April 2026 Saturday's last hour repeats and Sunday starts an hour later.
  {
    zone: 'America/Santiago',
    day: '2026-09-06',
    starts: '2026-09-06T04:00:00.000Z',
    ends: '2026-09-07T03:00:00.000Z',
    instant: '2026-09-06T12:00:00.000Z',
    clock: 9 * 60,
  },
  {
    zone: 'America/Santiago',
    day: '2026-04-04',
    starts: '2026-04-04T03:00:00.000Z',
    ends: '2026-04-05T04:00:00.000Z',
    instant: '2026-04-04T15:00:00.000Z',
    clock: 12 * 60,
  },
  {
    zone: 'America/Santiago',
    day: '2026-04-05',
    starts: '2026-04-05T04:00:00.000Z',
    ends: '2026-04-06T04:00:00.000Z',
    instant: '2026-04-05T12:00:00.000Z',
    clock: 8 * 60,
  },
];

describe('the shop’s clock on clock-change days', () => {
  it.each(days)('starts $day in $zone at its own midnight, whatever the offset later that day', ({ zone, day, starts, ends }) => {
    for (const instant of [at(starts), at(starts) + 1, (at(starts) + at(ends)) / 2, at(ends) - 1]) {
      expect(iso(localMidnight(instant, zone))).toBe(starts);
      expect(localDateOf(instant, zone)).toBe(day);
    }
  });

  it.each(days)('ends $day in $zone when the next day starts (a broken vehicle is off the road until then)', ({ zone, starts, ends }) => {
    for (const instant of [at(starts), (at(starts) + at(ends)) / 2, at(ends) - 1]) expect(iso(endOfLocalDay(instant, zone))).toBe(ends);
    expect(iso(localMidnight(at(ends), zone))).toBe(ends);
  });

  it.each(days)('reads the wall clock of $day in $zone for the rush hours', ({ zone, instant, clock }) => {
    expect(clockMinute(at(instant), zone)).toBe(clock);
    expect(clockMinute(at(instant) + 90_000, zone)).toBe(clock + 1.5);
  });

  it('ends the day before Amsterdam springs forward at its midnight, not an hour early', () => {
    expect(iso(endOfLocalDay(at('2027-03-27T12:00:00.000Z'), 'Europe/Amsterdam'))).toBe('2027-03-27T23:00:00.000Z');
    expect(iso(endOfLocalDay(at('2027-10-30T12:00:00.000Z'), 'Europe/Amsterdam'))).toBe('2027-10-30T22:00:00.000Z');
  });
});
