import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';

/** One HTTP request the SSE MCP server received: the stream's GET or a message's POST. */
export interface SseCall {
  method: string;
  authorization: string | undefined;
  sessionId: string | undefined;
}

/**
 * An MCP server on the SDK's (older) HTTP+SSE transport, on 127.0.0.1, for tests: `GET /sse` opens a
 * session's event stream, `POST /messages?sessionId=` carries its messages. It records the
 * Authorization of every request, knows which streams are open, and serves `whoami` (the
 * Authorization the call's POST carried).
 */
export class McpSseTestServer {
  readonly calls: SseCall[] = [];
  /** Open streams by session id, with the Authorization of the GET that opened each. */
  readonly open = new Map<string, string | undefined>();
  /** Session ids whose stream the client closed, in order. */
  readonly closed: string[] = [];
  private readonly transports = new Map<string, SSEServerTransport>();
  /** Each is asked on every close; true when it is done waiting. */
  private waiters: (() => boolean)[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<McpSseTestServer> {
    let mcp!: McpSseTestServer;
    const server = createServer((request, response) => void mcp.handle(request, response));
    mcp = new McpSseTestServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return mcp;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sse`;
  }

  /** Resolves once `count` streams in all have been closed: a client's close reaches the server a moment after it returns. */
  closedCount(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.closed.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${count} closed SSE streams, saw ${this.closed.length}`)), timeoutMs);
      this.waiters.push(() => {
        if (this.closed.length < count) return false;
        clearTimeout(timer);
        resolve();
        return true;
      });
    });
  }

  async close(): Promise<void> {
    for (const transport of this.transports.values()) await transport.close().catch(() => undefined);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const authorization = request.headers.authorization;
    if (request.method === 'GET' && url.pathname === '/sse') {
      const transport = new SSEServerTransport('/messages', response);
      const id = transport.sessionId;
      this.calls.push({ method: 'GET', authorization, sessionId: id });
      this.transports.set(id, transport);
      this.open.set(id, authorization);
      response.on('close', () => {
        this.transports.delete(id);
        this.open.delete(id);
        this.closed.push(id);
        this.waiters = this.waiters.filter((done) => !done());
      });
      await this.serverFor().connect(transport);
      return;
    }
    const id = url.searchParams.get('sessionId') ?? undefined;
    this.calls.push({ method: request.method!, authorization, sessionId: id });
    const transport = id ? this.transports.get(id) : undefined;
    if (request.method !== 'POST' || url.pathname !== '/messages' || !transport) {
      response.writeHead(404).end('no such session');
      return;
    }
    await transport.handlePostMessage(request, response);
  }

  private serverFor(): McpServer {
    const server = new McpServer({ name: 'userscope-test-sse-mcp', version: '1.0.0' });
    server.registerTool('whoami', { description: 'The Authorization header this call carried', inputSchema: {} }, (_args, extra) => ({
      content: [{ type: 'text', text: String(extra.requestInfo?.headers.authorization ?? '') }],
    }));
    return server;
  }
}
