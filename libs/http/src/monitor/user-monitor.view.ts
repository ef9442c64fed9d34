import { UserSession } from '@userscope/runtime';

/** One user as `GET /monitor/users` shows it: NAT's shape plus the `llm` block. */
export interface UserMonitorEntry {
  user_id: string;
  session: { created_at: string; last_activity: string; ref_count: number; is_active: boolean };
  requests: { total_requests: number; active_requests: number; avg_latency_ms: number; error_count: number };
  memory: { per_user_functions_count: number; per_user_function_groups_count: number; exit_stack_size: number };
  llm: { prompt_tokens: number; completion_tokens: number; total_tokens: number; llm_calls: number };
}

export interface UsersMonitorReply {
  timestamp: string;
  total_active_users: number;
  users: UserMonitorEntry[];
}

/** The monitor entry of `session`. `groups` is how many per-user function groups a session builds. */
export function userMonitorEntry(session: UserSession, groups: number): UserMonitorEntry {
  const completed = session.completedRequests;
  const functions = [...session.functions.values()].filter((handle) => !handle.fn.group).length;
  return {
    user_id: session.userId,
    session: {
      created_at: new Date(session.createdAt).toISOString(),
      last_activity: new Date(session.lastActivity).toISOString(),
      ref_count: session.activeRequests,
      is_active: session.activeRequests > 0,
    },
    requests: {
      total_requests: session.totalRequests,
      active_requests: session.activeRequests,
      avg_latency_ms: completed > 0 ? Math.round((session.totalLatencyMs / completed) * 100) / 100 : 0,
      error_count: session.errorCount,
    },
    memory: {
      per_user_functions_count: functions,
      per_user_function_groups_count: groups,
      exit_stack_size: functions + groups,
    },
    llm: { ...session.llm },
  };
}
