import { DEFAULT_PREFERENCES, PreferencesSchema, shouldAlert } from './preferences';

const at = (iso: string) => Date.parse(iso);
const night = { from: '22:00', to: '07:00', timeZone: 'Europe/Amsterdam' };
const progress = { critical: false, eventType: 'ProductionStarted', orderId: 'o1' };

describe('whether a notification alerts', () => {
  it('alerts by default', () => {
    expect(shouldAlert(DEFAULT_PREFERENCES, progress, at('2026-02-14T10:00:00Z'))).toBe(true);
  });

  it('stays silent for a muted order and for silenced event types', () => {
    expect(shouldAlert({ ...DEFAULT_PREFERENCES, mutedOrders: ['o1'] }, progress, at('2026-02-14T10:00:00Z'))).toBe(false);
    expect(shouldAlert({ ...DEFAULT_PREFERENCES, mutedOrders: ['o2'] }, progress, at('2026-02-14T10:00:00Z'))).toBe(true);
    expect(shouldAlert({ ...DEFAULT_PREFERENCES, silentEventTypes: ['ProductionStarted'] }, progress, at('2026-02-14T10:00:00Z'))).toBe(false);
  });

  it('stays silent in quiet hours past midnight, in the person’s zone', () => {
    const quiet = { ...DEFAULT_PREFERENCES, quietHours: night };
    // 22:30 and 06:59 in Amsterdam (UTC+1 in February) are quiet; 07:00 and 21:59 are not.
    expect(shouldAlert(quiet, progress, at('2026-02-14T21:30:00Z'))).toBe(false);
    expect(shouldAlert(quiet, progress, at('2026-02-15T05:59:00Z'))).toBe(false);
    expect(shouldAlert(quiet, progress, at('2026-02-15T06:00:00Z'))).toBe(true);
    expect(shouldAlert(quiet, progress, at('2026-02-14T20:59:00Z'))).toBe(true);
  });

  it('always alerts for critical notifications', () => {
    const everythingOff = { mutedOrders: ['o1'], quietHours: night, silentEventTypes: ['OrderExceptionFlagged'] };
    expect(shouldAlert(everythingOff, { critical: true, eventType: 'OrderExceptionFlagged', orderId: 'o1' }, at('2026-02-14T23:00:00Z'))).toBe(true);
  });
});

describe('preferences as a person sends them', () => {
  it('fills what is left out with defaults', () => {
    expect(PreferencesSchema.parse({})).toEqual(DEFAULT_PREFERENCES);
  });

  it.each([
    ['an unknown field', { sound: 'loud' }],
    ['a time that is not HH:MM', { quietHours: { from: '10pm', to: '07:00', timeZone: 'Europe/Amsterdam' } }],
    ['an unknown zone', { quietHours: { from: '22:00', to: '07:00', timeZone: 'Mars/Olympus' } }],
  ])('refuses %s', (_case, body) => {
    expect(PreferencesSchema.safeParse(body).success).toBe(false);
  });
});
