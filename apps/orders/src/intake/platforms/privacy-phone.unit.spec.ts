import { isDialable, privacyPhone, privacyPhoneExpiry } from './privacy-phone';

describe('privacy numbers', () => {
  describe('read from a platform', () => {
    it('dials a Meituan privacy number and its extension after a pause', () => {
      expect(privacyPhone('13812345678_123456')).toEqual({ phone: '13812345678,123456' });
    });

    it('dials an Ele.me virtual number and its extension after a pause', () => {
      expect(privacyPhone('13812345678,1234')).toEqual({ phone: '13812345678,1234' });
    });

    it('reads the extension a person wrote with 转 or #', () => {
      expect(privacyPhone('13812345678转1234')).toEqual({ phone: '13812345678,1234' });
      expect(privacyPhone('13812345678#1234')).toEqual({ phone: '13812345678,1234' });
    });

    it('keeps a real number as it is, spaces and landline dashes dropped', () => {
      expect(privacyPhone(' 138 1234 5678 ')).toEqual({ phone: '13812345678' });
      expect(privacyPhone('0755-12345678')).toEqual({ phone: '075512345678' });
      expect(privacyPhone('+86 13812345678')).toEqual({ phone: '+8613812345678' });
    });

    it('gives no number for a masked one, which no rider can dial', () => {
      expect(privacyPhone('138****5678')).toBeUndefined();
      expect(privacyPhone('')).toBeUndefined();
      expect(privacyPhone(undefined)).toBeUndefined();
    });

    it('carries the expiry the platform gives, as an ISO time', () => {
      expect(privacyPhone('13812345678_1234', '2026-02-14T18:00:00+08:00')).toEqual({ phone: '13812345678,1234', expiresAt: '2026-02-14T10:00:00.000Z' });
      expect(privacyPhone('13812345678_1234', new Date('2026-02-14T10:00:00Z'))).toEqual({ phone: '13812345678,1234', expiresAt: '2026-02-14T10:00:00.000Z' });
    });

    it('refuses an expiry that is not a time rather than keeping a number forever', () => {
      expect(() => privacyPhone('13812345678_1234', 'tomorrow')).toThrow('not a time: tomorrow');
    });
  });

  describe('expiry the platform does not give', () => {
    it('ends the shop rule of hours after the delivery window closes', () => {
      expect(privacyPhoneExpiry('2026-02-14T20:00:00+08:00', { privacyNumberHours: 3 })).toBe('2026-02-14T15:00:00.000Z');
    });
  });

  describe('dialable', () => {
    const now = new Date('2026-02-14T12:00:00Z');

    it('while it lasts', () => {
      expect(isDialable({ phone: '13812345678,1234', expiresAt: '2026-02-14T12:00:01Z' }, now)).toBe(true);
      expect(isDialable({ phone: '13812345678' }, now)).toBe(true);
    });

    it('not once it expired', () => {
      expect(isDialable({ phone: '13812345678,1234', expiresAt: '2026-02-14T12:00:00Z' }, now)).toBe(false);
    });
  });
});
