import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useClipboard } from '../../ui/use-clipboard';

/** A secret or link the service shows this once: readable, selectable, and copied with one button. */
export function CopyOnce({ label, value, note }: { label: string; value: string; note: string }) {
  const { t } = useTranslation();
  const id = useId();
  const { copied, copy } = useClipboard(value);
  return (
    <div className="copy-once card">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} readOnly value={value} size={Math.min(80, value.length)} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy}>
          {t('shop.copy')}
        </button>
      </div>
      <p className="muted">{note}</p>
      <p role="status">{copied === 'yes' ? t('shop.copied') : copied === 'no' ? t('shop.copyFailed') : ''}</p>
    </div>
  );
}
