import { useQueries, useQuery } from '@tanstack/react-query';
import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api';
import { addDays } from '../../shop-clock';
import { ApiProblem } from '../../ui/api-problem';
import { Chart } from './chart';
import { type HourCell, hourLabel, HourOfWeekHeatmap } from './hour-of-week';

type DemandRow = Awaited<ReturnType<typeof demandPage>>['items'][number];
type Forecast = Awaited<ReturnType<typeof forecastOf>>;

const AREA_PRECISION = 5; // ≈ 4.9 × 4.9 km: a neighbourhood, as the exception areas
const TOP_AREAS = 12;
const FORECAST_DAYS = 7;

async function demandPage(query: { timeZone: string; from: string; to: string; cursor?: string }) {
  const answer = await data(api.dispatch.GET('/demand', { params: { query: { ...query, areaPrecision: AREA_PRECISION, limit: 5000 } } }));
  // The document also offers CSV under the same route; JSON is what is asked for here.
  if (typeof answer === 'string') throw new Error('demand: expected JSON');
  return answer;
}

const forecastOf = (query: { date: string; timeZone: string; years?: number }) => data(api.dispatch.GET('/demand/forecast', { params: { query } }));

/** Every page of the counts for the period (a week has at most 168 hours × the areas served). */
async function allDemand(query: { timeZone: string; from: string; to: string }) {
  const first = await demandPage(query);
  const items = [...first.items];
  for (let cursor = first.nextCursor; cursor;) {
    const next = await demandPage({ ...query, cursor });
    items.push(...next.items);
    cursor = next.nextCursor;
  }
  return { ...first, items };
}

/** Orders by hour of the week and by area over the period, as the dispatch service counts them. */
export function DemandByHourAndArea({ from, to, timeZone }: { from: string; to: string; timeZone: string }) {
  const { t } = useTranslation();
  const demand = useQuery({ queryKey: ['demand', from, to, timeZone], queryFn: () => allDemand({ from, to, timeZone }) });
  const items = useMemo(() => demand.data?.items ?? [], [demand.data]);
  const cells = useMemo<HourCell[]>(() => {
    const sums = new Map<number, number>();
    items.forEach((r) => sums.set(r.hourOfWeek, (sums.get(r.hourOfWeek) ?? 0) + r.orders));
    return [...sums.entries()].map(([hourOfWeek, value]) => ({ hourOfWeek, value }));
  }, [items]);
  const areas = useMemo(() => byArea(items).slice(0, TOP_AREAS), [items]);
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 96, right: 24, top: 8, bottom: 32 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: areas.map((a) => (a.area === 'unknown' ? t('analytics.demand.unknownArea') : a.area)) },
      series: [{ type: 'bar', name: t('analytics.demand.orders'), data: areas.map((a) => a.orders), itemStyle: { color: '#a3214f' } }],
    }),
    [areas, t],
  );

  return (
    <section aria-labelledby="demand-title" className="stack">
      <h2 id="demand-title">{t('analytics.demand.title')}</h2>
      <ApiProblem error={demand.error} />
      {demand.isPending && <p role="status">{t('common.loading')}</p>}
      {demand.data && <p>{t('analytics.demand.totals', { orders: demand.data.totals.orders, cancelled: demand.data.totals.cancelled })}</p>}
      {demand.data && items.length === 0 && <p>{t('analytics.demand.none')}</p>}
      {cells.length > 0 && (
        <>
          <h3>{t('analytics.demand.byHour')}</h3>
          <HourOfWeekHeatmap cells={cells} label={t('analytics.demand.byHourLabel')} valueName={t('analytics.demand.orders')} />
          <h3>{t('analytics.demand.byArea')}</h3>
          <Chart option={option} label={t('analytics.demand.byAreaLabel')} height={Math.max(160, areas.length * 28 + 48)} />
          <details>
            <summary>{t('analytics.numbers')}</summary>
            <table>
              <caption>{t('analytics.demand.byAreaLabel')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('analytics.areas.area')}</th>
                  <th scope="col">{t('analytics.demand.orders')}</th>
                  <th scope="col">{t('analytics.demand.cancelled')}</th>
                </tr>
              </thead>
              <tbody>
                {areas.map((a) => (
                  <tr key={a.area}>
                    <th scope="row">{a.area === 'unknown' ? t('analytics.demand.unknownArea') : a.area}</th>
                    <td>{a.orders}</td>
                    <td>{a.cancelled}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}

function byArea(items: DemandRow[]) {
  const sums = new Map<string, { area: string; orders: number; cancelled: number }>();
  for (const r of items) {
    const row = sums.get(r.area) ?? { area: r.area, orders: 0, cancelled: 0 };
    row.orders += r.orders;
    row.cancelled += r.cancelled;
    sums.set(r.area, row);
  }
  return [...sums.values()].sort((a, b) => b.orders - a.orders);
}

/** The coming days' expected orders and riders, hour by hour, as the dispatch service forecasts them. */
export function DemandForecast({ today, timeZone }: { today: string; timeZone: string }) {
  const { t } = useTranslation();
  const dates = Array.from({ length: FORECAST_DAYS }, (_, i) => addDays(today, i));
  // combine runs again only when an answer changes, so the chart is redrawn only then.
  const { loaded, error, pending } = useQueries({
    queries: dates.map((date) => ({ queryKey: ['demand-forecast', date, timeZone], queryFn: () => forecastOf({ date, timeZone }) })),
    combine: (results) => ({
      loaded: results.flatMap((f) => (f.data ? [f.data] : [])),
      error: results.find((f) => f.error)?.error,
      pending: results.some((f) => f.isPending),
    }),
  });
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => hourLabel(h)) },
      yAxis: { type: 'value', name: t('analytics.forecast.expected') },
      series: loaded.map((f) => ({
        type: 'line',
        name: f.date,
        smooth: true,
        data: Array.from({ length: 24 }, (_, h) => f.hours.find((x) => x.hour === h)?.expectedOrders ?? null),
      })),
    }),
    [loaded, t],
  );

  return (
    <section aria-labelledby="forecast-title" className="stack">
      <h2 id="forecast-title">{t('analytics.forecast.title')}</h2>
      <ApiProblem error={error} />
      {pending && <p role="status">{t('common.loading')}</p>}
      {loaded.length > 0 && (
        <>
          <ForecastSummary forecasts={loaded} />
          {loaded.some((f) => f.hours.length > 0) ? (
            <>
              <Chart option={option} label={t('analytics.forecast.chartLabel')} />
              <details>
                <summary>{t('analytics.numbers')}</summary>
                <ForecastHours forecasts={loaded} />
              </details>
            </>
          ) : (
            <p>{t('analytics.forecast.noHistory')}</p>
          )}
        </>
      )}
    </section>
  );
}

function usePeakDayNames() {
  const { t } = useTranslation();
  return { valentines_day: t('analytics.peak.valentinesDay'), mothers_day: t('analytics.peak.mothersDay') };
}

function ForecastSummary({ forecasts }: { forecasts: Forecast[] }) {
  const { t } = useTranslation();
  const peaks = usePeakDayNames();
  return (
    <table>
      <caption>{t('analytics.forecast.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('analytics.forecast.date')}</th>
          <th scope="col">{t('analytics.forecast.expected')}</th>
          <th scope="col">{t('analytics.forecast.riders')}</th>
          <th scope="col">{t('analytics.forecast.basis')}</th>
        </tr>
      </thead>
      <tbody>
        {forecasts.map((f) => (
          <tr key={f.date}>
            <th scope="row">
              {f.date}
              {f.peakDay && <span className="badge peak">{peaks[f.peakDay]}</span>}
            </th>
            <td>{Math.round(f.expectedOrders * 10) / 10}</td>
            <td>{f.maxRidersNeeded}</td>
            <td>
              {f.history.basis === 'peak_day'
                ? t('analytics.forecast.basisYears', { n: f.history.days.length })
                : t('analytics.forecast.basisWeeks', { n: f.history.days.length })}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ForecastHours({ forecasts }: { forecasts: Forecast[] }) {
  const { t } = useTranslation();
  return (
    <div className="table-scroll">
      <table>
        <caption>{t('analytics.forecast.chartLabel')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('analytics.forecast.hour')}</th>
            {forecasts.map((f) => (
              <th key={f.date} scope="col">
                {f.date}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: 24 }, (_, h) => (
            <tr key={h}>
              <th scope="row">{hourLabel(h)}</th>
              {forecasts.map((f) => {
                const hour = f.hours.find((x) => x.hour === h);
                return (
                  <td key={f.date}>
                    {hour ? t('analytics.forecast.hourCell', { orders: Math.round(hour.expectedOrders * 10) / 10, riders: hour.ridersNeeded }) : ''}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The next date (from today, included) a yearly day falls on. */
function nextOccurrence(today: string, dateIn: (year: number) => string): string {
  const year = Number(today.slice(0, 4));
  const thisYear = dateIn(year);
  return thisYear >= today ? thisYear : dateIn(year + 1);
}

/** Mother's Day as China, the United States and many others keep it: the second Sunday of May. */
const mothersDay = (year: number) => {
  const firstOfMay = new Date(Date.UTC(year, 4, 1)).getUTCDay(); // 0 = Sunday
  return `${year}-05-${String(1 + ((7 - firstOfMay) % 7) + 7).padStart(2, '0')}`;
};

/** Valentine's and Mother's Day ahead, each against the same day in earlier years, as the forecast reads them. */
export function PeakDays({ today, timeZone }: { today: string; timeZone: string }) {
  const { t } = useTranslation();
  const days = [nextOccurrence(today, (y) => `${y}-02-14`), nextOccurrence(today, mothersDay)];
  const forecasts = useQueries({
    queries: days.map((date) => ({ queryKey: ['demand-forecast', date, timeZone, 'years'], queryFn: () => forecastOf({ date, timeZone, years: 5 }) })),
  });
  return (
    <section aria-labelledby="peaks-title" className="stack">
      <h2 id="peaks-title">{t('analytics.peak.title')}</h2>
      {forecasts.map((f, i) => (
        <div key={days[i]}>
          <ApiProblem error={f.error} />
          {f.data && <PeakDay forecast={f.data} />}
        </div>
      ))}
    </section>
  );
}

function PeakDay({ forecast }: { forecast: Forecast }) {
  const { t } = useTranslation();
  const peaks = usePeakDayNames();
  const name = forecast.peakDay ? peaks[forecast.peakDay] : forecast.date;
  const earlier = useMemo(() => [...forecast.history.days].reverse(), [forecast]); // oldest first, as a reader compares years
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: [...earlier.map((d) => d.date), `${forecast.date} (${t('analytics.peak.expectedShort')})`] },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          type: 'bar',
          name: t('analytics.demand.orders'),
          data: [
            ...earlier.map((d) => d.orders),
            { value: Math.round(forecast.expectedOrders * 10) / 10, itemStyle: { color: '#8a4b00', decal: { symbol: 'rect' } } },
          ],
          itemStyle: { color: '#a3214f' },
        },
      ],
    }),
    [earlier, forecast, t],
  );
  const comparable = forecast.history.basis === 'peak_day';
  return (
    <article className="card stack" aria-labelledby={`peak-${forecast.date}`}>
      <h3 id={`peak-${forecast.date}`}>{t('analytics.peak.dayTitle', { name, date: forecast.date })}</h3>
      {!comparable && <p>{t('analytics.peak.noEarlierYears')}</p>}
      {comparable && (
        <>
          <Chart option={option} label={t('analytics.peak.chartLabel', { name })} height={240} />
          <details>
            <summary>{t('analytics.numbers')}</summary>
            <table>
              <caption>{t('analytics.peak.chartLabel', { name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('analytics.forecast.date')}</th>
                  <th scope="col">{t('analytics.demand.orders')}</th>
                </tr>
              </thead>
              <tbody>
                {earlier.map((d) => (
                  <tr key={d.date}>
                    <th scope="row">{d.date}</th>
                    <td>{d.orders}</td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">{t('analytics.peak.expectedRow', { date: forecast.date })}</th>
                  <td>{Math.round(forecast.expectedOrders * 10) / 10}</td>
                </tr>
              </tbody>
            </table>
          </details>
        </>
      )}
      <p>{t('analytics.peak.riders', { n: forecast.maxRidersNeeded })}</p>
    </article>
  );
}
