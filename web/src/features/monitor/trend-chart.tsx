import { useId } from 'react';
import type { MonitorSample } from './monitor-history';

const WIDTH = 380;
const HEIGHT = 130;
const PAD = { top: 10, right: 8, bottom: 18, left: 32 };

export interface TrendSeries {
  label: string;
  value(sample: MonitorSample): number;
  /** A CSS colour. */
  color: string;
}

/** A small SVG line chart of monitor samples over time, with a table for screen readers. */
export function TrendChart({ samples, series, title, format = formatValue }: { samples: MonitorSample[]; series: TrendSeries[]; title: string; format?(value: number): string }) {
  const titleId = useId();
  const values = samples.flatMap((sample) => series.map((line) => line.value(sample)));
  const max = Math.max(1, ...values);
  const top = niceCeiling(max);
  const first = samples[0]?.time ?? 0;
  const last = samples[samples.length - 1]?.time ?? 1;
  const span = Math.max(1, last - first);
  const x = (time: number) => PAD.left + ((time - first) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) => PAD.top + (1 - value / top) * (HEIGHT - PAD.top - PAD.bottom);
  const latest = samples[samples.length - 1];

  return (
    <figure className="flex flex-col gap-1">
      <figcaption id={titleId} className="flex flex-wrap items-center gap-x-3 text-xs text-muted-foreground">
        <span className="font-medium text-foreground">{title}</span>
        {series.map((line) => (
          <span key={line.label} className="inline-flex items-center gap-1">
            <span className="inline-block h-0.5 w-3 rounded" style={{ background: line.color }} aria-hidden />
            {line.label}
            {latest && <span className="font-medium tabular-nums text-foreground">{format(line.value(latest))}</span>}
          </span>
        ))}
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto w-full" role="img" aria-labelledby={titleId}>
        {[0, 0.5, 1].map((fraction) => (
          <g key={fraction}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(top * fraction)} y2={y(top * fraction)} className="stroke-border" strokeDasharray={fraction ? '3 3' : undefined} />
            <text x={PAD.left - 6} y={y(top * fraction) + 3} textAnchor="end" className="fill-muted-foreground text-[10px]">
              {format(top * fraction)}
            </text>
          </g>
        ))}
        {samples.length > 1 && (
          <text x={WIDTH - PAD.right} y={HEIGHT - 4} textAnchor="end" className="fill-muted-foreground text-[10px]">
            last {Math.round(span / 1000)} s
          </text>
        )}
        {series.map((line) => (
          <polyline
            key={line.label}
            fill="none"
            stroke={line.color}
            strokeWidth={2}
            strokeLinejoin="round"
            strokeLinecap="round"
            points={samples.map((sample) => `${x(sample.time).toFixed(1)},${y(line.value(sample)).toFixed(1)}`).join(' ')}
          />
        ))}
        {latest &&
          series.map((line) => <circle key={line.label} cx={x(latest.time)} cy={y(line.value(latest))} r={3} fill={line.color} />)}
      </svg>
    </figure>
  );
}

/** Whole numbers as they are, others to one decimal: gridline labels and the latest values. */
function formatValue(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** 1, 2, 5 × 10ⁿ at or above `value`: round gridline labels. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
