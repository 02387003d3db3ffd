import { msUntilPhoneChanges, readablePhone, recipientPhoneNow, telHref } from './recipient-phone';

const at = (iso: string) => Date.parse(iso);
const privacy = { phone: '13812345678,1234', phoneExpiresAt: '2027-02-14T20:00:00+08:00' };

describe('a privacy number (隐私号)', () => {
  it('is callable before it expires, dialling the extension after a pause, and says until when', () => {
    expect(recipientPhoneNow(privacy, at('2027-02-14T19:59:59+08:00'))).toEqual({
      state: 'callable',
      readable: { number: '13812345678', extension: '1234' },
      href: 'tel:13812345678,1234',
      validUntil: '2027-02-14T20:00:00+08:00',
    });
  });

  it('is no longer callable from the moment it expires, and is still shown for what it was', () => {
    for (const now of ['2027-02-14T20:00:00+08:00', '2027-02-15T09:00:00+08:00'])
      expect(recipientPhoneNow(privacy, at(now))).toEqual({
        state: 'expired',
        readable: { number: '13812345678', extension: '1234' },
        expiredAt: '2027-02-14T20:00:00+08:00',
      });
  });

  it('counts as expired when its expiry cannot be read, rather than offering a call that may reach nobody', () => {
    expect(recipientPhoneNow({ phone: '13812345678,1234', phoneExpiresAt: 'soon' }, at('2027-02-14T12:00:00Z'))?.state).toBe('expired');
  });

  it('tells the screen when to look again: at the expiry, and never after it', () => {
    expect(msUntilPhoneChanges(privacy, at('2027-02-14T19:59:00+08:00'))).toBe(60_000);
    expect(msUntilPhoneChanges(privacy, at('2027-02-14T20:00:00+08:00'))).toBeUndefined();
    expect(msUntilPhoneChanges({ phoneExpiresAt: privacy.phoneExpiresAt }, at('2027-02-14T19:00:00+08:00'))).toBeUndefined();
  });
});

describe('a real number', () => {
  it('is always callable, without a validity', () => {
    expect(recipientPhoneNow({ phone: '138 8765 4321' }, at('2030-01-01T00:00:00Z'))).toEqual({
      state: 'callable',
      readable: { number: '138 8765 4321' },
      href: 'tel:13887654321',
    });
    expect(msUntilPhoneChanges({ phone: '138 8765 4321' }, 0)).toBeUndefined();
  });

  it('is nothing to show when there is none', () => {
    expect(recipientPhoneNow(undefined, 0)).toBeUndefined();
    expect(recipientPhoneNow({ phone: '  ' }, 0)).toBeUndefined();
  });
});

describe('dialling and reading a number', () => {
  it('keeps the digits, a leading plus and the pauses in the tel: link', () => {
    expect(telHref('+86 (21) 6234-5678')).toBe('tel:+862162345678');
    expect(telHref('13812345678,123456')).toBe('tel:13812345678,123456');
  });

  it('reads the line apart from its extension', () => {
    expect(readablePhone('13812345678,123456')).toEqual({ number: '13812345678', extension: '123456' });
    expect(readablePhone('13812345678')).toEqual({ number: '13812345678' });
  });
});
