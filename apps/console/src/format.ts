import { useTranslation } from 'react-i18next';
import { membershipOf, useSession } from './session/session';

/**
 * Times in the shop's zone (never the device's) and in the reader's language; money in the
 * order's currency. Operators, who have no shop, see the device's zone.
 */
export function useFormat() {
  const { i18n } = useTranslation();
  const session = useSession();
  const timeZone = (session && membershipOf(session)?.shopTimeZone) || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const locale = i18n.language;
  const make = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { timeZone, hourCycle: 'h23', ...options });
  const time = make({ hour: '2-digit', minute: '2-digit' });
  const dateTime = make({ month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' });
  const day = make({ month: 'long', day: 'numeric', weekday: 'long' });
  const at = (iso: string | undefined, f: Intl.DateTimeFormat) => (iso ? f.format(new Date(iso)) : '');
  return {
    timeZone,
    locale,
    time: (iso?: string) => at(iso, time),
    dateTime: (iso?: string) => at(iso, dateTime),
    day: (iso?: string) => at(iso, day),
    window: (w?: { from: string; to: string }) => (w ? `${at(w.from, dateTime)}–${at(w.to, time)}` : ''),
    money: (m?: { amountMinor: number; currency: string }) => {
      if (!m) return '';
      // Minor units per the currency (fen for CNY, none for JPY), as ISO 4217 and Intl know them.
      const f = new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency });
      return f.format(m.amountMinor / 10 ** (f.resolvedOptions().maximumFractionDigits ?? 2));
    },
  };
}
