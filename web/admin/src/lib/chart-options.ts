// Chart options shared by the live pages.
import type { EChartsOption } from './echarts';
import { formatClock } from './time';
import type { SeriesBuffer } from './series';

const PALETTE = ['#0b7a5b', '#3b82c4', '#f08c2e', '#d9363e', '#6b5bd6', '#2f9e62', '#b7791f', '#c2417a', '#4b5563'];

/** A time-axis line chart with one series per key of the buffer. */
export function liveLineOption(
  buffer: SeriesBuffer,
  opts: { unit: string; label?: (key: string) => string; decimals?: number; min?: number; max?: number },
): EChartsOption {
  const keys = buffer.keys();
  return {
    color: PALETTE,
    animation: false,
    grid: { left: 52, right: 16, top: keys.length > 1 ? 36 : 20, bottom: 28 },
    legend: keys.length > 1 ? { top: 0, type: 'scroll' } : undefined,
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(opts.decimals ?? 2)} ${opts.unit}` : String(v)),
    },
    xAxis: { type: 'time', axisLabel: { formatter: (v: number) => formatClock(v) } },
    yAxis: { type: 'value', min: opts.min, max: opts.max, scale: opts.min === undefined },
    series: keys.map((k) => ({
      name: opts.label ? opts.label(k) : k,
      type: 'line',
      showSymbol: false,
      step: false,
      data: buffer.points(k),
    })),
  };
}
