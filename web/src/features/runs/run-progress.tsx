import { Ban, Eye, RotateCcw, Unplug } from 'lucide-react';
import { useState } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { Button } from '@/components/ui/button';
import { Card, CardHeader, CardTitle } from '@/components/ui/card';
import { Progress } from '@/components/ui/progress';
import { Spinner } from '@/components/ui/spinner';
import { useErrorToast, useToast } from '@/components/ui/toaster';
import { api, type Execution, type Run } from '@/lib/api';
import { cn } from '@/lib/cn';
import { formatDuration, formatNumber, formatTokens } from '@/lib/format';
import { EXECUTION_STATUS, ExecutionStatusIcon, isFinished, RunStatusBadge } from './run-status';
import { useRunEvents } from './use-run-events';

export interface RunProgressProps {
  runId: string;
  onOpenResults(runId: string): void;
  /** The run ended (after its last execution finished, cancelled or failed). */
  onEnded?(run: Run): void;
  /** The run changed state on the server (cancelled, retried): the history wants a reload. */
  onChanged?(): void;
}

/** A run as it happens, over SSE: a progress bar, a status chip per user, cancel and retry. */
export function RunProgress({ runId, onOpenResults, onEnded, onChanged }: RunProgressProps) {
  const { run, live, error, follow } = useRunEvents(runId, (ended) => {
    onEnded?.(ended);
    onChanged?.();
  });
  const [busy, setBusy] = useState<'cancel' | 'retry'>();
  const toast = useToast();
  const errorToast = useErrorToast();

  const cancel = async () => {
    setBusy('cancel');
    try {
      await api.cancelRun(runId);
      toast({ title: 'Run cancelled', description: 'Executions that had not finished were stopped.' });
      onChanged?.();
    } catch (failure) {
      errorToast('Could not cancel the run', failure);
    } finally {
      setBusy(undefined);
    }
  };

  const retry = async () => {
    setBusy('retry');
    try {
      await api.retryFailed(runId);
      follow();
      onChanged?.();
    } catch (failure) {
      errorToast('Could not retry the failed executions', failure);
    } finally {
      setBusy(undefined);
    }
  };

  if (!run) {
    return (
      <Card className="p-4">
        {error !== undefined ? (
          <ErrorNotice error={error} title="Could not follow the run" onRetry={follow} />
        ) : (
          <p className="flex items-center gap-2 text-sm text-muted-foreground">
            <Spinner label="Starting the run" /> Starting…
          </p>
        )}
      </Card>
    );
  }

  const { progress } = run;
  const done = progress.succeeded + progress.failed + progress.cancelled;
  const percent = progress.total ? Math.round((done / progress.total) * 100) : 0;
  const finished = isFinished(run.status);
  const retryable = progress.failed + progress.cancelled;

  return (
    <Card aria-labelledby="run-progress-title" className="flex flex-col">
      <CardHeader>
        <div className="flex items-center justify-between gap-2">
          <CardTitle id="run-progress-title" className="truncate">
            {run.workflowName}
          </CardTitle>
          <RunStatusBadge status={run.status} />
        </div>
        <p className="font-mono text-[0.7rem] text-muted-foreground">run {run.id}</p>
      </CardHeader>
      <div className="flex flex-col gap-3 p-4">
        <div className="flex flex-col gap-1.5">
          <Progress
            value={percent}
            aria-label="Run progress"
            aria-valuetext={`${done} of ${progress.total} done`}
            indicatorClassName={cn(progress.failed > 0 && finished ? 'bg-warning' : finished ? 'bg-success' : 'bg-primary')}
          />
          <div className="flex flex-wrap items-center justify-between gap-x-3 text-xs text-muted-foreground" aria-live="polite">
            <span>
              <span className="font-medium text-foreground tabular-nums">
                {done} of {progress.total}
              </span>{' '}
              done
              {progress.running > 0 && ` · ${progress.running} running`}
              {progress.failed > 0 && <span className="text-destructive"> · {progress.failed} failed</span>}
              {progress.cancelled > 0 && ` · ${progress.cancelled} cancelled`}
            </span>
            <span className="tabular-nums" title="Tokens of the final attempts; billed: of every attempt, retries included">
              {formatTokens(run.tokens)}
              {run.billedTokens !== run.tokens && ` · ${formatNumber(run.billedTokens)} billed`}
            </span>
          </div>
          {!live && !finished && error === undefined && (
            <p className="flex items-center gap-1.5 text-xs text-warning-strong">
              <Unplug className="size-3.5" aria-hidden /> Reconnecting to the live updates…
            </p>
          )}
          {error !== undefined && <ErrorNotice error={error} title="Live updates stopped" onRetry={follow} />}
        </div>

        <ul className="flex max-h-52 flex-wrap gap-1.5 overflow-y-auto" aria-label="Status per user">
          {run.executions.map((execution) => (
            <ExecutionChip key={execution.id} execution={execution} />
          ))}
          {run.page.total > run.executions.length && (
            <li className="px-2 py-0.5 text-xs text-muted-foreground">and {formatNumber(run.page.total - run.executions.length)} more</li>
          )}
        </ul>

        <div className="flex flex-wrap gap-2">
          {!finished && (
            <Button variant="outline" size="sm" onClick={cancel} disabled={busy !== undefined}>
              <Ban aria-hidden /> {busy === 'cancel' ? 'Cancelling…' : 'Cancel run'}
            </Button>
          )}
          {finished && retryable > 0 && (
            <Button variant="outline" size="sm" onClick={retry} disabled={busy !== undefined}>
              <RotateCcw aria-hidden /> {busy === 'retry' ? 'Retrying…' : `Retry failed (${retryable})`}
            </Button>
          )}
          <Button size="sm" className="ml-auto" onClick={() => onOpenResults(run.id)} disabled={done === 0}>
            <Eye aria-hidden /> View results
          </Button>
        </div>
      </div>
    </Card>
  );
}

function ExecutionChip({ execution }: { execution: Execution }) {
  const look = EXECUTION_STATUS[execution.status] ?? EXECUTION_STATUS.pending;
  const details = [
    look.label,
    execution.attempts > 1 ? `${execution.attempts} attempts` : undefined,
    execution.durationMs !== undefined ? formatDuration(execution.durationMs) : undefined,
    execution.tokens ? formatTokens(execution.tokens) : undefined,
    execution.error,
  ].filter(Boolean);
  return (
    <li
      data-status={execution.status}
      title={details.join(' · ')}
      className={cn(
        'inline-flex max-w-full items-center gap-1.5 rounded-full border px-2 py-0.5 text-xs',
        execution.status === 'succeeded' && 'border-success/40 bg-success/10 text-success-strong',
        execution.status === 'failed' && 'border-destructive/40 bg-destructive/8 text-destructive',
        execution.status === 'running' && 'border-info/40 bg-info/8 text-info-strong',
        (execution.status === 'pending' || execution.status === 'cancelled') && 'bg-muted text-muted-foreground',
      )}
    >
      <ExecutionStatusIcon status={execution.status} />
      <span className="truncate font-medium">{execution.userName}</span>
      <span className="sr-only">: {details.join(', ')}</span>
      {execution.attempts > 1 && execution.status !== 'succeeded' && (
        <span className="tabular-nums opacity-75" aria-hidden>
          ×{execution.attempts}
        </span>
      )}
    </li>
  );
}
