/** The shapes of docs/batch-api.md and of GET /monitor/users, as the server sends them. */

export interface User {
  id: string;
  name: string;
  [field: string]: unknown;
}

export interface UserPage {
  items: User[];
  total: number;
}

export interface UserQuery {
  search?: string;
  offset?: number;
  limit?: number;
  sort?: string;
  order?: 'asc' | 'desc';
}

export interface ImportReport {
  imported: number;
  rejected: { row: number; reason: string }[];
}

export type NodeType = 'llm' | 'function' | 'template';

export interface WorkflowNode {
  id: string;
  type: NodeType;
  name?: string;
  llm?: string;
  system?: string;
  prompt?: string;
  output_schema?: unknown;
  function?: string;
  input?: unknown;
  template?: string;
}

export interface Workflow {
  id: string;
  name: string;
  description?: string;
  on_missing?: string;
  nodes: WorkflowNode[];
  source: 'config' | 'api';
  /** The user fields its templates use. */
  fields: string[];
}

export interface Preflight {
  fields: string[];
  missing: { userId: string; userName: string; fields: string[] }[];
  ok: boolean;
}

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type ExecutionStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Progress {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

export interface RunSummary {
  id: string;
  workflowId: string;
  workflowName: string;
  status: RunStatus;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  concurrency: number;
  progress: Progress;
}

export interface Execution {
  /** `workflow-<userId>-<runId>` */
  id: string;
  userId: string;
  userName: string;
  status: ExecutionStatus;
  attempts: number;
  error?: string;
  durationMs?: number;
  tokens: number;
}

export interface Run extends RunSummary {
  executions: Execution[];
}

export interface StartedRun {
  runId: string;
  executions: { userId: string; workflowId: string }[];
}

export interface StartRunRequest {
  workflowId: string;
  userIds?: string[];
  all?: boolean;
  concurrency?: number;
  force?: boolean;
}

export interface NodeResult {
  nodeId: string;
  type: NodeType;
  name?: string;
  model?: string;
  structured: boolean;
  content: unknown;
  tokens: number;
  durationMs?: number;
  userName: string;
  userId: string;
}

export interface UserResult {
  userId: string;
  userName: string;
  status: ExecutionStatus;
  error?: string;
  durationMs?: number;
  tokens: number;
  nodes: NodeResult[];
  final?: unknown;
}

export interface RunResults {
  runId: string;
  workflowId: string;
  users: UserResult[];
}

export interface DurationStats {
  p50: number;
  p95: number;
}

export interface Analytics {
  runId: string;
  successRate: number;
  totalTokens: number;
  averageTokens: number;
  duration: DurationStats;
  byNode: { nodeId: string; successRate: number; totalTokens: number; averageTokens: number; duration: DurationStats }[];
}

export type RunEvent =
  | { type: 'snapshot'; data: Run }
  | { type: 'execution'; data: Execution }
  | { type: 'progress'; data: Progress }
  | { type: 'end'; data: { status: RunStatus } };

export interface MonitoredUser {
  user_id: string;
  session: { created_at: string; last_activity: string; ref_count: number; is_active: boolean };
  requests: { total_requests: number; active_requests: number; avg_latency_ms: number; error_count: number };
  memory: { per_user_functions_count: number; per_user_function_groups_count: number; exit_stack_size: number };
  llm?: { prompt_tokens: number; completion_tokens: number; total_tokens: number; llm_calls: number };
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
