import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { useEffect, useRef } from 'react';

/**
 * A chart drawn by ECharts, loaded on first use. The canvas says nothing to a screen reader:
 * every chart sits beside a table of its numbers (see `NumbersTable`).
 */
export function Chart({ option, label, height = 320 }: { option: EChartsCoreOption; label: string; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | undefined>(undefined);
  const latest = useRef(option);
  latest.current = option;

  useEffect(() => {
    let disposed = false;
    let resize: ResizeObserver | undefined;
    void import('./echarts-setup').then(({ echarts }) => {
      if (disposed || !host.current) return;
      const instance = echarts.init(host.current);
      instance.setOption(latest.current);
      chart.current = instance;
      resize = new ResizeObserver(() => instance.resize());
      resize.observe(host.current);
    });
    return () => {
      disposed = true;
      resize?.disconnect();
      chart.current?.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={host} className="chart" role="img" aria-label={label} style={{ height }} />;
}
