import { useTranslation } from 'react-i18next';

/**
 * A reason the service gives (why an order is held, why a row or a delivery was refused) in the
 * reader's language when the console knows its code, else in the service's own words.
 */
export function useReasonText(): (reason: string | undefined) => string {
  const { t, i18n } = useTranslation();
  return (reason) => {
    if (!reason) return '';
    const key = `intake.reason.${reason}`;
    return i18n.exists(key) ? t(key) : reason;
  };
}
