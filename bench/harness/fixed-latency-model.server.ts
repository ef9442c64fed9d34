import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * An OpenAI-protocol chat completions server on 127.0.0.1 that answers every request after a fixed
 * latency, like a model server under steady load. It counts requests, the most in flight at once, and
 * the requests whose client left before the reply (an aborted call).
 * The reply echoes the prompt's last user message; asked for a JSON schema, it fills the schema.
 */
export class FixedLatencyModelServer {
  requests = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Requests whose connection closed before their reply was sent: the caller aborted them. */
  aborted = 0;
  /** The user messages received, in arrival order. */
  readonly prompts: string[] = [];
  /** While set (`hold()`), replies wait for `release()` before their latency starts. */
  private held?: { released: Promise<void>; release: () => void };

  private constructor(
    private readonly server: Server,
    /** How long each reply takes; a test may change it between runs. */
    public latencyMs: number,
  ) {}

  static async start(latencyMs: number): Promise<FixedLatencyModelServer> {
    const server = createServer();
    server.keepAliveTimeout = 60_000;
    const model = new FixedLatencyModelServer(server, latencyMs);
    server.on('request', (request, response) => void model.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return model;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Holds every reply, those in flight and the next ones, until `release()`: a test decides when calls end. */
  hold(): void {
    if (this.held) return;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.held = { released, release };
  }

  release(): void {
    this.held?.release();
    this.held = undefined;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of request) text += chunk;
    this.requests++;
    // A caller that leaves before the reply closes the connection: counted, and its wait ends.
    let gone = false;
    const left = new Promise<void>((resolve) =>
      response.once('close', () => {
        gone = !response.writableEnded;
        if (gone) this.aborted++;
        resolve();
      }),
    );
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const body = JSON.parse(text || '{}');
      const prompt: string = [...(body.messages ?? [])].reverse().find((m: { role: string }) => m.role === 'user')?.content ?? '';
      this.prompts.push(prompt);
      if (this.held) await Promise.race([this.held.released, left]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, this.latencyMs))), left]);
      clearTimeout(timer);
      if (gone) return;
      const schema = body.response_format?.json_schema?.schema;
      const content = schema ? JSON.stringify(fill(schema, prompt)) : `Reply to: ${prompt}`;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: `chatcmpl-${this.requests}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model ?? 'fixed-latency',
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 },
        }),
      );
    } finally {
      this.inFlight--;
    }
  }
}

/** A value matching the common JSON schema keywords; strings are `text`. */
function fill(schema: Record<string, any>, text: string): unknown {
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, sub]) => [key, fill(sub as Record<string, any>, text)]));
    case 'array':
      return [fill(schema.items ?? { type: 'string' }, text)];
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return true;
    default:
      return text;
  }
}
