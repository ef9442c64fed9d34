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
  RunSettings,
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
  /** Present when a limit of `general.limits` (or the user's own) applies to the user. */
  budget?: MonitoredBudget;
}

/** What is left of one of a user's budgets this period; a cost in integer micro-units. */
export interface BudgetLeft {
  limit: 'tokens_per_day' | 'tokens_per_month' | 'cost_per_day' | 'cost_per_month';
  unit: 'tokens' | 'cost_micros';
  period: string;
  resets_at: string;
  allowed: number;
  used: number;
  remaining: number;
}

export interface MonitoredBudget {
  remaining: BudgetLeft[];
  concurrent_runs?: number;
  runs_in_flight: number;
  /** The budgets' store did not answer. */
  error?: string;
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
