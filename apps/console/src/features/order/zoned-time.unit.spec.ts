import { dayBounds, fromZonedInput, toZonedInput, zonedWindow } from './zoned-time';

describe('wall-clock times in the shop’s zone', () => {
  it('shows an instant as the shop’s clock reads it', () => {
    expect(toZonedInput('2026-02-14T05:00:00.000Z', 'Asia/Shanghai')).toBe('2026-02-14T13:00');
    expect(toZonedInput('2026-02-14T12:00:00.000Z', 'Europe/Amsterdam')).toBe('2026-02-14T13:00');
  });

  it('reads a time typed in the field as the shop’s, whatever zone the device is in', () => {
    expect(fromZonedInput('2026-02-14T13:00', 'Asia/Shanghai')).toBe('2026-02-14T05:00:00.000Z');
    expect(fromZonedInput('2026-07-14T13:00', 'Europe/Amsterdam')).toBe('2026-07-14T11:00:00.000Z');
  });

  it('keeps the right offset on the day the clocks change', () => {
    // Amsterdam moves from +01:00 to +02:00 at 02:00 on 29 March 2026.
    expect(fromZonedInput('2026-03-29T01:30', 'Europe/Amsterdam')).toBe('2026-03-29T00:30:00.000Z');
    expect(fromZonedInput('2026-03-29T12:00', 'Europe/Amsterdam')).toBe('2026-03-29T10:00:00.000Z');
  });

  it('refuses what a datetime field would never give', () => {
    expect(fromZonedInput('', 'Asia/Shanghai')).toBeUndefined();
    expect(fromZonedInput('14/02/2026 13:00', 'Asia/Shanghai')).toBeUndefined();
  });

  it('takes a typed window only when it ends after it starts', () => {
    expect(zonedWindow('2026-02-14T13:00', '2026-02-14T15:00', 'Asia/Shanghai')).toEqual({
      from: '2026-02-14T05:00:00.000Z',
      to: '2026-02-14T07:00:00.000Z',
    });
    expect(zonedWindow('2026-02-14T15:00', '2026-02-14T13:00', 'Asia/Shanghai')).toBeUndefined();
    expect(zonedWindow('2026-02-14T13:00', '', 'Asia/Shanghai')).toBeUndefined();
  });

  it('bounds the shop’s day, not the device’s', () => {
    // 23:30 UTC on the 13th is already the 14th in Shanghai.
    expect(dayBounds(new Date('2026-02-13T23:30:00Z'), 'Asia/Shanghai')).toEqual({
      from: '2026-02-13T16:00:00.000Z',
      to: '2026-02-14T16:00:00.000Z',
    });
  });
});
