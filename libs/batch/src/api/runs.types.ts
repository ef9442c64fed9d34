// The runs' request, reply and event shapes. Plain types only, so the web page can share them.
import type { UserSelection } from './users.types';
import type { BatchNodeType } from './workflows.types';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type ExecutionStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** The body of POST /api/runs: a workflow and the users to run it for. */
export interface StartRunRequest extends UserSelection {
  workflowId: string;
  /** Executions at once; default `batch.default_concurrency`, at most `batch.max_concurrency`. */
  concurrency?: number;
  /** Run even when users lack fields the workflow needs (under `on_missing: error`). */
  force?: boolean;
}

/** GET /api/runs/settings: what a new run may ask for, from the config's `batch:` section. */
export interface RunSettings {
  /** `batch.default_concurrency`: executions at once when the request names none. */
  defaultConcurrency: number;
  /** `batch.max_concurrency`: the most a run may ask for. */
  maxConcurrency: number;
}

export interface StartedRun {
  runId: string;
  executions: { userId: string; workflowId: string }[];
}

export interface Progress {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

/** A run without its executions, as the run history lists it. */
export interface RunSummary {
  id: string;
  workflowId: string;
  workflowName: string;
  status: RunStatus;
  concurrency: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  progress: Progress;
  /** Tokens of the executions' final attempts: what their results (or, failed, their last try) cost. */
  tokens: number;
  /** Every token the run's LLM calls spent, over all attempts: what the model bills, and the monitor counts. */
  billedTokens: number;
}

export interface RunPage {
  items: RunSummary[];
  total: number;
}

/** One user's execution of a run's workflow. */
export interface ExecutionRecord {
  /** `workflow-<userId>-<runId>`, as the seed names them. */
  id: string;
  userId: string;
  userName: string;
  status: ExecutionStatus;
  attempts: number;
  error?: string;
  /** The error's stable code, when it has one: `budget_exceeded`, `rate_limited`, `owner_unresponsive`, ... */
  errorCode?: string;
  durationMs?: number;
  /** Tokens of the final attempt (a failed one's too, with the nodes it completed). */
  tokens: number;
  /** Tokens of every attempt, retried and failed ones included. */
  billedTokens: number;
}

/** Which executions a page of `GET /api/runs/{id}` holds: `?offset=&limit=`. */
export interface ExecutionPageQuery {
  offset?: number;
  /** At most 1000 (the default). */
  limit?: number;
}

/** A page of a run's executions, in the run's order (user name, then id). */
export interface ExecutionPage {
  offset: number;
  limit: number;
  /** Executions in the run. */
  total: number;
}

/** A run with a page of its executions. */
export interface RunView extends RunSummary {
  executions: ExecutionRecord[];
  page: ExecutionPage;
}

/** What a run publishes as it goes. */
export type RunEvent =
  | { type: 'execution'; data: ExecutionRecord }
  | { type: 'progress'; data: Progress }
  | { type: 'end'; data: { status: RunStatus } };

/** The events of GET /api/runs/{id}/events: a snapshot on connect, then the run's own. */
export type RunStreamEvent = { type: 'snapshot'; data: RunView } | RunEvent;

/** One node's output for one user, stored under `${userId}-${nodeId}` (the seed's structure). */
export interface NodeResult {
  nodeId: string;
  type: BatchNodeType;
  name?: string;
  /** llm: the model that answered. */
  model?: string;
  /** llm: the `_type` of the LLM in `llms:` that answered; `echo` is the deterministic stand-in, not an LLM. */
  llmType?: string;
  structured: boolean;
  content: unknown;
  tokens: number;
  userName: string;
  userId: string;
  durationMs: number;
}

export interface UserResults {
  userId: string;
  userName: string;
  status: ExecutionStatus;
  error?: string;
  durationMs?: number;
  tokens: number;
  billedTokens: number;
  nodes: NodeResult[];
  final?: unknown;
}

export interface RunResults {
  runId: string;
  workflowId: string;
  users: UserResults[];
}

/** Nearest-rank percentiles in milliseconds. */
export interface DurationStats {
  p50: number;
  p95: number;
}

export interface NodeAnalytics {
  nodeId: string;
  successRate: number;
  totalTokens: number;
  averageTokens: number;
  duration: DurationStats;
}

export interface Analytics {
  runId: string;
  successRate: number;
  /** Tokens of the final attempts (as `RunSummary.tokens`). */
  totalTokens: number;
  /** Tokens of every attempt (as `RunSummary.billedTokens`). */
  billedTokens: number;
  averageTokens: number;
  duration: DurationStats;
  byNode: NodeAnalytics[];
}
