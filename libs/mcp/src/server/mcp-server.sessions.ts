import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { FRONT_END_CONFIG_SECTION } from '@userscope/http';
import { configSection, SessionLifecycle, USERSCOPE_CONFIG, UserscopeConfig, UserSession } from '@userscope/runtime';
import { McpServerTools } from './mcp-server.tools';
import { mcpServerSdk } from '../sdk/mcp-sdk.loader';

/** One open MCP session: whose it is, the user session it lives in, and its transport. */
interface McpServerSession {
  userId: string;
  userSession: UserSession;
  transport: StreamableHTTPServerTransport;
}

/** The name and version `/mcp` gives in `initialize`. */
const SERVER_INFO = { name: 'userscope', version: '0.1.0' };

/**
 * The MCP sessions of `/mcp`, each bound to the user who opened it and to that user's session: a
 * session id is found only for its own user, and a user's MCP sessions close when their user
 * session ends (eviction, deletion, shutdown). A user has at most `max_sessions_per_user`; past it
 * their oldest is closed.
 */
@Injectable()
export class McpServerSessions implements OnApplicationShutdown {
  private readonly sessions = new Map<string, McpServerSession>();
  private readonly maxPerUser: number;
  private readonly stopListening: () => void;

  constructor(
    @Inject(USERSCOPE_CONFIG) config: UserscopeConfig,
    private readonly lifecycle: SessionLifecycle,
    private readonly tools: McpServerTools,
  ) {
    this.maxPerUser = configSection(config, FRONT_END_CONFIG_SECTION).mcp.max_sessions_per_user;
    this.stopListening = lifecycle.onSessionEnded((ended) => this.closeWhere((session) => session.userSession === ended));
  }

  /** `userId`'s open session `id`; undefined when there is none, it is another user's, or its user session has ended. */
  find(userId: string, id: string): McpServerSession | undefined {
    const session = this.sessions.get(id);
    if (!session || session.userId !== userId) return undefined;
    if (session.userSession.ended) {
      void this.close(id);
      return undefined;
    }
    return session;
  }

  /** A transport for `userId`'s `initialize`, in the user's session (opened now if need be); registered once the SDK gives it an id. */
  async open(userId: string): Promise<StreamableHTTPServerTransport> {
    const userSession = await this.lifecycle.runAs(userId, (session) => session);
    const transport: StreamableHTTPServerTransport = new (mcpServerSdk().StreamableHTTPServerTransport)({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => this.register(id, { userId, userSession, transport }),
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    await this.serverFor(userId).connect(transport);
    return transport;
  }

  /** How many MCP sessions `userId` has open. */
  countOf(userId: string): number {
    return [...this.sessions.values()].filter((session) => session.userId === userId).length;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopListening();
    await this.closeWhere(() => true);
  }

  private register(id: string, session: McpServerSession): void {
    this.sessions.set(id, session);
    const own = [...this.sessions].filter(([, s]) => s.userId === session.userId);
    // Map order is opening order: the first are the oldest.
    for (const [oldId] of own.slice(0, Math.max(0, own.length - this.maxPerUser))) void this.close(oldId);
  }

  private serverFor(userId: string): Server {
    const { Server, CallToolRequestSchema, ListToolsRequestSchema } = mcpServerSdk();
    const server = new Server(SERVER_INFO, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => ({ tools: await this.tools.definitionsFor(userId, extra.signal) }));
    server.setRequestHandler(CallToolRequestSchema, (request, extra) => this.tools.call(userId, request.params.name, request.params.arguments, extra.signal));
    return server;
  }

  private async closeWhere(match: (session: McpServerSession) => boolean): Promise<void> {
    await Promise.all([...this.sessions].filter(([, session]) => match(session)).map(([id]) => this.close(id)));
  }

  private async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    await session.transport.close().catch(() => undefined);
  }
}
