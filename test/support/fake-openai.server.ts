import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** One scripted answer of the fake server to a `POST /v1/chat/completions`. */
export interface ScriptedReply {
  /** HTTP status; an error status answers `{"error": {"message": error}}`. Default 200. */
  status?: number;
  error?: string;
  headers?: Record<string, string>;
  content?: string;
  toolCalls?: { name: string; arguments: unknown; id?: string }[];
  /** The `usage` to report; `null` reports none (as some servers do). Default: a fixed count from the text. */
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  /** Never answer: the request stays open until the client gives up (a timeout). */
  hang?: boolean;
  /** Streamed: send the first word, then nothing more (a server that stalls mid-stream). */
  stall?: boolean;
  /** Streamed: send the words of `content` over and over, one per turn of the event loop, until the client goes away. */
  endless?: boolean;
}

/** A request the fake received. */
export interface ReceivedRequest {
  body: any;
  headers: IncomingMessage['headers'];
  /** When it arrived, its body read (`performance.now()`). */
  at: number;
  /** Settles when the client closed the request (it timed out, or was done). */
  closed: Promise<void>;
}

/**
 * An OpenAI-protocol server on 127.0.0.1 for tests: each request takes the next scripted reply (or
 * the fallback, which answers with the last user message), streamed as chunks when the request asks
 * for a stream. It records every request so tests can see what the model was sent.
 */
export class FakeOpenAiServer {
  readonly requests: ReceivedRequest[] = [];
  private readonly script: ScriptedReply[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  fallback: (body: any) => ScriptedReply = (body) => ({ content: lastUserText(body) });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeOpenAiServer> {
    const server = createServer();
    const fake = new FakeOpenAiServer(server);
    server.on('request', (request, response) => void fake.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The API root to configure as `base_url`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Queues replies for the next requests, in order. */
  reply(...replies: ScriptedReply[]): void {
    this.script.push(...replies);
  }

  /** Forgets requests and queued replies. */
  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
    this.fallback = (body) => ({ content: lastUserText(body) });
  }

  /** Settles once `count` requests have arrived in all. */
  received(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Drops every open connection: a hanging request fails on the client's side. */
  dropConnections(): void {
    this.server.closeAllConnections();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let text = '';
    for await (const piece of request) text += piece;
    const body = text ? JSON.parse(text) : {};
    const closed = new Promise<void>((resolve) => response.once('close', () => resolve()));
    this.requests.push({ body, headers: request.headers, at: performance.now(), closed });
    this.waiters = this.waiters.filter((waiter) => (waiter.count <= this.requests.length ? (waiter.resolve(), false) : true));

    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      return send(response, 404, { error: { message: `no route ${request.method} ${request.url}`, type: 'invalid_request_error' } });
    }
    const reply = this.script.shift() ?? this.fallback(body);
    if (reply.hang) return; // answered by nobody: the client's timeout ends it
    const status = reply.status ?? 200;
    if (status >= 400) return send(response, status, { error: { message: reply.error ?? `status ${status}`, type: 'error', code: null } }, reply.headers);
    const completion = completionOf(body, reply);
    if (body.stream) return streamCompletion(response, completion, body.stream_options?.include_usage === true, reply.headers, reply);
    send(response, 200, completion, reply.headers);
  }
}

function lastUserText(body: any): string {
  const users = (body.messages ?? []).filter((message: any) => message.role === 'user');
  return String(users[users.length - 1]?.content ?? '');
}

let calls = 0;

function completionOf(body: any, reply: ScriptedReply) {
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({
    id: call.id ?? `call_${++calls}`,
    type: 'function',
    function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
  }));
  const content = reply.content ?? (toolCalls.length > 0 ? null : '');
  const usage =
    reply.usage === null
      ? undefined
      : (reply.usage ?? { prompt_tokens: 11 * (body.messages?.length ?? 1), completion_tokens: (content ?? '').split(' ').length + toolCalls.length });
  return {
    id: `chatcmpl-fake-${++calls}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: body.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
      },
    ],
    ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
  };
}

/** The completion as OpenAI streams it: role, text in words, tool calls in pieces, finish, usage chunk, [DONE]. */
function streamCompletion(
  response: ServerResponse,
  completion: ReturnType<typeof completionOf>,
  includeUsage: boolean,
  headers: Record<string, string> = {},
  { stall = false, endless = false }: ScriptedReply = {},
): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
  const base = { id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model };
  const write = (choices: unknown[], extra: object = {}) => response.write(`data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`);
  const { message, finish_reason } = completion.choices[0];
  write([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  if (endless) {
    const words = message.content?.match(/\s*\S+/g) ?? ['…'];
    let next = 0;
    const drip = () => {
      if (response.destroyed) return;
      write([{ index: 0, delta: { content: words[next++ % words.length] }, finish_reason: null }]);
      setImmediate(drip);
    };
    return drip();
  }
  for (const word of message.content?.match(/\s*\S+/g) ?? []) {
    write([{ index: 0, delta: { content: word }, finish_reason: null }]);
    if (stall) return; // the rest never comes; the client's leaving closes the response
  }
  (message.tool_calls ?? []).forEach((call, index) => {
    const half = Math.ceil(call.function.arguments.length / 2);
    write([{ index: 0, delta: { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments.slice(0, half) } }] }, finish_reason: null }]);
    write([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: call.function.arguments.slice(half) } }] }, finish_reason: null }]);
  });
  write([{ index: 0, delta: {}, finish_reason }]);
  if (includeUsage && completion.usage) write([], { usage: completion.usage });
  response.end('data: [DONE]\n\n');
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
