import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { useFormat } from '../../format';
import { useHistory } from './order-api';
import type { People } from './people';
import { roleLabel } from './labels';
import { describeEvent } from './timeline-lines';

/** How long the newest entry stays marked after it arrived live. */
const FRESH_FOR_MS = 6000;

/** The order's audit trail, newest first; an entry that arrives while the page is open is marked. */
export function OrderTimeline({ orderId, people }: { orderId: string; people: People }) {
  const { t } = useTranslation();
  const format = useFormat();
  const history = useHistory(orderId);
  const newest = history.data?.items.at(-1)?.version;
  const seenNewest = useRef<number | undefined>(undefined);
  const [fresh, setFresh] = useState<number | undefined>(undefined);

  useEffect(() => {
    if (newest === undefined) return;
    const before = seenNewest.current;
    seenNewest.current = newest;
    if (before === undefined || newest <= before) return;
    setFresh(newest);
    const timer = setTimeout(() => setFresh(undefined), FRESH_FOR_MS);
    return () => clearTimeout(timer);
  }, [newest]);

  // Only staff read the audit trail: for other roles the service says no, and there is nothing to show.
  if (history.error instanceof ApiError && history.error.status === 403) return null;

  return (
    <section className="card order-timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('order.timeline.title')}</h2>
      {history.isPending && <p role="status">{t('common.loading')}</p>}
      {history.error && (
        <p role="alert" className="problem">
          {t('common.error', { message: history.error.message })}
        </p>
      )}
      {history.data && (
        <ol className="timeline">
          {[...history.data.items].reverse().map((entry) => (
            <li key={entry.version} className={entry.version === fresh ? 'fresh' : undefined} data-event-type={entry.type}>
              <time dateTime={entry.occurredAt}>{format.dateTime(entry.occurredAt)}</time>
              <span className="line">{describeEvent(entry.type, entry.data, t, format, people)}</span>
              {entry.actor && (
                <span className="actor muted">{t('order.timeline.by', { name: actorName(entry.actor, people), role: roleLabel(entry.actor.role, t) })}</span>
              )}
              {entry.version === fresh && <span className="badge fresh-badge">{t('order.timeline.updated')}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function actorName(actor: { role: string; subject: string }, people: People): string {
  return actor.role === 'rider' ? people.rider(actor.subject) : people.name(actor.subject);
}
