import { Activity, Pause, Play, Power } from 'lucide-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useErrorToast, useToast } from '@/components/ui/toaster';
import { api, ApiError, type MonitorSnapshot } from '@/lib/api';
import type { MonitoredBudget } from '@/lib/api-types';
import { formatNumber, formatRelativeTime } from '@/lib/format';
import { appendSample, sampleOf, type MonitorSample } from './monitor-history';
import { TrendChart } from './trend-chart';

export const MONITOR_POLL_MS = 3000;
const HISTORY = 100;

/** Admin: who has a session now, their requests, latency and LLM tokens, polled every few seconds. */
export function MonitorPage({ pollMs = MONITOR_POLL_MS }: { pollMs?: number }) {
  const [snapshot, setSnapshot] = useState<MonitorSnapshot>();
  const [history, setHistory] = useState<MonitorSample[]>([]);
  const [error, setError] = useState<unknown>();
  const [paused, setPaused] = useState(false);
  const [tick, setTick] = useState(0);
  const inFlight = useRef(false);
  const toast = useToast();
  const errorToast = useErrorToast();

  useEffect(() => {
    if (paused) return;
    const controller = new AbortController();
    const poll = async () => {
      if (inFlight.current) return;
      inFlight.current = true;
      try {
        const next = await api.monitorUsers(controller.signal);
        setSnapshot(next);
        setHistory((previous) => appendSample(previous, sampleOf(next, Date.now()), HISTORY));
        setError(undefined);
      } catch (failure) {
        if (!controller.signal.aborted) setError(failure);
      } finally {
        inFlight.current = false;
      }
    };
    void poll();
    const timer = setInterval(poll, pollMs);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [paused, pollMs, tick]);

  const endSession = async (userId: string) => {
    if (!window.confirm(`End ${userId}'s session now? Their per-user state is cleaned up.`)) return;
    try {
      await api.endSession(userId);
      toast({ title: `Ended ${userId}'s session` });
      setTick((value) => value + 1);
    } catch (failure) {
      errorToast('Could not end the session', failure);
    }
  };

  const disabled = error instanceof ApiError && error.status === 404;
  const latest = history[history.length - 1];
  const users = [...(snapshot?.users ?? [])].sort((a, b) => b.session.last_activity.localeCompare(a.session.last_activity));

  return (
    <div className="mx-auto flex w-full max-w-7xl flex-col gap-4 p-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="flex items-center gap-2 text-lg font-semibold">
          <Activity className="size-5 text-primary" aria-hidden /> Monitor
        </h1>
        <span className="text-sm text-muted-foreground" aria-live="polite">
          {paused ? 'Paused' : `Live · every ${pollMs / 1000} s`}
          {snapshot && ` · updated ${new Date(snapshot.timestamp).toLocaleTimeString()}`}
        </span>
        <Button variant="outline" size="sm" className="ml-auto" onClick={() => setPaused(!paused)} aria-pressed={paused}>
          {paused ? <Play aria-hidden /> : <Pause aria-hidden />} {paused ? 'Resume' : 'Pause'}
        </Button>
      </div>

      {disabled ? (
        <Alert variant="warning">
          <Activity aria-hidden />
          <div>
            <AlertTitle>Monitoring is off on this server</AlertTitle>
            <AlertDescription>
              Set <code>general.enable_per_user_monitoring: true</code> in its config to see users here.
            </AlertDescription>
          </div>
        </Alert>
      ) : (
        error !== undefined && <ErrorNotice error={error} title="Could not read the monitor" />
      )}

      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4" aria-label="Totals">
        <Stat label="Active users">{snapshot ? formatNumber(snapshot.total_active_users) : '—'}</Stat>
        <Stat label="Requests">{latest ? formatNumber(latest.totalRequests) : '—'}</Stat>
        <Stat label="Avg latency">{latest ? `${latest.avgLatencyMs.toFixed(1)} ms` : '—'}</Stat>
        <Stat label="LLM tokens">{latest ? formatNumber(latest.totalTokens) : '—'}</Stat>
      </dl>

      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        <Card className="p-4">
          <TrendChart
            title="Users and requests in flight"
            samples={history}
            series={[
              { label: 'Active users', value: (sample) => sample.activeUsers, color: 'oklch(var(--primary))' },
              { label: 'Requests running', value: (sample) => sample.activeRequests, color: 'oklch(var(--warning))' },
            ]}
          />
        </Card>
        <Card className="p-4">
          <TrendChart
            title="Average latency"
            samples={history}
            series={[{ label: 'ms', value: (sample) => sample.avgLatencyMs, color: 'oklch(var(--info))' }]}
          />
        </Card>
        <Card className="p-4">
          <TrendChart
            title="LLM tokens"
            samples={history}
            series={[{ label: 'Total', value: (sample) => sample.totalTokens, color: 'oklch(var(--success))' }]}
          />
        </Card>
      </div>

      <Card aria-labelledby="sessions-title">
        <CardHeader>
          <CardTitle id="sessions-title">Sessions ({users.length})</CardTitle>
        </CardHeader>
        <Table aria-labelledby="sessions-title">
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead>User</TableHead>
              <TableHead>Session</TableHead>
              <TableHead>Last activity</TableHead>
              <TableHead className="text-right">Requests</TableHead>
              <TableHead className="text-right">Errors</TableHead>
              <TableHead className="text-right">Avg latency</TableHead>
              <TableHead className="text-right">Tokens (prompt / completion)</TableHead>
              <TableHead className="text-right">LLM calls</TableHead>
              <TableHead className="text-right">Spend</TableHead>
              <TableHead>Budget left</TableHead>
              <TableHead>
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {users.map((user) => (
              <TableRow key={user.user_id}>
                <TableCell className="font-mono text-xs font-medium">{user.user_id}</TableCell>
                <TableCell>
                  {user.requests.active_requests > 0 ? (
                    <Badge variant="info">{user.requests.active_requests} running</Badge>
                  ) : (
                    <Badge variant="muted">idle</Badge>
                  )}
                  <div className="mt-0.5 text-xs text-muted-foreground">since {formatRelativeTime(user.session.created_at)}</div>
                </TableCell>
                <TableCell className="text-xs text-muted-foreground">{formatRelativeTime(user.session.last_activity)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatNumber(user.requests.total_requests)}</TableCell>
                <TableCell className="text-right tabular-nums">
                  {user.requests.error_count ? <span className="text-destructive">{user.requests.error_count}</span> : 0}
                </TableCell>
                <TableCell className="text-right tabular-nums">{user.requests.avg_latency_ms.toFixed(1)} ms</TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatNumber(user.llm?.total_tokens ?? 0)}
                  <span className="text-xs text-muted-foreground">
                    {' '}
                    ({formatNumber(user.llm?.prompt_tokens ?? 0)} / {formatNumber(user.llm?.completion_tokens ?? 0)})
                  </span>
                </TableCell>
                <TableCell className="text-right tabular-nums">{formatNumber(user.llm?.llm_calls ?? 0)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatSpend(user.llm?.cost_micros)}</TableCell>
                <TableCell>
                  <BudgetLeftList budget={user.budget} />
                </TableCell>
                <TableCell className="text-right">
                  <Button variant="ghost" size="icon-sm" aria-label={`End ${user.user_id}'s session`} title="End session" onClick={() => endSession(user.user_id)}>
                    <Power aria-hidden />
                  </Button>
                </TableCell>
              </TableRow>
            ))}
            {snapshot && users.length === 0 && (
              <TableRow className="hover:bg-transparent">
                <TableCell colSpan={11} className="py-8 text-center text-muted-foreground">
                  No active sessions. Users appear here once they make a request or a run executes for them.
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </Card>
    </div>
  );
}

const LIMIT_LABELS: Record<string, string> = {
  tokens_per_day: 'tokens today',
  tokens_per_month: 'tokens this month',
  cost_per_day: 'cost today',
  cost_per_month: 'cost this month',
};

/** What is left of each of a user's budgets (`tokens today 9,910 of 10,000`), and their runs in flight against `concurrent_runs`. */
function BudgetLeftList({ budget }: { budget: MonitoredBudget | undefined }) {
  if (!budget) return <span className="text-muted-foreground">no limits</span>;
  if (budget.error) return <span className="text-xs text-destructive">unavailable: {budget.error}</span>;
  // A cost to the micro-unit, trailing zeros dropped: what is left of a budget is rarely whole cents.
  const amount = (value: number, unit: string) => (unit === 'tokens' ? formatNumber(value) : String(Number((value / 1_000_000).toFixed(6))));
  return (
    <ul className="space-y-0.5 text-xs tabular-nums">
      {budget.remaining.map((entry) => (
        <li key={entry.limit} className={entry.remaining === 0 ? 'font-medium text-destructive' : undefined} title={`${entry.period}, resets ${new Date(entry.resets_at).toLocaleString()}`}>
          {LIMIT_LABELS[entry.limit] ?? entry.limit}: {amount(entry.remaining, entry.unit)} of {amount(entry.allowed, entry.unit)}
        </li>
      ))}
      {budget.concurrent_runs !== undefined && (
        <li className={budget.runs_in_flight >= budget.concurrent_runs ? 'font-medium text-destructive' : undefined}>
          runs: {budget.runs_in_flight} of {budget.concurrent_runs} in flight
        </li>
      )}
    </ul>
  );
}

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="rounded-xl border bg-card px-4 py-3">
      <dt className="text-xs font-medium text-muted-foreground">{label}</dt>
      <dd className="text-2xl font-semibold tabular-nums">{children}</dd>
    </div>
  );
}

/** A user's spend by currency (integer micro-units from the server), e.g. `USD 0.000072`; a dash without a price. */
export function formatSpend(costMicros: Record<string, number> | undefined): string {
  const entries = Object.entries(costMicros ?? {});
  if (entries.length === 0) return '–';
  return entries.map(([currency, micros]) => `${currency} ${formatMicros(micros)}`).join(', ');
}

/** An amount in micro-units: six decimals when small, two otherwise. */
function formatMicros(micros: number): string {
  return (micros / 1_000_000).toFixed(micros > 0 && micros < 10_000 ? 6 : 2);
}
