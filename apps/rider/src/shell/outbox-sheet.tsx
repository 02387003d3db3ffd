import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { dismiss, type OutboxEntry } from '../outbox/outbox';
import { useShopFormat } from '../features/common/format';
import { usePositionsWaiting } from '../positions/positions';

/**
 * What the phone still has to send, in the order taken, and what the service refused — in the
 * rider's words with the service's own code, to read and dismiss (a refused action is never sent
 * again: the order was reassigned, or delivered by someone else).
 */
export function OutboxSheet({ entries, onClose }: { entries: OutboxEntry[]; onClose: () => void }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const format = useShopFormat();
  const positions = usePositionsWaiting();
  // What each action is, in the words its stop's page uses.
  const kindOf = (entry: OutboxEntry) => t(`stop.actions.${entry.kind as 'deliver'}`, { defaultValue: entry.kind });
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  const waiting = entries.filter((e) => e.state !== 'refused');
  const refused = entries.filter((e) => e.state === 'refused');

  return (
    <dialog ref={dialog} className="sheet" aria-labelledby="outbox-title" onClose={onClose}>
      <h2 id="outbox-title">{t('common.outbox.title')}</h2>
      {entries.length === 0 && <p>{t('common.outbox.empty')}</p>}
      {waiting.length > 0 && (
        <section aria-labelledby="outbox-waiting">
          <h3 id="outbox-waiting">{t('common.outbox.waiting', { count: waiting.length })}</h3>
          <ol className="outbox-list">
            {waiting.map((entry) => (
              <li key={entry.id} data-state={entry.state}>
                <strong>{kindOf(entry)}</strong>
                <span>
                  {entry.state === 'sending'
                    ? t('common.outbox.sending')
                    : t('common.outbox.queuedAt', { time: format.time(new Date(entry.queuedAt).toISOString()) })}
                </span>
              </li>
            ))}
          </ol>
        </section>
      )}
      {refused.length > 0 && (
        <section aria-labelledby="outbox-refused">
          <h3 id="outbox-refused">{t('common.outbox.refused', { count: refused.length })}</h3>
          <ul className="outbox-list">
            {refused.map((entry) => (
              <li key={entry.id} data-state="refused">
                <strong>{kindOf(entry)}</strong>
                <span>{t(`common.refusals.${entry.refusal?.code}`, { defaultValue: t('common.refusals.other') })}</span>
                <span className="code">
                  {entry.refusal?.code} · {entry.refusal?.message}
                </span>
                <button type="button" onClick={() => dismiss(entry.id)}>
                  {t('common.outbox.dismiss')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {positions > 0 && <p>{t('common.outbox.positions', { count: positions })}</p>}
      <form method="dialog">
        <button type="submit">{t('common.close')}</button>
      </form>
    </dialog>
  );
}
