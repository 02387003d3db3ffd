import { type RecipientPhoneFacts, type ReadablePhone, useRecipientPhone } from '@petalpost/web-kit';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../format';

/**
 * The recipient's phone as staff read it: a privacy number (隐私号) with until when it works on
 * the shop's clock, and that it expired once it has — judged again while the page stays open.
 */
export function RecipientPhone({ recipient }: { recipient: RecipientPhoneFacts }) {
  const { t } = useTranslation();
  const format = useFormat();
  const phone = useRecipientPhone(recipient);
  if (!phone) return null;
  const number = readable(phone.readable, t);
  if (phone.state === 'expired')
    return (
      <span className="recipient-phone" data-phone-state="expired">
        {number} <span className="badge warn">{t('common.phone.expired', { time: format.time(phone.expiredAt) })}</span>
      </span>
    );
  return (
    <span className="recipient-phone" data-phone-state="callable">
      {number}
      {phone.validUntil && <span className="muted"> {t('common.phone.validUntil', { time: format.time(phone.validUntil) })}</span>}
    </span>
  );
}

function readable(phone: ReadablePhone, t: (key: string, words: Record<string, string>) => string): string {
  return phone.extension ? t('common.phone.extension', { number: phone.number, extension: phone.extension }) : phone.number;
}
