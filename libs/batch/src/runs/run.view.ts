import type { ExecutionPage, Progress, RunSummary, RunView } from '../api/runs.types';
import { ExecutionRecord, RunMeta } from '../store/batch-records';

/** The most executions one page of `GET /api/runs/{id}` holds, and the default. */
export const EXECUTION_PAGE_LIMIT = 1000;

/** How many of the executions are in each status. */
export function progressOf(executions: Iterable<ExecutionRecord>): Progress {
  const progress: Progress = { total: 0, pending: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const execution of executions) {
    progress.total++;
    progress[execution.status]++;
  }
  return progress;
}

/** An execution's billed tokens; a record stored before they were counted has its final attempt's only. */
export function billedTokensOf(execution: ExecutionRecord): number {
  return execution.billedTokens ?? execution.tokens;
}

/** A run without its executions: progress, and tokens of the final attempts and of every attempt. */
export function runSummary(meta: RunMeta, executions: ExecutionRecord[]): RunSummary {
  const { workflow: _workflow, ...rest } = meta;
  let tokens = 0;
  let billedTokens = 0;
  for (const execution of executions) {
    tokens += execution.tokens;
    billedTokens += billedTokensOf(execution);
  }
  return { ...rest, progress: progressOf(executions), tokens, billedTokens };
}

/** A run with one page of its executions: `executions` all of them, `page` those from `offset` in the run's order. */
export function runView(meta: RunMeta, executions: ExecutionRecord[], page: ExecutionRecord[], offset: number, limit: number): RunView {
  const position: ExecutionPage = { offset, limit, total: executions.length };
  return { ...runSummary(meta, executions), executions: page, page: position };
}
