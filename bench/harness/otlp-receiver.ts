import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A span as an OTLP/JSON export carries it, its attributes made plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  status: { code?: number; message?: string };
}

/**
 * An OTLP HTTP receiver on 127.0.0.1 (tests, benches): it accepts `POST /v1/traces` in the JSON
 * protocol and keeps each body as sent (to search for text that must not be there) and the spans
 * decoded; with `keep: false` (a bench's load) it only counts the exports, their spans and bytes.
 */
export class OtlpReceiver {
  readonly bodies: string[] = [];
  readonly spans: ReceivedSpan[] = [];
  readonly headers: Record<string, string | string[] | undefined>[] = [];
  exports = 0;
  bytes = 0;
  /** Spans received, counted in the text (each span's own `"spanId"` key; its parent's is `parentSpanId`). */
  spanCount = 0;

  private constructor(
    private readonly server: Server,
    private readonly keep: boolean,
  ) {}

  static async start({ keep = true }: { keep?: boolean } = {}): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server, keep);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        let body = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        if (request.method !== 'POST' || request.url !== '/v1/traces' || !String(request.headers['content-type']).startsWith('application/json')) {
          response.writeHead(415).end();
          return;
        }
        receiver.receive(body.toString('utf8'), request.headers);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The traces endpoint to configure. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/traces`;
  }

  /** Resolves once spans matching `done` have all arrived (the exporter batches: a flush at shutdown sends the rest). */
  async waitFor(done: (spans: ReceivedSpan[]) => boolean, timeoutMs = 10_000): Promise<ReceivedSpan[]> {
    const until = Date.now() + timeoutMs;
    while (!done(this.spans)) {
      if (Date.now() > until) throw new Error(`spans not received in ${timeoutMs} ms; got: ${this.spans.map((span) => span.name).join(', ') || 'none'}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.spans;
  }

  reset(): void {
    this.exports = this.bytes = this.spanCount = 0;
    this.bodies.length = 0;
    this.spans.length = 0;
    this.headers.length = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(text: string, headers: Record<string, string | string[] | undefined>): void {
    this.exports++;
    this.bytes += text.length;
    this.spanCount += text.match(/"spanId":/g)?.length ?? 0;
    if (!this.keep) return;
    this.bodies.push(text);
    this.headers.push(headers);
    const body = JSON.parse(text);
    for (const resource of body.resourceSpans ?? []) {
      for (const scope of resource.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || undefined,
            name: span.name,
            kind: span.kind,
            attributes: Object.fromEntries((span.attributes ?? []).map((a: { key: string; value: Record<string, unknown> }) => [a.key, plainValue(a.value)])),
            status: span.status ?? {},
          });
        }
      }
    }
  }
}

/** An OTLP AnyValue as a plain value (`intValue` may come as a string). */
function plainValue(value: Record<string, any>): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(plainValue);
  return value;
}
