import { DiscoveredFunctionGroup, UserSession } from '@userscope/runtime';
import { UserMonitorEntry, UserMonitorMcpSession } from './dto/users-monitor.dto';

/**
 * The monitor entry of `session`. `groups` is how many per-user function groups a session builds;
 * `replica` (cluster mode) names the replica holding it; `shared` are the shared discovered groups,
 * whose session of this user (a shared MCP client's) is listed after the user's own groups'.
 */
export function userMonitorEntry(session: UserSession, groups: number, replica?: string, shared: object[] = []): UserMonitorEntry {
  const completed = session.completedRequests;
  const functions = [...session.functions.values()].filter((handle) => !handle.fn.group).length;
  const statuses = [
    ...[...session.groups.values()].map((group) => (group as DiscoveredFunctionGroup).status?.()),
    ...shared.map((group) => (group as DiscoveredFunctionGroup).statusOf?.(session.userId)),
  ].flatMap((status) => (status ? [status as UserMonitorMcpSession] : []));
  return {
    user_id: session.userId,
    ...(replica === undefined ? {} : { replica }),
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
    llm: { ...session.llm, cost_micros: { ...session.llm.cost_micros } },
    ...(statuses.length > 0 ? { mcp_sessions: statuses } : {}),
  };
}
