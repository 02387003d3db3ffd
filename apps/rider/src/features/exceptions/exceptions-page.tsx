import { useQueries, useQuery } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, data } from '../../api';
import { useOutbox } from '../../outbox/outbox';
import { useShopFormat } from '../common/format';
import { useShop } from '../common/shop';
import { Problem } from '../common/problem';
import { type ReportParams } from './exception-actions';
import '../common/controls.css';
import './exceptions.css';

/** The rider's reports: waiting to be sent, sent, acknowledged, and what the shop decided. Refetched by the live stream. */
export function ExceptionsPage() {
  const { t } = useTranslation();
  const format = useShopFormat();
  const shop = useShop();
  // Today's on the shop's clock: the service lists the reports this rider made or that name them.
  const since = DateTime.now()
    .setZone(shop?.shopTimeZone ?? 'local')
    .startOf('day')
    .toISO();
  const list = useQuery({
    queryKey: ['exceptions', 'mine', since],
    queryFn: () => data(api.messaging.GET('/exceptions', { params: { query: { from: since ?? undefined, limit: 100 } } })),
  });
  const reports = list.data?.items ?? [];
  const waiting = useOutbox().filter((e) => e.kind === 'report-exception');
  // What the shop decided comes with the report itself (the note is not on the list).
  const decided = useQueries({
    queries: reports.map((r) => ({
      queryKey: ['exceptions', r.exceptionId],
      enabled: Boolean(r.outcome),
      queryFn: () => data(api.messaging.GET('/exceptions/{exceptionId}', { params: { path: { exceptionId: r.exceptionId } } })),
    })),
  });

  return (
    <section className="exceptions-page">
      <h1>{t('exceptions.title')}</h1>
      <Problem error={list.error} />
      {waiting.length === 0 && list.isSuccess && reports.length === 0 && <p>{t('exceptions.none')}</p>}
      <ul className="reports">
        {waiting.map((entry) => {
          const p = entry.params as ReportParams;
          return (
            <li key={entry.id} className="report waiting" data-order-id={entry.orderId}>
              <strong>{t(`exceptions.types.${p.type}`)}</strong>
              <span>{format.dateTime(p.reportedAt)}</span>
              <span className={entry.state === 'refused' ? 'tag tag-late' : 'tag tag-waiting'}>
                {entry.state === 'refused' ? t('exceptions.refused', { message: entry.refusal?.message ?? '' }) : t('exceptions.waiting')}
              </span>
            </li>
          );
        })}
        {reports.map((r, index) => {
          const note = decided[index]?.data?.resolutionNote;
          return (
            <li key={r.exceptionId} className="report" data-exception-id={r.exceptionId} data-order-id={r.orderId}>
              <strong>{t(`exceptions.types.${r.type}`)}</strong>
              <span>{t('exceptions.reportedAt', { at: format.dateTime(r.reportedAt) })}</span>
              <span className={`tag status-${r.status}`}>{t(`exceptions.status.${r.status}`)}</span>
              {r.acknowledgedAt && <span>{t('exceptions.acknowledgedAt', { at: format.dateTime(r.acknowledgedAt) })}</span>}
              {r.outcome && (
                <span>
                  {t('exceptions.decided', { outcome: t(`exceptions.outcomes.${r.outcome}`) })}
                  {note ? ` — ${note}` : ''}
                </span>
              )}
              <Link to={`/stops/${r.orderId}`}>{t('exceptions.openStop')}</Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
