import { parseLocalDate, parseTimeRange, windowOn, zonedTime } from './delivery-time';

describe('delivery dates as apps write them', () => {
  it.each([
    ['2026-02-14', '2026-02-14'],
    ['2026/2/14', '2026-02-14'],
    ['14/02/2026', '2026-02-14'],
    ['14.02.2026', '2026-02-14'],
    ['February 14, 2026', '2026-02-14'],
    ['Saturday, 14th February 2026', '2026-02-14'],
    ['14 Feb 2026', '2026-02-14'],
  ])('reads %s', (text, date) => {
    expect(parseLocalDate(text, 'Europe/Amsterdam')).toBe(date);
  });

  it('reads 03/04/2026 as 3 April, or 4 March for a shop that writes the month first', () => {
    expect(parseLocalDate('03/04/2026', 'Europe/Amsterdam')).toBe('2026-04-03');
    expect(parseLocalDate('03/04/2026', 'America/New_York', false)).toBe('2026-03-04');
  });

  it('reads an instant (Zapiet D=…Z, a timestamp) as the date in the shop’s time zone', () => {
    expect(parseLocalDate('2026-02-13T23:30:00Z', 'Europe/Amsterdam')).toBe('2026-02-14');
    expect(parseLocalDate(String(Date.parse('2026-02-13T23:30:00Z') / 1000), 'Europe/Amsterdam')).toBe('2026-02-14');
  });

  it.each(['tomorrow', '2026-02-30', '31/31/2026', ''])('gives up on %j', (text) => {
    expect(parseLocalDate(text, 'Europe/Amsterdam')).toBeUndefined();
  });
});

describe('time slots as apps write them', () => {
  it.each([
    ['13:00 - 14:00', { from: '13:00', to: '14:00' }],
    ['1:00 PM - 2:00PM', { from: '13:00', to: '14:00' }],
    ['09:00–12:00', { from: '09:00', to: '12:00' }],
    ['9am to 11am', { from: '09:00', to: '11:00' }],
    ['15:30', { from: '15:30', to: '17:30' }],
  ])('reads %s', (text, window) => {
    expect(parseTimeRange(text)).toEqual(window);
  });

  it.each(['14:00 - 13:00', 'noon', '25:00 - 26:00', '13'])('gives up on %j', (text) => {
    expect(parseTimeRange(text)).toBeUndefined();
  });
});

describe('windows in the shop’s time zone', () => {
  it('writes the offset in force on that date, winter and summer', () => {
    expect(zonedTime('2026-02-14', '13:00', 'Europe/Amsterdam')).toBe('2026-02-14T13:00:00+01:00');
    expect(zonedTime('2026-07-01', '13:00', 'Europe/Amsterdam')).toBe('2026-07-01T13:00:00+02:00');
    expect(zonedTime('2026-02-14', '09:00', 'America/New_York')).toBe('2026-02-14T09:00:00-05:00');
    expect(zonedTime('2026-02-14', '09:00', 'Asia/Kolkata')).toBe('2026-02-14T09:00:00+05:30');
  });

  it('makes a window that names its zone', () => {
    expect(windowOn('2026-02-14', { from: '13:00', to: '15:00' }, 'Asia/Shanghai')).toEqual({
      from: '2026-02-14T13:00:00+08:00',
      to: '2026-02-14T15:00:00+08:00',
      timeZone: 'Asia/Shanghai',
    });
  });
});
