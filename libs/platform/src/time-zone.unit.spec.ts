import { ianaTimeZone } from './time-zone';

describe('ianaTimeZone', () => {
  it('takes an IANA name in its canonical spelling', () => {
    expect(ianaTimeZone.parse('Europe/Amsterdam')).toBe('Europe/Amsterdam');
    expect(ianaTimeZone.parse('europe/amsterdam')).toBe('Europe/Amsterdam');
    expect(ianaTimeZone.parse('UTC')).toBe('UTC');
  });

  it('refuses what is not one, and offsets PostgreSQL would read the wrong way round', () => {
    for (const name of ['Mars/Olympus', '+01:00', '', 'Europe/Amsterdam'.repeat(5)]) expect(ianaTimeZone.safeParse(name).success).toBe(false);
  });
});
