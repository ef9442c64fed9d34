/**
 * The shapes of the batch API (docs/batch-api.md), from the server's own type files, under the names
 * the docs use; and those of GET /monitor/users.
 */
export type {
  BatchUser as User,
  ImportReport,
  UserBody,
  UserPage,
  UserQuery,
  UserSelection,
} from '../../../libs/batch/src/api/users.types';
export type {
  BatchNode as WorkflowNode,
  BatchNodeType as NodeType,
  BatchWorkflow as WorkflowBody,
  CatalogFunction,
  CatalogLlm,
  Preflight,
  RenderedNodeInput,
  TestedNode,
  WorkflowCatalog,
  WorkflowTestReply,
  WorkflowTestRequest,
  WorkflowView as Workflow,
} from '../../../libs/batch/src/api/workflows.types';
export type {
  Analytics,
  DurationStats,
  ExecutionPage,
  ExecutionPageQuery,
  ExecutionRecord as Execution,
  ExecutionStatus,
  NodeResult,
  Progress,
  RunPage,
  RunResults,
  RunStatus,
  RunStreamEvent as RunEvent,
  RunSummary,
  RunView as Run,
  StartedRun,
  StartRunRequest,
  UserResults as UserResult,
} from '../../../libs/batch/src/api/runs.types';

export interface MonitoredUser {
  user_id: string;
  session: { created_at: string; last_activity: string; ref_count: number; is_active: boolean };
  requests: { total_requests: number; active_requests: number; avg_latency_ms: number; error_count: number };
  memory: { per_user_functions_count: number; per_user_function_groups_count: number; exit_stack_size: number };
  llm?: { prompt_tokens: number; completion_tokens: number; total_tokens: number; llm_calls: number; cost_micros?: Record<string, number> };
}

export interface MonitorSnapshot {
  timestamp: string;
  total_active_users: number;
  users: MonitoredUser[];
}

/** Every error reply's body. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}
