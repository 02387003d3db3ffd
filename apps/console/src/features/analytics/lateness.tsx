import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api';
import { ApiProblem } from '../../ui/api-problem';
import { type HourCell, HourOfWeekHeatmap } from './hour-of-week';

/**
 * Which hours of the week run late: dispatch's delivered orders by the hour their window started
 * (on the shop's clock), coloured by the share delivered after the window's end. Hours without a
 * delivery stay empty: no share to show.
 */
export function LateHours({ from, to, timeZone }: { from: string; to: string; timeZone: string }) {
  const { t } = useTranslation();
  const lateness = useQuery({
    queryKey: ['dispatch', 'lateness', from, to, timeZone],
    queryFn: ({ signal }) => data(api.dispatch.GET('/analytics/lateness', { params: { query: { from, to, timeZone } }, signal })),
  });
  const cells = useMemo<HourCell[]>(
    () =>
      (lateness.data?.hours ?? [])
        .filter((h) => h.delivered > 0)
        .map((h) => {
          const percent = Math.round((100 * h.late) / h.delivered);
          return { hourOfWeek: h.hourOfWeek, value: percent, text: t('analytics.late.cell', { late: h.late, delivered: h.delivered, percent }) };
        }),
    [lateness.data, t],
  );
  const totals = lateness.data?.totals;
  return (
    <section aria-labelledby="late-title" className="stack">
      <h2 id="late-title">{t('analytics.late.title')}</h2>
      <p className="muted">{t('analytics.late.source')}</p>
      <ApiProblem error={lateness.error} />
      {lateness.isPending && <p role="status">{t('common.loading')}</p>}
      {totals && <p>{t('analytics.late.summary', { late: totals.late, delivered: totals.delivered })}</p>}
      {totals && cells.length === 0 && <p>{t('analytics.late.none')}</p>}
      {cells.length > 0 && (
        <HourOfWeekHeatmap cells={cells} label={t('analytics.late.chartLabel')} valueName={t('analytics.late.share')} tooltip={(c) => c.text ?? ''} max={100} />
      )}
    </section>
  );
}
