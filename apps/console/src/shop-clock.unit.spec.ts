import { addDays, shopDate, shopDateTime, shopDayBounds, shopInstant } from './shop-clock';

describe("the shop's clock", () => {
  it("names the shop's date, not the device's or UTC's, for an instant near midnight", () => {
    // 17:30 UTC is already the next morning in Shanghai.
    expect(shopDate('2026-02-13T17:30:00Z', 'Asia/Shanghai')).toBe('2026-02-14');
    expect(shopDate('2026-02-13T17:30:00Z', 'Europe/Amsterdam')).toBe('2026-02-13');
    expect(shopDate(new Date('2026-02-13T17:30:00Z'), 'America/New_York')).toBe('2026-02-13');
    expect(shopDate(Date.parse('2026-02-13T17:30:00Z'), 'Asia/Shanghai')).toBe('2026-02-14');
  });

  it("turns the shop's wall clock into the instant it means, and back", () => {
    expect(shopInstant('2026-02-14T09:00', 'Asia/Shanghai')).toBe('2026-02-14T01:00:00.000Z');
    expect(shopInstant('2026-02-14', 'Europe/Amsterdam')).toBe('2026-02-13T23:00:00.000Z');
    expect(shopDateTime('2026-02-14T01:00:00.000Z', 'Asia/Shanghai')).toBe('2026-02-14T09:00');
  });

  it('reads winter and summer time in a zone that has both', () => {
    expect(shopInstant('2026-01-15T14:00', 'Europe/Amsterdam')).toBe('2026-01-15T13:00:00.000Z');
    expect(shopInstant('2026-07-15T14:00', 'Europe/Amsterdam')).toBe('2026-07-15T12:00:00.000Z');
    // The morning after the clocks went forward (29 March 2026 in the EU).
    expect(shopInstant('2026-03-29T06:00', 'Europe/Amsterdam')).toBe('2026-03-29T04:00:00.000Z');
  });

  it('reads a time that happens twice (autumn) as its first reading, and one that never happens (spring) as the later clock', () => {
    expect(shopInstant('2026-10-25T02:30', 'Europe/Amsterdam')).toBe('2026-10-25T00:30:00.000Z');
    expect(shopInstant('2026-03-29T02:30', 'Europe/Amsterdam')).toBe('2026-03-29T01:30:00.000Z');
  });

  it('refuses what is not a wall-clock time, so a form can send it as typed', () => {
    expect(() => shopInstant('', 'Asia/Shanghai')).toThrow(RangeError);
    expect(() => shopInstant('tomorrow', 'Asia/Shanghai')).toThrow(RangeError);
  });

  it('gives a day of 23 hours when the clocks go forward and 25 when they go back', () => {
    expect(shopDayBounds('2026-03-29', 'Europe/Amsterdam')).toEqual({ from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z' });
    expect(shopDayBounds('2026-10-25', 'Europe/Amsterdam')).toEqual({ from: '2026-10-24T22:00:00.000Z', to: '2026-10-25T23:00:00.000Z' });
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
