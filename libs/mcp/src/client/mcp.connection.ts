import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpServerConfig } from '../config/mcp-client.config';
import { McpMessages } from '../mcp.messages';
import { withCallSignal } from './call-signal';
import { mcpClientSdk } from '../sdk/mcp-sdk.loader';

/** What one connection to an MCP server is opened with: the user's rendered headers (or child env). */
export interface McpConnectionOptions {
  group: string;
  server: McpServerConfig;
  headers: Record<string, string>;
  env?: Record<string, string>;
  timeoutMs: number;
}

/** What the monitor shows of a connection. */
export interface McpConnectionStatus {
  connected: boolean;
  session_id?: string;
  tools: string[];
  last_error?: string;
}

/**
 * One MCP client session with one server, for one user (or one shared slot): connected on first use,
 * its tool list kept, a call on a session the server no longer knows (404 after a restart) opened
 * afresh and retried once, and closed exactly once: `terminateSession()` (the DELETE that the SDK's
 * `close()` does not send), then `close()`, which also ends a stdio child.
 */
export class McpConnection {
  private client: Client | undefined;
  private transport: Transport | undefined;
  private opening: Promise<Client> | undefined;
  private tools: Tool[] | undefined;
  private closing: Promise<void> | undefined;
  private retiring = false;
  lastError: string | undefined;
  lastUsed = Date.now();
  /** Calls in flight: a shared slot in use is not closed for being idle. */
  active = 0;

  constructor(readonly options: McpConnectionOptions) {}

  get closed(): boolean {
    return this.closing !== undefined;
  }

  status(): McpConnectionStatus {
    const sessionId = this.transport && this.transport instanceof mcpClientSdk().StreamableHTTPClientTransport ? this.transport.sessionId : undefined;
    return {
      connected: this.client !== undefined,
      ...(sessionId ? { session_id: sessionId } : {}),
      tools: (this.tools ?? []).map((tool) => tool.name),
      ...(this.lastError ? { last_error: this.lastError } : {}),
    };
  }

  /** The server's tools, listed once per MCP session. */
  async listTools(signal?: AbortSignal): Promise<Tool[]> {
    return this.use(async () => {
      if (this.tools) return this.tools;
      return withCallSignal(signal, (own) => this.withFreshSession(() => this.listOnce(own)));
    });
  }

  private async listOnce(signal?: AbortSignal): Promise<Tool[]> {
    {
      const client = await this.open();
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, this.requestOptions(signal));
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      this.tools = tools;
      return tools;
    }
  }

  /** Calls `tool`; a session the server has forgotten is opened again and the call retried once. */
  async callTool(tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult> {
    return this.use(() => withCallSignal(signal, (own) => this.withFreshSession(() => this.callOnce(tool, args, own))));
  }

  /**
   * `work`, and once more on a new MCP session when the server no longer knows ours. The new session
   * is initialised on a new transport; if that initialise itself goes out on a kept connection the
   * restarted server has closed, it is opened once more, so a restart costs one retry, not an error.
   */
  private async withFreshSession<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!isStaleSession(error)) throw error;
    }
    for (let attempt = 1; ; attempt++) {
      await this.reopen();
      try {
        return await work();
      } catch (error) {
        if (attempt >= REOPEN_ATTEMPTS || !isClosedConnection(error)) throw error;
      }
    }
  }

  /** Ends the MCP session, once however often it is called. */
  close(): Promise<void> {
    this.closing ??= this.shut();
    return this.closing;
  }

  private async callOnce(tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult> {
    const client = await this.open();
    return (await client.callTool({ name: tool, arguments: args }, undefined, this.requestOptions(signal))) as CallToolResult;
  }

  /**
   * Runs `work` with the connection counted in use: a shared slot held so, across the tool list and
   * the call of one invocation, is neither idle nor the least recently used one to close.
   */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    this.lastUsed = Date.now();
    try {
      return await work();
    } finally {
      this.active--;
      this.lastUsed = Date.now();
      if (this.retiring && this.active === 0) void this.close();
    }
  }

  /** Ends the session once the calls in flight on it are done (at once when there are none): it has been replaced. */
  retire(): void {
    this.retiring = true;
    if (this.active === 0) void this.close();
  }

  private use<T>(work: () => Promise<T>): Promise<T> {
    return this.hold(async () => {
      try {
        const result = await work();
        this.lastError = undefined;
        return result;
      } catch (error) {
        this.lastError = describeError(error);
        throw error;
      }
    });
  }

  private open(): Promise<Client> {
    if (this.closing) return Promise.reject(new Error(McpMessages.serverUnreachable(this.options.group, 'the MCP session has been closed')));
    if (this.client) return Promise.resolve(this.client);
    this.opening ??= this.connect().finally(() => (this.opening = undefined));
    return this.opening;
  }

  /** Shared by the calls waiting for it, so bounded by the timeout alone, not by one caller's signal. */
  private async connect(): Promise<Client> {
    const transport = this.createTransport();
    const client = new (mcpClientSdk().Client)({ name: `userscope-${this.options.group}`, version: '0.1.0' });
    try {
      await client.connect(transport, this.requestOptions());
    } catch (error) {
      await client.close().catch(() => undefined);
      throw new Error(McpMessages.serverUnreachable(this.options.group, describeError(error)), { cause: error });
    }
    // The server closed the stream (a stdio child exited): connect again on the next call.
    client.onclose = () => {
      if (this.client === client) this.forget();
    };
    this.client = client;
    this.transport = transport;
    return client;
  }

  /** The server forgot the session (it restarted): a new one, its tools listed again. */
  private async reopen(): Promise<void> {
    const client = this.client;
    this.forget();
    await client?.close().catch(() => undefined);
  }

  private forget(): void {
    this.client = undefined;
    this.transport = undefined;
    this.tools = undefined;
  }

  private async shut(): Promise<void> {
    await this.opening?.catch(() => undefined);
    const { client, transport } = this;
    this.forget();
    if (!client) return;
    if (transport instanceof mcpClientSdk().StreamableHTTPClientTransport && transport.sessionId) {
      await transport.terminateSession().catch((error) => (this.lastError = describeError(error)));
    }
    await client.close().catch(() => undefined);
  }

  private createTransport(): Transport {
    const { server, headers, env } = this.options;
    const { SSEClientTransport, StdioClientTransport, StreamableHTTPClientTransport } = mcpClientSdk();
    if (server.transport === 'stdio') {
      const transport = new StdioClientTransport({ command: server.command!, args: server.args ?? [], env: { ...inheritedEnv(), ...env }, stderr: 'pipe' });
      // Read and dropped (it may print the credentials it was given): unread, a full pipe blocks the
      // child's writes, and its exit, so that every close waited for the SDK's SIGTERM.
      transport.stderr?.on('data', () => undefined);
      return transport;
    }
    const url = new URL(server.url!);
    // The SDK sends requestInit's headers on the SSE stream's GET and on every POST alike.
    if (server.transport === 'sse') return new SSEClientTransport(url, { requestInit: { headers } });
    return new StreamableHTTPClientTransport(url, { requestInit: { headers } });
  }

  private requestOptions(signal?: AbortSignal) {
    return { timeout: this.options.timeoutMs, ...(signal ? { signal } : {}) };
  }
}

/** Socket errors of a kept connection the server closed (it restarted) before our request reached it. */
const CLOSED_CONNECTION_CODES = ['UND_ERR_SOCKET', 'ECONNRESET', 'UND_ERR_CLOSED'];

/** New sessions opened for one call, at most: the server forgot ours, and its first kept connection was dead too. */
const REOPEN_ATTEMPTS = 2;

/**
 * The server no longer knows our session: it answered 404 for the session id, or it closed the kept
 * connection the call went out on (it restarted), so the call never reached it.
 */
function isStaleSession(error: unknown): boolean {
  if (error instanceof mcpClientSdk().StreamableHTTPError) return error.code === 404;
  return isClosedConnection(error);
}

/**
 * fetch's "fetch failed" with a socket closed by the other side, found along the error's causes (an
 * initialise that failed so is wrapped as "cannot be reached"). By name, not `instanceof TypeError`:
 * fetch's TypeError may come from another realm (a vm context, as under jest) than this module's.
 */
function isClosedConnection(error: unknown): boolean {
  for (let failure = error as ErrorChain | undefined; failure; failure = failure.cause) {
    if (failure.name === 'TypeError' && CLOSED_CONNECTION_CODES.includes(failure.cause?.code ?? '')) return true;
  }
  return false;
}

interface ErrorChain {
  name?: string;
  code?: string;
  cause?: ErrorChain;
}

function describeError(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

/** The SDK's default child environment (PATH, HOME, ...), without the rest of the server's. */
function inheritedEnv(): Record<string, string> {
  const keys = process.platform === 'win32' ? ['APPDATA', 'PATH', 'SYSTEMROOT', 'TEMP', 'USERPROFILE'] : ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER'];
  return Object.fromEntries(keys.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]!]));
}
