import { Columns3, Copy, Download, FileSpreadsheet, PanelTop, Search } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Spinner } from '@/components/ui/spinner';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { ToggleGroup, ToggleGroupItem } from '@/components/ui/toggle-group';
import { useErrorToast, useToast } from '@/components/ui/toaster';
import { api, type Analytics, type Run, type RunResults, type UserResult } from '@/lib/api';
import { copyText, saveFile } from '@/lib/files';
import { formatNumber, possessive, searchableText } from '@/lib/format';
import { useResource } from '@/lib/use-resource';
import { ExecutionStatusIcon, RunStatusBadge } from '../runs/run-status';
import { AnalyticsStrip } from './analytics-strip';
import { CompareView } from './compare-view';
import { finalResultText, userResultFile, usersWithResult } from './result-files';
import { UserResultView } from './user-result-view';
import { UserName } from '@/components/user-name';

type StatusFilter = 'all' | 'succeeded' | 'failed';

interface LoadedRun {
  run: Run;
  results: RunResults;
  analytics?: Analytics;
}

export interface ResultsDialogProps {
  /** The run whose results are shown; undefined closes the dialog. */
  runId?: string;
  onClose(): void;
  /** Bump to load again (the run got further). */
  refreshKey?: number;
}

/**
 * The results of a run. One user: all nodes, the final result highlighted, "Copy Result". Several:
 * a tab per user (name and tokens), side-by-side comparison, search, CSV export, per-user files,
 * "Copy {User}'s Result" and "Copy All Results (N)" (the export's JSON array, as the server sends it).
 */
export function ResultsDialog({ runId, onClose, refreshKey = 0 }: ResultsDialogProps) {
  return (
    <Dialog open={runId !== undefined} onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="h-[min(56rem,calc(100dvh-2rem))] max-w-6xl gap-3" aria-describedby="results-description">
        {runId !== undefined && <RunResultsContent key={runId} runId={runId} refreshKey={refreshKey} />}
      </DialogContent>
    </Dialog>
  );
}

function RunResultsContent({ runId, refreshKey }: { runId: string; refreshKey: number }) {
  const loaded = useResource<LoadedRun>(
    async (signal) => {
      const [run, results, analytics] = await Promise.all([
        api.getRun(runId, { limit: 0 }, signal), // the summary: the results hold the users
        api.runResults(runId, signal),
        api.runAnalytics(runId, signal).catch(() => undefined), // the strip falls back to the results
      ]);
      return { run, results, analytics };
    },
    [runId, refreshKey],
  );

  if (!loaded.data) {
    return (
      <>
        <DialogHeader>
          <DialogTitle>Workflow Execution Results</DialogTitle>
          <DialogDescription id="results-description">Run {runId}</DialogDescription>
        </DialogHeader>
        {loaded.error !== undefined ? (
          <ErrorNotice error={loaded.error} title="Could not load the results" onRetry={loaded.reload} />
        ) : (
          <p className="flex items-center gap-2 text-sm text-muted-foreground">
            <Spinner label="Loading results" /> Loading results…
          </p>
        )}
      </>
    );
  }
  return <LoadedResults data={loaded.data} />;
}

function LoadedResults({ data }: { data: LoadedRun }) {
  const { run, results, analytics } = data;
  const users = results.users;
  const single = users.length === 1;
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [view, setView] = useState<'tabs' | 'compare'>('tabs');
  const [activeId, setActiveId] = useState(users[0]?.userId);
  const [compared, setCompared] = useState(() => users.slice(0, Math.min(users.length, 2)).map((user) => user.userId));
  const toast = useToast();
  const errorToast = useErrorToast();

  const filtered = useMemo(() => filterUsers(users, query, status), [users, query, status]);
  const active = filtered.find((user) => user.userId === activeId) ?? filtered[0];
  const withResult = usersWithResult(users);
  const failedCount = users.filter((user) => user.status === 'failed').length;

  useEffect(() => {
    if (active && active.userId !== activeId) setActiveId(active.userId);
  }, [active, activeId]);

  const copyUser = async (user: UserResult) => {
    try {
      await copyText(finalResultText(user));
      toast({ title: `Copied ${possessive(user.userName)} result` });
    } catch (error) {
      errorToast('Could not copy', error);
    }
  };

  const copyAll = async () => {
    try {
      await copyText(await api.exportRunJson(run.id));
      toast({ title: `Copied all ${withResult.length} results`, description: 'A JSON array of {user, result}.' });
    } catch (error) {
      errorToast('Could not copy the results', error);
    }
  };

  const exportCsv = async () => {
    try {
      const file = await api.exportRunCsv(run.id);
      saveFile(file.blob, file.filename);
    } catch (error) {
      errorToast('Could not export the CSV', error);
    }
  };

  const downloadUser = (user: UserResult) => {
    const file = userResultFile(user, run.id);
    saveFile(file.blob, file.filename);
  };

  return (
    <>
      <DialogHeader>
        <DialogTitle>Workflow Execution Results</DialogTitle>
        <DialogDescription id="results-description" className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span>
            {single ? `Result for ${users[0].userName}` : `Results for ${users.length} users`} · {run.workflowName}
          </span>
          <RunStatusBadge status={run.status} />
          <span className="font-mono text-xs">run {run.id}</span>
        </DialogDescription>
      </DialogHeader>

      <AnalyticsStrip analytics={analytics} results={results} />

      {!single && (
        <div className="flex flex-wrap items-center gap-2">
          <div className="relative min-w-48 flex-1 sm:max-w-72">
            <Search className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
            <Input
              type="search"
              aria-label="Search within results"
              placeholder="Search users and results…"
              className="pl-8"
              value={query}
              onChange={(event) => setQuery(event.target.value)}
            />
          </div>
          <ToggleGroup type="single" value={status} onValueChange={(value) => value && setStatus(value as StatusFilter)} aria-label="Show users">
            <ToggleGroupItem value="all">All</ToggleGroupItem>
            <ToggleGroupItem value="succeeded">Succeeded</ToggleGroupItem>
            <ToggleGroupItem value="failed" disabled={failedCount === 0}>
              Failed{failedCount > 0 && ` (${failedCount})`}
            </ToggleGroupItem>
          </ToggleGroup>
          <ToggleGroup type="single" value={view} onValueChange={(value) => value && setView(value as 'tabs' | 'compare')} aria-label="View" className="ml-auto">
            <ToggleGroupItem value="tabs">
              <PanelTop aria-hidden /> Tabs
            </ToggleGroupItem>
            <ToggleGroupItem value="compare">
              <Columns3 aria-hidden /> Compare
            </ToggleGroupItem>
          </ToggleGroup>
        </div>
      )}

      <div className="-mx-1 min-h-0 flex-1 overflow-y-auto px-1">
        {single ? (
          <UserResultView user={users[0]} />
        ) : filtered.length === 0 ? (
          <p className="py-8 text-center text-sm text-muted-foreground">No user’s results match.</p>
        ) : view === 'compare' ? (
          <CompareView users={filtered} compared={compared} onComparedChange={setCompared} query={query} onCopy={copyUser} onDownload={downloadUser} />
        ) : (
          <Tabs value={active?.userId} onValueChange={setActiveId} className="flex flex-col gap-3">
            <TabsList aria-label="Users" className="max-w-full justify-start overflow-x-auto">
              {filtered.map((user) => (
                <TabsTrigger key={user.userId} value={user.userId} aria-label={`${user.userName} (${formatNumber(user.tokens)} tokens)`}>
                  <ExecutionStatusIcon status={user.status} className={user.status === 'failed' ? 'text-destructive' : undefined} />
                  <UserName name={user.userName} />
                  <Badge variant="muted" className="px-1.5 tabular-nums">
                    {formatNumber(user.tokens)} tokens
                  </Badge>
                </TabsTrigger>
              ))}
            </TabsList>
            {filtered.map((user) => (
              <TabsContent key={user.userId} value={user.userId}>
                <UserResultView user={user} query={query} />
              </TabsContent>
            ))}
          </Tabs>
        )}
      </div>

      <DialogFooter className="border-t pt-3 sm:justify-between">
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" size="sm" onClick={exportCsv}>
            <FileSpreadsheet aria-hidden /> Export CSV
          </Button>
          {/* In Compare, each column has its own buttons: the footer names no user there. */}
          {!single && view === 'tabs' && active && 'final' in active && (
            <Button variant="outline" size="sm" onClick={() => downloadUser(active)}>
              <Download aria-hidden /> Download {possessive(active.userName)} result
            </Button>
          )}
          {single && 'final' in users[0] && (
            <Button variant="outline" size="sm" onClick={() => downloadUser(users[0])}>
              <Download aria-hidden /> Download result
            </Button>
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          {single ? (
            <Button size="sm" onClick={() => copyUser(users[0])} disabled={!('final' in users[0])}>
              <Copy aria-hidden /> Copy Result
            </Button>
          ) : (
            <>
              <Button variant="secondary" size="sm" onClick={copyAll} disabled={withResult.length === 0}>
                <Copy aria-hidden /> Copy All Results ({withResult.length})
              </Button>
              {view === 'tabs' && active && (
                <Button size="sm" onClick={() => copyUser(active)} disabled={!('final' in active)}>
                  <Copy aria-hidden /> Copy {possessive(active.userName)} Result
                </Button>
              )}
            </>
          )}
          <DialogClose asChild>
            <Button variant="ghost" size="sm">
              Close
            </Button>
          </DialogClose>
        </div>
      </DialogFooter>
    </>
  );
}

function filterUsers(users: UserResult[], query: string, status: StatusFilter): UserResult[] {
  const needle = query.trim().toLowerCase();
  return users.filter((user) => {
    if (status === 'succeeded' && user.status !== 'succeeded') return false;
    if (status === 'failed' && user.status !== 'failed') return false;
    if (!needle) return true;
    const haystack = [user.userName, user.userId, user.error ?? '', ...user.nodes.map((node) => searchableText(node.content)), searchableText(user.final)];
    return haystack.some((text) => text.toLowerCase().includes(needle));
  });
}
