import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Connection } from './intake-api';
import { useClipboard } from '../../ui/use-clipboard';

/**
 * The addresses to paste into the platform's console, each with its copy button: Meituan takes
 * one per push type (each named as its console names it), the others one. The platform signs
 * over the address, so it is shown whole and copied exactly. Untitled where a summary names it.
 */
export function CallbackUrls({ connection, titled = true }: { connection: Pick<Connection, 'platform' | 'callbackUrls'>; titled?: boolean }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const many = connection.callbackUrls.length > 1;
  const nameOf = (pushType: string | undefined) => {
    if (!pushType) return t('intake.connect.callbackUrl');
    const key = `intake.connect.pushType.${pushType}`;
    return i18n.exists(key) ? t(key) : pushType;
  };
  return (
    <section className="stack callback-urls" aria-labelledby={titled ? `${id}-title` : undefined}>
      {titled && <h4 id={`${id}-title`}>{many ? t('intake.connect.callbackUrls') : t('intake.connect.callbackUrl')}</h4>}
      <p className="muted small">{many ? t('intake.connect.whereToPasteMany') : t(`intake.connect.whereToPaste.${connection.platform}`)}</p>
      <ul className="stack">
        {connection.callbackUrls.map(({ pushType, url }) => (
          <li key={url} data-push-type={pushType ?? ''}>
            <CopyField label={nameOf(pushType)} value={url} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One address, readable and selectable, and its own copy button that says so when done. */
function CopyField({ label, value }: { label: string; value: string }) {
  const { t } = useTranslation();
  const id = useId();
  const { copied, copy } = useClipboard(value);
  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} className="grow" readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" aria-label={t('intake.connect.copyOf', { what: label })} onClick={copy}>
          {t('intake.connect.copy')}
        </button>
        <span role="status" className="small">
          {copied === 'yes' ? t('intake.connect.copied') : copied === 'no' ? t('intake.connect.copyFailed') : ''}
        </span>
      </div>
    </div>
  );
}
