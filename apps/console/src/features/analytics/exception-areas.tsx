import { useQuery } from '@tanstack/react-query';
import type { EChartsCoreOption } from 'echarts/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api';
import { ApiProblem } from '../../ui/api-problem';
import { Chart } from './chart';
import { geohashCentre } from './geohash';

export const EXCEPTION_TYPES = [
  'address_not_found',
  'recipient_absent',
  'recipient_refused',
  'running_late',
  'vehicle_broken',
  'bouquet_damaged',
  'other',
] as const;
type ExceptionType = (typeof EXCEPTION_TYPES)[number];

export function useExceptionTypeNames(): Record<ExceptionType, string> {
  const { t } = useTranslation();
  return {
    address_not_found: t('analytics.type.addressNotFound'),
    recipient_absent: t('analytics.type.recipientAbsent'),
    recipient_refused: t('analytics.type.recipientRefused'),
    running_late: t('analytics.type.runningLate'),
    vehicle_broken: t('analytics.type.vehicleBroken'),
    bouquet_damaged: t('analytics.type.bouquetDamaged'),
    other: t('analytics.type.other'),
  };
}

export interface Period {
  /** Instants, for the exception reports. */
  fromInstant: string;
  toInstant: string;
  timeZone: string;
}

export const useExceptionAnalytics = ({ fromInstant, toInstant, timeZone }: Period) =>
  useQuery({
    queryKey: ['exception-analytics', fromInstant, toInstant, timeZone],
    queryFn: async () => {
      const answer = await data(api.messaging.GET('/exceptions/analytics', { params: { query: { from: fromInstant, to: toInstant, timeZone } } }));
      // The document also offers CSV under the same route; JSON is what is asked for here.
      if (typeof answer === 'string') throw new Error('exception analytics: expected JSON');
      return answer;
    },
  });

interface AreaRow {
  area: string;
  type: ExceptionType;
  count: number;
  centre?: { lat: number; lng: number };
}

/** Where exceptions were reported, by area (a ~5 km geohash cell) and kind: a scatter on longitude and latitude, and its table. */
export function ExceptionAreas({ period }: { period: Period }) {
  const { t } = useTranslation();
  const names = useExceptionTypeNames();
  const analytics = useExceptionAnalytics(period);
  // Every kind at first: a damaged bouquet or a late rider counts as much as a wrong address.
  const [kind, setKind] = useState<ExceptionType | 'all'>('all');

  const rows = useMemo<AreaRow[]>(() => {
    const sums = new Map<string, AreaRow>();
    for (const item of analytics.data?.byTypeAreaHourRider ?? []) {
      if (kind !== 'all' && item.type !== kind) continue;
      const key = `${item.area}|${item.type}`;
      const row = sums.get(key) ?? { area: item.area, type: item.type, count: 0, centre: geohashCentre(item.area) };
      row.count += item.count;
      sums.set(key, row);
    }
    return [...sums.values()].sort((a, b) => b.count - a.count);
  }, [analytics.data, kind]);

  const option = useMemo<EChartsCoreOption>(() => {
    const max = Math.max(1, ...rows.map((r) => r.count));
    const types = [...new Set(rows.map((r) => r.type))];
    return {
      tooltip: { formatter: (p: { seriesName: string; data: [number, number, number, string] }) => `${p.seriesName} · ${p.data[3]}: ${p.data[2]}` },
      legend: { top: 0 },
      grid: { left: 64, right: 24, top: 40, bottom: 40 },
      xAxis: { type: 'value', name: t('analytics.areas.lng'), scale: true },
      yAxis: { type: 'value', name: t('analytics.areas.lat'), scale: true },
      series: types.map((type) => ({
        type: 'scatter',
        name: names[type],
        data: rows.flatMap((r) => (r.type === type && r.centre ? [[r.centre.lng, r.centre.lat, r.count, r.area]] : [])),
        symbolSize: (value: [number, number, number]) => 8 + 32 * Math.sqrt(value[2] / max),
      })),
    };
  }, [rows, names, t]);

  const unknown = rows.filter((r) => !r.centre).reduce((sum, r) => sum + r.count, 0);
  const repeated = analytics.data?.repeatedAddressErrors ?? [];

  return (
    <section aria-labelledby="areas-title" className="stack">
      <h2 id="areas-title">{t('analytics.areas.title')}</h2>
      <label className="inline">
        {t('analytics.areas.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value as ExceptionType | 'all')}>
          <option value="all">{t('analytics.areas.allKinds')}</option>
          {EXCEPTION_TYPES.map((type) => (
            <option key={type} value={type}>
              {names[type]}
            </option>
          ))}
        </select>
      </label>
      <ApiProblem error={analytics.error} />
      {analytics.isPending && <p role="status">{t('common.loading')}</p>}
      {analytics.data && (
        <>
          <p>
            {t('analytics.areas.summary', { total: analytics.data.total })}{' '}
            {analytics.data.timeToAcknowledge.p50Seconds !== null &&
              t('analytics.areas.acknowledge', {
                p50: minutes(analytics.data.timeToAcknowledge.p50Seconds),
                p90: minutes(analytics.data.timeToAcknowledge.p90Seconds),
              })}{' '}
            {analytics.data.timeToResolve.p50Seconds !== null &&
              t('analytics.areas.resolve', { p50: minutes(analytics.data.timeToResolve.p50Seconds), p90: minutes(analytics.data.timeToResolve.p90Seconds) })}
          </p>
          {rows.length === 0 ? (
            <p>{kind === 'all' ? t('analytics.areas.noneAtAll') : t('analytics.areas.none')}</p>
          ) : (
            <>
              <Chart option={option} label={t('analytics.areas.chartLabel')} height={380} />
              {unknown > 0 && <p className="muted">{t('analytics.areas.unknown', { n: unknown })}</p>}
              <details>
                <summary>{t('analytics.numbers')}</summary>
                <table>
                  <caption>{t('analytics.areas.caption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('analytics.areas.area')}</th>
                      <th scope="col">{t('analytics.areas.centre')}</th>
                      <th scope="col">{t('analytics.areas.kind')}</th>
                      <th scope="col">{t('analytics.areas.reports')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={`${r.area}|${r.type}`}>
                        <th scope="row">{r.area}</th>
                        <td>{r.centre ? `${r.centre.lat.toFixed(3)}, ${r.centre.lng.toFixed(3)}` : t('analytics.areas.noPlace')}</td>
                        <td>{names[r.type]}</td>
                        <td>{r.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </>
          )}
          <h3>{t('analytics.areas.repeatedTitle')}</h3>
          {repeated.length === 0 ? (
            <p>{t('analytics.areas.noRepeated')}</p>
          ) : (
            <table>
              <caption>{t('analytics.areas.repeatedCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('analytics.areas.area')}</th>
                  <th scope="col">{t('analytics.areas.reports')}</th>
                  <th scope="col">{t('analytics.areas.suggested')}</th>
                </tr>
              </thead>
              <tbody>
                {repeated.map((r) => (
                  <tr key={r.area}>
                    <th scope="row">{r.area}</th>
                    <td>{r.count}</td>
                    <td>{r.suggestedAddresses.join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

const minutes = (seconds: number | null) => (seconds === null ? '–' : Math.round(seconds / 60));
