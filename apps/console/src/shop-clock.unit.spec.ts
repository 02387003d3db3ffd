import { addDays, localDate, zonedInstant } from './shop-clock';

describe("the shop's clock", () => {
  it('names the local date, which can differ from the UTC date', () => {
    expect(localDate(new Date('2026-02-13T17:30:00Z'), 'Asia/Shanghai')).toBe('2026-02-14');
    expect(localDate(new Date('2026-02-13T17:30:00Z'), 'America/New_York')).toBe('2026-02-13');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('reads a wall-clock time in the shop’s zone, daylight saving time included', () => {
    expect(zonedInstant('2026-02-14', '09:00', 'Asia/Shanghai')).toBe('2026-02-14T01:00:00.000Z');
    expect(zonedInstant('2026-01-15', '14:00', 'Europe/Amsterdam')).toBe('2026-01-15T13:00:00.000Z');
    expect(zonedInstant('2026-07-15', '14:00', 'Europe/Amsterdam')).toBe('2026-07-15T12:00:00.000Z');
    // The morning after the clocks went forward (29 March 2026 in the EU).
    expect(zonedInstant('2026-03-29', '06:00', 'Europe/Amsterdam')).toBe('2026-03-29T04:00:00.000Z');
  });
});
