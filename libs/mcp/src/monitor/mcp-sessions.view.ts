import { UserSession } from '@userscope/runtime';
import { McpSessionStatus, PerUserMcpClientGroup } from '../client/per-user-mcp-client.group';

/** The MCP sessions of `session`'s user: one per per_user_mcp_client group the user has. */
export function mcpSessionsOf(session: UserSession): McpSessionStatus[] {
  return [...session.groups.values()].filter((group): group is PerUserMcpClientGroup => group instanceof PerUserMcpClientGroup).map((group) => group.status());
}
