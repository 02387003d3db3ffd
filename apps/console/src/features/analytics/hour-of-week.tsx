import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart } from './chart';

const HOURS = Array.from({ length: 24 }, (_, h) => h);
/** An hour of the day as the charts and tables label it, 09:00. */
export const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** Monday first, as hourOfWeek counts (0 = Monday 00:00), in the reader's language. */
export function useWeekdayNames(): string[] {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const name = new Intl.DateTimeFormat(i18n.language, { weekday: 'short', timeZone: 'UTC' });
    // 1 January 2024 was a Monday.
    return Array.from({ length: 7 }, (_, d) => name.format(new Date(Date.UTC(2024, 0, 1 + d))));
  }, [i18n.language]);
}

export interface HourCell {
  hourOfWeek: number;
  value: number;
  /** What the table shows for the cell, when more than the value. */
  text?: string;
}

/**
 * A 7 × 24 heat map of the week, hours on the shop's clock, with the same numbers as a table
 * for those who cannot see the canvas. Hours without a cell are empty, never zero-filled guesses.
 */
export function HourOfWeekHeatmap({
  cells,
  label,
  valueName,
  tooltip,
}: {
  cells: HourCell[];
  label: string;
  valueName: string;
  tooltip?: (cell: HourCell) => string;
}) {
  const { t } = useTranslation();
  const days = useWeekdayNames();
  const byHour = useMemo(() => new Map(cells.map((c) => [c.hourOfWeek, c])), [cells]);
  const option = useMemo<EChartsCoreOption>(() => {
    const max = Math.max(1, ...cells.map((c) => c.value));
    return {
      tooltip: {
        formatter: (p: { data: [number, number, number] }) => {
          const cell = byHour.get(p.data[1] * 24 + p.data[0]);
          return `${days[p.data[1]]} ${hourLabel(p.data[0])}: ${cell && tooltip ? tooltip(cell) : `${valueName} ${p.data[2]}`}`;
        },
      },
      grid: { left: 56, right: 16, top: 8, bottom: 72 },
      xAxis: { type: 'category', data: HOURS.map(hourLabel), splitArea: { show: true } },
      yAxis: { type: 'category', data: days, inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#fdf1f4', '#a3214f'] } },
      series: [
        { type: 'heatmap', name: valueName, data: cells.map((c) => [c.hourOfWeek % 24, Math.floor(c.hourOfWeek / 24), c.value]), label: { show: false } },
      ],
    };
  }, [cells, byHour, days, valueName, tooltip]);

  return (
    <>
      <Chart option={option} label={label} height={300} />
      <details>
        <summary>{t('analytics.numbers')}</summary>
        <div className="table-scroll">
          <table className="hour-table">
            <caption>{label}</caption>
            <thead>
              <tr>
                <th scope="col">{t('analytics.day')}</th>
                {HOURS.map((h) => (
                  <th key={h} scope="col">
                    {hourLabel(h)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((day, d) => (
                <tr key={day}>
                  <th scope="row">{day}</th>
                  {HOURS.map((h) => {
                    const cell = byHour.get(d * 24 + h);
                    return <td key={h}>{cell ? (cell.text ?? cell.value) : ''}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
