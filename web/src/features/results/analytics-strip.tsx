import type { ReactNode } from 'react';
import type { Analytics, RunResults } from '@/lib/api';
import { cn } from '@/lib/cn';
import { formatDuration, formatNumber, formatPercent } from '@/lib/format';

/** The run at a glance: success rate, tokens and durations (from `/api/runs/{id}/analytics`). */
export function AnalyticsStrip({ analytics, results }: { analytics?: Analytics; results: RunResults }) {
  const succeeded = results.users.filter((user) => user.status === 'succeeded').length;
  const failed = results.users.filter((user) => user.status === 'failed').length;
  const rate = analytics?.successRate ?? (results.users.length ? succeeded / results.users.length : 0);
  return (
    <dl aria-label="Run analytics" className="grid grid-cols-2 gap-2 sm:grid-cols-4">
      <Metric label="Success rate" tone={rate === 1 ? 'good' : rate < 0.5 ? 'bad' : 'warn'}>
        {formatPercent(rate)}
        <Detail>
          {succeeded} ok{failed ? ` · ${failed} failed` : ''}
        </Detail>
      </Metric>
      <Metric label="Average tokens">
        {analytics ? formatNumber(analytics.averageTokens) : '—'}
        <Detail>{analytics ? `${formatNumber(analytics.totalTokens)} in all` : ''}</Detail>
      </Metric>
      <Metric label="Duration p50">{analytics ? formatDuration(analytics.duration.p50) : '—'}</Metric>
      <Metric label="Duration p95">{analytics ? formatDuration(analytics.duration.p95) : '—'}</Metric>
    </dl>
  );
}

function Metric({ label, children, tone }: { label: string; children: ReactNode; tone?: 'good' | 'warn' | 'bad' }) {
  return (
    <div className="rounded-lg border bg-muted/40 px-3 py-2">
      <dt className="text-[0.7rem] font-medium uppercase tracking-wide text-muted-foreground">{label}</dt>
      <dd
        className={cn(
          'flex flex-wrap items-baseline gap-x-2 text-lg font-semibold tabular-nums',
          tone === 'good' && 'text-success-strong',
          tone === 'warn' && 'text-warning-strong',
          tone === 'bad' && 'text-destructive',
        )}
      >
        {children}
      </dd>
    </div>
  );
}

function Detail({ children }: { children: ReactNode }) {
  return <span className="text-xs font-normal text-muted-foreground">{children}</span>;
}
