import { BatchWorkflowDefinition } from '../config/batch-workflow.definition';

/** A user of the directory: an id (also their session id), a name, and free fields. */
export interface BatchUser {
  id: string;
  name: string;
  [field: string]: unknown;
}

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type ExecutionStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A run without its executions. */
export interface RunMeta {
  id: string;
  workflowId: string;
  workflowName: string;
  /** The workflow as it was when the run started, so a later edit does not change a run. */
  workflow: BatchWorkflowDefinition;
  status: RunStatus;
  concurrency: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
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
  durationMs?: number;
  tokens: number;
}

/** One node's output for one user, stored under `${userId}-${nodeId}` (the seed's structure). */
export interface NodeResult {
  nodeId: string;
  type: 'llm' | 'function' | 'template';
  name?: string;
  model?: string;
  structured: boolean;
  content: unknown;
  tokens: number;
  userName: string;
  userId: string;
  durationMs: number;
}
