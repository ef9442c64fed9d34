import type { RunStatus, RunSummary } from '../api/runs.types';
import { BatchWorkflowDefinition } from '../config/batch-workflow.definition';

// The store keeps users, executions and node results as the API shows them.
export type { BatchUser } from '../api/users.types';
export type { ExecutionRecord, ExecutionStatus, NodeResult, RunStatus } from '../api/runs.types';

/** A run without its executions. */
export interface RunMeta extends Omit<RunSummary, 'progress' | 'tokens' | 'billedTokens'> {
  /** The workflow as it was when the run started, so a later edit does not change a run. */
  workflow: BatchWorkflowDefinition;
}

/** A run still to be worked (queued or running), as against one that has ended. */
export function isLive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running';
}
