import { useQueries } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, data } from '../../api';
import { useOutbox } from '../../outbox/outbox';
import { useSession } from '../../session';
import { useShopFormat } from '../common/format';
import { Problem } from '../common/problem';
import { type MadeReport, madeReports, type ReportParams } from './exception-actions';
import '../common/controls.css';
import './exceptions.css';

let cache: { riderId: string; raw: string | null; reports: MadeReport[] } | undefined;
/** The reports made on this phone, newest first, as they are kept. */
function useMadeReports(riderId: string): MadeReport[] {
  return useSyncExternalStore(
    (listener) => {
      window.addEventListener('petalpost:reports', listener);
      window.addEventListener('storage', listener);
      return () => {
        window.removeEventListener('petalpost:reports', listener);
        window.removeEventListener('storage', listener);
      };
    },
    () => {
      const raw = localStorage.getItem(`petalpost.rider.reports:${riderId}`);
      if (!cache || cache.riderId !== riderId || cache.raw !== raw) cache = { riderId, raw, reports: madeReports(riderId) };
      return cache.reports;
    },
  );
}

/** The rider's reports: waiting to be sent, sent, acknowledged, and what the shop decided. Refetched by the live stream. */
export function ExceptionsPage() {
  const { t } = useTranslation();
  const format = useShopFormat();
  const session = useSession();
  const reports = useMadeReports(session?.personId ?? '');
  const waiting = useOutbox().filter((e) => e.kind === 'report-exception');
  const views = useQueries({
    queries: reports.map((r) => ({
      queryKey: ['exceptions', r.exceptionId],
      queryFn: () => data(api.messaging.GET('/exceptions/{exceptionId}', { params: { path: { exceptionId: r.exceptionId } } })),
    })),
  });

  return (
    <section className="exceptions-page">
      <h1>{t('exceptions.title')}</h1>
      {waiting.length === 0 && reports.length === 0 && <p>{t('exceptions.none')}</p>}
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
          const view = views[index];
          const v = view?.data;
          return (
            <li key={r.exceptionId} className="report" data-exception-id={r.exceptionId} data-order-id={r.orderId}>
              <strong>{t(`exceptions.types.${r.type}`)}</strong>
              <span>{t('exceptions.reportedAt', { at: format.dateTime(r.reportedAt) })}</span>
              {v && <span className={`tag status-${v.status}`}>{t(`exceptions.status.${v.status}`)}</span>}
              {v?.acknowledgedAt && <span>{t('exceptions.acknowledgedAt', { at: format.dateTime(v.acknowledgedAt) })}</span>}
              {v?.outcome && (
                <span>
                  {t('exceptions.decided', { outcome: t(`exceptions.outcomes.${v.outcome}`) })}
                  {v.resolutionNote ? ` — ${v.resolutionNote}` : ''}
                </span>
              )}
              <Problem error={view?.error} />
              <Link to={`/stops/${r.orderId}`}>{t('exceptions.openStop')}</Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
