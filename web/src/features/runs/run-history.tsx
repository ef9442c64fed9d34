import { History, RefreshCw } from 'lucide-react';
import { useEffect, useState } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { Button } from '@/components/ui/button';
import { Card, CardHeader, CardTitle } from '@/components/ui/card';
import { api } from '@/lib/api';
import { cn } from '@/lib/cn';
import { formatRelativeTime } from '@/lib/format';
import { useResource } from '@/lib/use-resource';
import { RunStatusBadge } from './run-status';

const PAGE = 10;
/** Runs started elsewhere (the CLI, another browser) show up within this. */
const REFRESH_MS = 15_000;

/** Earlier runs, newest first; opening one shows its results again. */
export function RunHistory({ refreshKey, activeRunId, onOpen }: { refreshKey: number; activeRunId?: string; onOpen(runId: string): void }) {
  const [limit, setLimit] = useState(PAGE);
  const runs = useResource((signal) => api.listRuns(0, limit, signal), [refreshKey, limit]);
  const items = runs.data?.items ?? [];
  const { reload } = runs;
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <Card aria-labelledby="history-title" className="flex flex-col">
      <CardHeader className="flex-row items-center justify-between">
        <CardTitle id="history-title" className="flex items-center gap-2">
          <History className="size-4 text-muted-foreground" aria-hidden /> Run history
        </CardTitle>
        <Button variant="ghost" size="icon-sm" aria-label="Reload the run history" onClick={runs.reload}>
          <RefreshCw className={cn(runs.loading && 'animate-spin')} aria-hidden />
        </Button>
      </CardHeader>
      <div className="p-2">
        {runs.error !== undefined && !runs.data && <ErrorNotice error={runs.error} title="Could not load the run history" onRetry={runs.reload} />}
        {runs.data && items.length === 0 && <p className="p-2 text-sm text-muted-foreground">No runs yet.</p>}
        <ul className="flex flex-col gap-0.5" aria-label="Earlier runs">
          {items.map((run) => {
            const done = run.progress.succeeded + run.progress.failed + run.progress.cancelled;
            return (
              <li key={run.id}>
                <button
                  type="button"
                  onClick={() => onOpen(run.id)}
                  aria-label={`Open the results of ${run.workflowName}, ${formatRelativeTime(run.createdAt)}`}
                  aria-current={run.id === activeRunId ? 'true' : undefined}
                  className={cn(
                    'flex w-full flex-col gap-1 rounded-lg px-2.5 py-2 text-left text-sm transition-colors hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring',
                    run.id === activeRunId && 'bg-muted',
                  )}
                >
                  <span className="flex items-center justify-between gap-2">
                    <span className="truncate font-medium">{run.workflowName}</span>
                    <RunStatusBadge status={run.status} />
                  </span>
                  <span className="flex items-center justify-between gap-2 text-xs text-muted-foreground">
                    <span>
                      {run.progress.total} {run.progress.total === 1 ? 'user' : 'users'} · {run.progress.succeeded} ok
                      {run.progress.failed > 0 && <span className="text-destructive"> · {run.progress.failed} failed</span>}
                      {done < run.progress.total && ` · ${run.progress.total - done} to go`}
                    </span>
                    <time dateTime={run.createdAt}>{formatRelativeTime(run.createdAt)}</time>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
        {runs.data && runs.data.total > items.length && (
          <Button variant="ghost" size="sm" className="mt-1 w-full" onClick={() => setLimit(limit + PAGE)}>
            Show older runs
          </Button>
        )}
      </div>
    </Card>
  );
}
