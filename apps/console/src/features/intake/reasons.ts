import { useTranslation } from 'react-i18next';

const HELD = 'would be held: ';
const PUSH_VERIFIED = 'signature verified (a test push';

/**
 * A reason the service gives (why an order is held, why a row or a delivery was refused) in the
 * reader's language when the console knows its code, else in the service's own words. A test
 * delivery's reason says what a real one would become.
 */
export function useReasonText(): (reason: string | undefined) => string {
  const { t, i18n } = useTranslation();
  const known = (code: string) => {
    const key = `intake.reason.${code}`;
    return i18n.exists(key) ? t(key) : code;
  };
  return (reason) => {
    if (!reason) return '';
    if (reason === 'would be placed') return t('intake.connection.wouldPlace');
    // A platform's test push is verified and stored, never read (docs/intake.md).
    if (reason.startsWith(PUSH_VERIFIED)) return t('intake.connection.pushVerified');
    if (reason.startsWith(HELD)) return t('intake.connection.wouldHold', { reason: known(reason.slice(HELD.length)) });
    return known(reason);
  };
}

/** How staff know where a held order came from: the platform in their words, and the store or file. */
export function useSourceText(): (source: string) => string {
  const { t, i18n } = useTranslation();
  return (source) => {
    const [kind, ...rest] = source.split(':');
    const key = `intake.source.${kind}`;
    if (!i18n.exists(key)) return source;
    return rest.length ? `${t(key)} · ${rest.join(':')}` : t(key);
  };
}
