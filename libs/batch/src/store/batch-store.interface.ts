import { BatchWorkflowDefinition } from '../config/batch-workflow.definition';
import { BatchUser, ExecutionRecord, NodeResult, RunMeta } from './batch-records';

/** Where users, API-defined workflows, runs and results live: memory, or Redis to survive restarts. */
export interface BatchStore {
  listUsers(): Promise<BatchUser[]>;
  getUsers(ids: string[]): Promise<(BatchUser | undefined)[]>;
  countUsers(): Promise<number>;
  putUsers(users: BatchUser[]): Promise<void>;
  deleteUser(id: string): Promise<boolean>;

  listWorkflows(): Promise<BatchWorkflowDefinition[]>;
  getWorkflow(id: string): Promise<BatchWorkflowDefinition | undefined>;
  putWorkflow(workflow: BatchWorkflowDefinition): Promise<void>;
  deleteWorkflow(id: string): Promise<boolean>;

  /** Runs, newest first. */
  listRuns(): Promise<RunMeta[]>;
  getRun(id: string): Promise<RunMeta | undefined>;
  putRun(run: RunMeta): Promise<void>;
  /** Deletes a run with its executions and results. */
  deleteRun(id: string): Promise<void>;

  getExecutions(runId: string): Promise<ExecutionRecord[]>;
  putExecutions(runId: string, executions: ExecutionRecord[]): Promise<void>;

  /** Results keyed `${userId}-${nodeId}`. */
  getResults(runId: string): Promise<NodeResult[]>;
  putResult(runId: string, result: NodeResult): Promise<void>;
  /** Drops one user's results of a run (before a retry). */
  clearResults(runId: string, userId: string): Promise<void>;

  close(): Promise<void>;
}
