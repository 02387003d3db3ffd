import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useShop } from './shop';

export interface ShopFormat {
  /** 14:30 */
  time(instant: string): string;
  /** 12月6日 星期日 14:30 / Sun 6 Dec 14:30 */
  dateTime(instant: string): string;
  /** 14:00–16:00 */
  window(window: { from: string; to: string }): string;
}

/** Times on the shop's clock in the reader's language, whatever zone the phone is set to. */
export function shopFormat(language: string, timeZone: string): ShopFormat {
  const zh = language.startsWith('zh');
  const locale = zh ? 'zh-CN' : 'en-GB';
  const clock = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const day = new Intl.DateTimeFormat(locale, { timeZone, month: zh ? 'numeric' : 'short', day: 'numeric', weekday: zh ? 'long' : 'short' });
  const time = (instant: string) => clock.format(new Date(instant));
  return {
    time,
    dateTime: (instant) => {
      const date = new Date(instant);
      const parts = day.formatToParts(date);
      const text = zh
        ? `${parts.find((p) => p.type === 'month')?.value}月${parts.find((p) => p.type === 'day')?.value}日 ${parts.find((p) => p.type === 'weekday')?.value}`
        : day.format(date).replace(/,/g, '');
      return `${text} ${time(instant)}`;
    },
    window: (w) => `${time(w.from)}–${time(w.to)}`,
  };
}

export function useShopFormat(): ShopFormat {
  const { i18n } = useTranslation();
  const shop = useShop();
  const timeZone = shop?.shopTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return useMemo(() => shopFormat(i18n.language, timeZone), [i18n.language, timeZone]);
}
