import type { Money } from '@petalpost/contracts';

/** "29.35" EUR → 2935 cents; the currency's own minor unit (JPY has none). Undefined when it does not read. */
export function moneyOf(amount: unknown, currency: unknown): Money | undefined {
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return undefined;
  const text = typeof amount === 'number' ? String(amount) : typeof amount === 'string' ? amount.trim() : '';
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  let digits: number;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return undefined;
  }
  const fraction = (match[2] ?? '').padEnd(digits, '0');
  // More decimals than the currency has: rounded half up on the first dropped digit.
  const kept = Number(match[1]) * 10 ** digits + Number(fraction.slice(0, digits) || '0');
  const amountMinor = kept + (Number(fraction[digits] ?? '0') >= 5 ? 1 : 0);
  return amountMinor <= 100_000_000 ? { amountMinor, currency } : undefined;
}
