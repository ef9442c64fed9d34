import { BatchWorkflowDefinition } from '../config/batch-workflow.definition';
import { BatchUser, ExecutionRecord, NodeResult, RunMeta } from './batch-records';

/**
 * Where users, API-defined workflows, runs and results live: memory, or Redis to survive restarts.
 * A call the store cannot answer fails with `StoreUnavailableError`.
 *
 * A run is worked by one process at a time, the holder of its lease. Taking the lease issues a
 * fencing token, larger than any before; every write of the run's state carries it (`fence`), and a
 * write whose token is no longer the newest fails with `StaleLeaseError`, so a process that lost the
 * run (it stalled past the lease) cannot overwrite its successor's work.
 */
export interface BatchStore {
  /** Names the store in errors and readiness: `memory`, or `redis at host:port`. */
  readonly name: string;
  /** Resolves when the store answers. */
  ping(): Promise<void>;

  listUsers(): Promise<BatchUser[]>;
  getUsers(ids: string[]): Promise<(BatchUser | undefined)[]>;
  countUsers(): Promise<number>;
  putUsers(users: BatchUser[]): Promise<void>;
  deleteUser(id: string): Promise<boolean>;

  listWorkflows(): Promise<BatchWorkflowDefinition[]>;
  getWorkflow(id: string): Promise<BatchWorkflowDefinition | undefined>;
  putWorkflow(workflow: BatchWorkflowDefinition): Promise<void>;
  deleteWorkflow(id: string): Promise<boolean>;

  /** Takes the run's lease for `ttlMs` unless someone holds it; returns the new fencing token, or undefined. */
  acquireLease(runId: string, ttlMs: number): Promise<number | undefined>;
  /** Extends the lease of token `fence`; false when a newer token has been issued (the run was taken over). */
  renewLease(runId: string, fence: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, if `fence` still holds it. */
  releaseLease(runId: string, fence: number): Promise<void>;

  /**
   * Records that a run is to be cancelled, for whoever holds its lease now or takes it next, and
   * announces it to every process on the store (`onCancelRequested`). False, recording nothing, when
   * the run is not queued or running in the store (it has ended, or does not exist).
   */
  requestCancel(runId: string): Promise<boolean>;
  /** Whether a cancel of the run was requested and the run has not ended since. */
  isCancelRequested(runId: string): Promise<boolean>;
  /**
   * Calls `listener` with the id of every run a process on the store requests to cancel. Best effort:
   * a request made while the connection is down is not heard, so holders also ask `isCancelRequested`.
   */
  onCancelRequested(listener: (runId: string) => void): Promise<void>;

  /** Runs, newest first. */
  listRuns(): Promise<RunMeta[]>;
  getRun(id: string): Promise<RunMeta | undefined>;
  /** Writes a run; writing it ended (not queued or running) drops its cancel request in the same step. */
  putRun(run: RunMeta, fence: number): Promise<void>;
  /** Deletes a run with its executions, results, lease and cancel request. */
  deleteRun(id: string): Promise<void>;

  getExecutions(runId: string): Promise<ExecutionRecord[]>;
  putExecutions(runId: string, executions: ExecutionRecord[], fence: number): Promise<void>;

  /** Results keyed `${userId}-${nodeId}`. */
  getResults(runId: string): Promise<NodeResult[]>;
  putResult(runId: string, result: NodeResult, fence: number): Promise<void>;
  /** Drops one user's results of a run (before a retry). */
  clearResults(runId: string, userId: string, fence: number): Promise<void>;

  close(): Promise<void>;
}
