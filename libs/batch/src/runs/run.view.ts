import type { Progress, RunView } from '../api/runs.types';
import { ExecutionRecord, RunMeta } from '../store/batch-records';

/** How many of the executions are in each status. */
export function progressOf(executions: Iterable<ExecutionRecord>): Progress {
  const progress: Progress = { total: 0, pending: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const execution of executions) {
    progress.total++;
    progress[execution.status]++;
  }
  return progress;
}

const byName = new Intl.Collator(undefined, { numeric: true });

/**
 * A run with its executions in one order whatever the store (a Redis hash keeps none) and whether
 * or not the run is active: by user name, then id, as the directory lists users.
 */
export function runView(meta: RunMeta, executions: ExecutionRecord[]): RunView {
  const { workflow: _workflow, ...rest } = meta;
  const ordered = [...executions].sort((a, b) => byName.compare(a.userName, b.userName) || byName.compare(a.userId, b.userId));
  return { ...rest, progress: progressOf(executions), executions: ordered };
}
