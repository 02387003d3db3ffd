import { nextDate, shopDate, shopDayBounds, shopDateTime, shopInstant } from './shop-clock';

describe("the shop's clock", () => {
  it("names the shop's date, not the device's, for an instant near midnight", () => {
    // 17:30 UTC is already the next morning in Shanghai.
    expect(shopDate('2026-02-13T17:30:00Z', 'Asia/Shanghai')).toBe('2026-02-14');
    expect(shopDate('2026-02-13T17:30:00Z', 'Europe/Amsterdam')).toBe('2026-02-13');
  });

  it("turns the shop's wall clock into the instant it means", () => {
    expect(shopInstant('2026-02-14T09:00', 'Asia/Shanghai')).toBe('2026-02-14T01:00:00.000Z');
    expect(shopInstant('2026-02-14', 'Europe/Amsterdam')).toBe('2026-02-13T23:00:00.000Z');
    expect(shopDateTime('2026-02-14T01:00:00.000Z', 'Asia/Shanghai')).toBe('2026-02-14T09:00');
  });

  it('reads a time that happens twice (autumn) as its first reading, and one that never happens (spring) as the later clock', () => {
    expect(shopInstant('2026-10-25T02:30', 'Europe/Amsterdam')).toBe('2026-10-25T00:30:00.000Z');
    expect(shopInstant('2026-03-29T02:30', 'Europe/Amsterdam')).toBe('2026-03-29T01:30:00.000Z');
  });

  it('gives a day of 23 hours when the clocks go forward', () => {
    const day = shopDayBounds('2026-03-29', 'Europe/Amsterdam');
    expect(day).toEqual({ from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z' });
    expect(nextDate('2026-02-28')).toBe('2026-03-01');
  });
});
