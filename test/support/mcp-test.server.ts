import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/** One HTTP request the MCP server received. */
export interface McpCall {
  method: string;
  authorization: string | undefined;
  sessionId: string | undefined;
  /** The JSON-RPC method of a POST (`initialize`, `tools/call`, ...). */
  rpc?: string;
}

/**
 * A Streamable HTTP MCP server made with the SDK, on 127.0.0.1, for tests. It keeps sessions (so
 * it answers 404 to a session it does not know, as after a restart), records the Authorization
 * and mcp-session-id of every request, and serves `whoami` (the Authorization its call carried)
 * and `add` (a + b); started with `{ slow: true }`, also `slow`, which answers once the test
 * releases it (see holdSlowCalls).
 */
export class McpTestServer {
  readonly calls: McpCall[] = [];
  private sessions = new Map<string, StreamableHTTPServerTransport>();
  private server: Server | undefined;
  /** What a `slow` call waits for. */
  private gate: Promise<void> = Promise.resolve();
  /** Each is asked after every request; true when it is done waiting. */
  private waiters: (() => boolean)[] = [];

  private constructor(
    private port: number,
    private readonly options: { slow?: boolean },
  ) {}

  static async start(port = 0, options: { slow?: boolean } = {}): Promise<McpTestServer> {
    const mcp = new McpTestServer(port, options);
    await mcp.listen();
    return mcp;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  /** The DELETEs that ended a session, by session id. */
  deletes(): McpCall[] {
    return this.calls.filter((call) => call.method === 'DELETE');
  }

  /** Resolves once `count` requests in all match `which` (a session the client ends on a timer, a call in flight). */
  received(count: number, which: (call: McpCall) => boolean, timeoutMs = 10_000): Promise<void> {
    const seen = () => this.calls.filter(which).length;
    if (seen() >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${count} matching requests, saw ${seen()}`)), timeoutMs);
      this.waiters.push(() => {
        if (seen() < count) return false;
        clearTimeout(timer);
        resolve();
        return true;
      });
    });
  }

  /** Holds every `slow` call until the function returned is called. */
  holdSlowCalls(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    return () => {
      release();
      this.gate = Promise.resolve();
    };
  }

  /** Stops and starts again on the same port, every session forgotten. */
  async restart(): Promise<void> {
    await this.close();
    await this.listen();
  }

  /** Forgets every session but keeps listening and its connections open: the next call of one is a 404. */
  forgetSessions(): void {
    this.sessions = new Map();
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const transport of this.sessions.values()) await transport.close().catch(() => undefined);
    this.sessions = new Map();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async listen(): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private async handle(request: IncomingMessage, response: import('node:http').ServerResponse): Promise<void> {
    const sessionId = request.headers['mcp-session-id'] as string | undefined;
    let body: any;
    if (request.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    }
    this.calls.push({ method: request.method!, authorization: request.headers.authorization, sessionId, ...(body?.method ? { rpc: body.method } : {}) });
    this.waiters = this.waiters.filter((done) => !done());
    let transport = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId || body?.method !== 'initialize') {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
        return;
      }
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void this.sessions.set(id, created),
      });
      created.onclose = () => {
        if (created.sessionId) this.sessions.delete(created.sessionId);
      };
      await this.serverFor().connect(created);
      transport = created;
    }
    await transport.handleRequest(request as never, response, body);
  }

  private serverFor(): McpServer {
    const server = new McpServer({ name: 'userscope-test-mcp', version: '1.0.0' });
    server.registerTool('whoami', { description: 'The Authorization header this call carried', inputSchema: {} }, (_args, extra) => ({
      content: [{ type: 'text', text: String(extra.requestInfo?.headers.authorization ?? '') }],
    }));
    server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
    }));
    if (this.options.slow) {
      server.registerTool('slow', { description: 'Answers once the test releases it', inputSchema: {} }, async () => {
        await this.gate;
        return { content: [{ type: 'text', text: 'done' }] };
      });
    }
    return server;
  }
}
