import { Inject } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import {
  DiscoveredFunction,
  DiscoveredFunctionGroup,
  InjectFunctionConfig,
  InjectFunctionName,
  OnSessionEnd,
  PerUserFunctionGroup,
  USERSCOPE_CONFIG,
  UserscopeConfig,
  UserSession,
} from '@userscope/runtime';
import { PerUserMcpClientConfig } from '../config/mcp-client.config';
import { UserSecrets } from '../secrets/user-secrets.service';
import { IdentityResolver } from '@userscope/http';
import { McpConnection, McpConnectionStatus } from './mcp.connection';
import { userConnectionOptions } from './mcp-credentials';
import { McpToolFunctions } from './mcp-tool.functions';

/** What the monitor and the tool list show of one user's MCP client of a group. */
export interface McpSessionStatus extends McpConnectionStatus {
  group: string;
}

/**
 * NAT's `per_user_mcp_client`: each user has their own MCP client, connected on first use with the
 * headers rendered for them (`{{secret:...}}`, `{{identity:...}}`). The client is kept under the
 * hash of those credentials: when they change (a new token), the old client is closed and a new one
 * opened, so no call ever goes out with credentials the user no longer has, nor with another user's.
 */
@PerUserFunctionGroup({
  name: 'per_user_mcp_client',
  config: PerUserMcpClientConfig,
  discovered: true,
  description: "An MCP server's tools, called with each user's own MCP client and credentials.",
})
export class PerUserMcpClientGroup implements DiscoveredFunctionGroup, OnSessionEnd {
  private connection: McpConnection | undefined;
  private credentialHash: string | undefined;
  private readonly tools: McpToolFunctions;
  private ended = false;
  private lastError: string | undefined;
  /** Credential renderings begun, and the one whose client is installed: an older one never replaces a newer. */
  private renders = 0;
  private installedRender = 0;
  /** Replaced clients whose calls in flight are finishing; closed at once if the session ends first. */
  private readonly retired = new Set<McpConnection>();

  constructor(
    @InjectFunctionConfig() private readonly config: PerUserMcpClientConfig,
    @InjectFunctionName() private readonly group: string,
    @Inject(REQUEST) private readonly session: UserSession,
    @Inject(USERSCOPE_CONFIG) userscope: UserscopeConfig,
    private readonly secrets: UserSecrets,
    private readonly identity: IdentityResolver,
  ) {
    this.tools = new McpToolFunctions(group, config, userscope.groups.get(group)?.selection ?? {});
  }

  async listFunctions(signal?: AbortSignal): Promise<DiscoveredFunction[]> {
    return this.tools.list(await this.current(), signal);
  }

  async invokeFunction(name: string, input: unknown, signal: AbortSignal): Promise<unknown> {
    return this.tools.invoke(await this.current(), name, input, signal);
  }

  status(): McpSessionStatus {
    const status = this.connection?.status() ?? { connected: false, tools: [] };
    const lastError = status.last_error ?? this.lastError;
    return { group: this.group, ...status, ...(lastError ? { last_error: lastError } : {}) };
  }

  async onSessionEnd(): Promise<void> {
    this.ended = true;
    await Promise.all([this.connection, ...this.retired].map((connection) => connection?.close()));
  }

  /** The user's client for their credentials as they are now. */
  private async current(): Promise<McpConnection> {
    const userId = this.session.userId;
    const render = ++this.renders;
    let rendered;
    try {
      rendered = await userConnectionOptions(this.group, this.config, {
        userId,
        secret: (name) => this.secrets.reveal(userId, name),
        claims: this.identity.claims.of(userId),
      });
    } catch (error) {
      this.lastError = (error as Error).message;
      throw error;
    }
    if (this.connection && !this.connection.closed && (this.credentialHash === rendered.credentialHash || render < this.installedRender)) {
      // The same credentials, or older ones than a call that rendered after this one has installed.
      return this.connection;
    }
    const previous = this.connection;
    // A session ended meanwhile: a new client would never be closed.
    if (this.ended) throw new Error(`the session of user '${userId}' has ended`);
    this.connection = new McpConnection(rendered.options);
    this.credentialHash = rendered.credentialHash;
    this.installedRender = render;
    // The calls still running on the old credentials finish on their session, which ends after them.
    if (previous) this.retire(previous);
    return this.connection;
  }

  private retire(connection: McpConnection): void {
    for (const done of this.retired) if (done.closed) this.retired.delete(done);
    connection.retire();
    if (!connection.closed) this.retired.add(connection);
  }
}
