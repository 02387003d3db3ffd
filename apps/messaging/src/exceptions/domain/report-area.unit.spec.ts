import { geohash, hourOfWeek } from './report-area';

describe('where and when a report was made', () => {
  it('encodes the standard geohash (the reference example: 57.64911, 10.40744 → u4pruydqqvj)', () => {
    expect(geohash(57.64911, 10.40744, 11)).toBe('u4pruydqqvj');
    expect(geohash(57.64911, 10.40744)).toBe('u4pru');
  });
  it('puts two nearby streets in one 5-character area and another city in another', () => {
    expect(geohash(52.0907, 5.1214)).toBe(geohash(52.0912, 5.1222));
    expect(geohash(52.0907, 5.1214)).not.toBe(geohash(52.3676, 4.9041));
  });
  it('numbers the hours of the week from Monday 00:00 UTC', () => {
    expect(hourOfWeek('2026-02-09T00:00:00Z')).toBe(0); // a Monday
    expect(hourOfWeek('2026-02-14T09:30:00Z')).toBe(5 * 24 + 9); // Saturday 09:30
    expect(hourOfWeek('2026-02-14T10:30:00+01:00')).toBe(5 * 24 + 9); // the same instant
    expect(hourOfWeek('2026-02-15T23:59:59Z')).toBe(167);
  });
});
