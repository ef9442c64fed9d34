import { Inject, OnApplicationShutdown } from '@nestjs/common';
import {
  currentSession,
  DiscoveredFunction,
  DiscoveredFunctionGroup,
  InjectFunctionConfig,
  InjectFunctionName,
  SharedFunctionGroup,
  trackCurrentSession,
  USERSCOPE_CONFIG,
  UserscopeConfig,
  UserscopeHttpError,
} from '@userscope/runtime';
import { HttpStatus } from '@nestjs/common';
import { SharedMcpClientConfig } from '../config/mcp-client.config';
import { McpMessages } from '../mcp.messages';
import { McpConnection } from './mcp.connection';
import { McpSessionStatus } from './per-user-mcp-client.group';
import { McpToolFunctions } from './mcp-tool.functions';

/** The slot of calls made outside any user's request. */
const NO_USER = '';

/**
 * NAT's `mcp_client`, for a server with no per-user credentials: one instance for all users, an MCP
 * session per user (so a server's session state is never shared), at most `max_sessions` open (the
 * least recently used idle one is closed for a new one), each closed after `session_idle_timeout`.
 */
@SharedFunctionGroup({
  name: 'mcp_client',
  config: SharedMcpClientConfig,
  discovered: true,
  description: "An MCP server's tools, for servers that need no per-user credentials.",
})
export class SharedMcpClientGroup implements DiscoveredFunctionGroup, OnApplicationShutdown {
  /** By user id, least recently used first. */
  private readonly sessions = new Map<string, McpConnection>();
  private readonly tools: McpToolFunctions;
  private readonly sweep: NodeJS.Timeout;

  constructor(
    @InjectFunctionConfig() private readonly config: SharedMcpClientConfig,
    @InjectFunctionName() private readonly group: string,
    @Inject(USERSCOPE_CONFIG) userscope: UserscopeConfig,
  ) {
    // The session of each user is told by currentSession(): untracked (a config without LLMs), every user would share one.
    trackCurrentSession();
    this.tools = new McpToolFunctions(group, config, userscope.groups.get(group)?.selection ?? {});
    const idleMs = config.session_idle_timeout * 1000;
    this.sweep = setInterval(() => void this.closeIdleSince(Date.now() - idleMs), Math.max(50, Math.min(idleMs / 2, 60_000)));
    this.sweep.unref();
  }

  async listFunctions(signal?: AbortSignal): Promise<DiscoveredFunction[]> {
    const connection = this.sessionOf(currentSession()?.userId ?? NO_USER);
    return connection.hold(() => this.tools.list(connection, signal));
  }

  async invokeFunction(name: string, input: unknown, signal: AbortSignal): Promise<unknown> {
    const connection = this.sessionOf(currentSession()?.userId ?? NO_USER);
    return connection.hold(() => this.tools.invoke(connection, name, input, signal));
  }

  /** Each user's MCP session of this group. */
  statuses(): Map<string, McpSessionStatus> {
    return new Map([...this.sessions].map(([userId, connection]) => [userId, { group: this.group, ...connection.status() }]));
  }

  /** `userId`'s MCP session of this group, for the monitor; undefined when they have none open. */
  statusOf(userId: string): McpSessionStatus | undefined {
    const connection = this.sessions.get(userId);
    return connection && { group: this.group, ...connection.status() };
  }

  /** Closes the sessions unused since `cutoff` (ms epoch). */
  async closeIdleSince(cutoff: number): Promise<number> {
    const idle = [...this.sessions].filter(([, connection]) => connection.active === 0 && connection.lastUsed <= cutoff);
    for (const [userId] of idle) this.sessions.delete(userId);
    await Promise.all(idle.map(([, connection]) => connection.close()));
    return idle.length;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweep);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((connection) => connection.close()));
  }

  private sessionOf(userId: string): McpConnection {
    const existing = this.sessions.get(userId);
    if (existing && !existing.closed) {
      this.sessions.delete(userId);
      this.sessions.set(userId, existing);
      return existing;
    }
    if (this.sessions.size >= this.config.max_sessions) this.closeLeastRecentlyUsed();
    const connection = new McpConnection({
      group: this.group,
      server: this.config.server,
      headers: this.config.headers,
      ...(this.config.server.env ? { env: this.config.server.env } : {}),
      timeoutMs: this.config.tool_call_timeout * 1000,
    });
    this.sessions.set(userId, connection);
    return connection;
  }

  private closeLeastRecentlyUsed(): void {
    for (const [userId, connection] of this.sessions) {
      if (connection.active > 0) continue;
      this.sessions.delete(userId);
      void connection.close();
      return;
    }
    throw new UserscopeHttpError(HttpStatus.SERVICE_UNAVAILABLE, { code: 'mcp_session_limit', message: McpMessages.sessionLimit(this.group, this.config.max_sessions) }, { 'retry-after': '1' });
  }
}
