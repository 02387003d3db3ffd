import type { PlatformRules, PrivacyPhone } from './platform-connector';

/**
 * The separators the platforms put between a privacy number (隐私号) and its extension: Meituan
 * `13812345678_123456`, Ele.me `13812345678,1234` (notes/china-platforms.md; Meituan's from
 * go-meituan and meiquan — verify), and the `转` / `#` a buyer or a shop writes by hand.
 */
const EXTENSION = /^(\+?\d{5,20})(?:[_,，#]|转)(\d{1,8})$/;
const PLAIN = /^\+?\d{5,20}$/;

/**
 * A phone number as a platform gives it, as one a rider's phone can dial: the number, a comma (a
 * dial pause) and the extension. Undefined when it cannot be dialled: masked (`138****5678`),
 * empty, or not a number at all — the order is then placed without the recipient's phone rather
 * than with a wrong one. `expiresAt`: when the platform retires the number, as an ISO time.
 */
export function privacyPhone(raw: string | undefined, expiresAt?: string | Date): PrivacyPhone | undefined {
  if (raw === undefined) return undefined;
  // Spaces and the dashes of a landline (`0755-1234 5678`) are only for reading.
  const compact = raw.replace(/[\s-]/g, '');
  const withExtension = EXTENSION.exec(compact);
  const phone = withExtension ? `${withExtension[1]},${withExtension[2]}` : PLAIN.test(compact) ? compact : undefined;
  if (phone === undefined) return undefined;
  const expiry = isoTime(expiresAt);
  return expiry === undefined ? { phone } : { phone, expiresAt: expiry };
}

/**
 * When a privacy number the platform gives no expiry for stops working: the shop's rule
 * (privacyNumberHours, 3 by default) after the delivery window closes. Meituan's numbers are
 * bound for a few hours after the order is finished (verify); being early only says "ask the shop".
 */
export function privacyPhoneExpiry(windowEnd: string, rules: Pick<PlatformRules, 'privacyNumberHours'>): string {
  const end = Date.parse(windowEnd);
  if (Number.isNaN(end)) throw new RangeError(`not a time: ${windowEnd}`);
  return new Date(end + rules.privacyNumberHours * 3_600_000).toISOString();
}

/** Whether a rider may still dial it at `now`: a number without an expiry lasts. */
export function isDialable(phone: PrivacyPhone, now: Date): boolean {
  return phone.expiresAt === undefined || Date.parse(phone.expiresAt) > now.getTime();
}

function isoTime(value: string | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  const at = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(at)) throw new RangeError(`not a time: ${String(value)}`);
  return new Date(at).toISOString();
}
