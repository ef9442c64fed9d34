import { ServerSentEvent } from './event-stream';

/** A reply of the batch API: status, headers, body text (a BOM kept) and its JSON (undefined when not JSON). */
export interface ApiReply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** A small client of the operator routes (`/api/...`) of one server. */
export class BatchApi {
  constructor(readonly url: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiReply> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    // Decoded by hand: Response.text() would drop a leading BOM, which the CSV exports must have.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
    let json: unknown;
    try {
      json = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  get = (path: string) => this.call('GET', path);
  post = (path: string, body: unknown = {}, headers?: Record<string, string>) => this.call('POST', path, body, headers);
  put = (path: string, body: unknown) => this.call('PUT', path, body);
  delete = (path: string) => this.call('DELETE', path);

  /** POSTs CSV text to the import route. */
  importCsv(csv: string, query = ''): Promise<ApiReply> {
    return this.call('POST', `/api/users/import${query}`, csv, { 'content-type': 'text/csv; charset=utf-8' });
  }

  /** Starts a run; fails the test unless the server accepted it. */
  async startRun(body: Record<string, unknown>): Promise<{ runId: string; executions: { userId: string; workflowId: string }[] }> {
    const reply = await this.post('/api/runs', body);
    if (reply.status !== 202) throw new Error(`run not started: ${reply.status} ${reply.text}`);
    return reply.json;
  }

  /** Polls the run until it is no longer queued or running; returns the finished `Run`. */
  async finished(runId: string, timeoutMs = 10_000): Promise<any> {
    let run: any;
    await until(async () => {
      run = (await this.get(`/api/runs/${runId}`)).json;
      return run.status !== 'queued' && run.status !== 'running';
    }, timeoutMs);
    return run;
  }

  /** Creates users from a JSON array through the import route. */
  async importUsers(users: Record<string, unknown>[]): Promise<void> {
    const reply = await this.post('/api/users/import', users);
    if (reply.status !== 200 || reply.json.rejected.length > 0) throw new Error(`import failed: ${reply.text}`);
  }
}

/** Reads a run's event stream with fetch until the server ends it; returns its events in order. */
export async function readRunEvents(url: string, onEvent?: (event: ServerSentEvent) => void, timeoutMs = 10_000): Promise<{ contentType: string | null; events: ServerSentEvent[] }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const events: ServerSentEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body!.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice('event: '.length);
        else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
      }
      const parsed = { event, data: JSON.parse(data.join('\n')) };
      events.push(parsed);
      onEvent?.(parsed);
    }
  }
  return { contentType: response.headers.get('content-type'), events };
}

/** Waits until `condition` holds, checking every few milliseconds. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `count` users `u000`, `u001`, ... with a name, a department and nested preferences. */
export function makeUsers(count: number, prefix = 'u'): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(3, '0');
    return { id: `${prefix}${n}`, name: `User ${prefix.toUpperCase()}${n}`, department: i % 2 ? 'Sales' : 'Marketing', preferences: { platform: 'LinkedIn' } };
  });
}
