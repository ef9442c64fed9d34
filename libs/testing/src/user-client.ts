/** A reply read whole: status, body text, its JSON (when it is JSON), headers. */
export interface TestReply<T = any> {
  status: number;
  text: string;
  json: T;
  headers: Headers;
  setCookie: string[];
}

/** One server-sent event: its name (`message` when unnamed) and its data (parsed when JSON). */
export interface TestStreamEvent {
  event: string;
  data: unknown;
}

/** Sends requests to a test server as one user (or, with no credentials, as nobody). */
export class UserClient {
  constructor(
    readonly url: string,
    private readonly credentials: Record<string, string>,
  ) {}

  /** `POST /generate`: runs the workflow as this user (`body` sent as JSON, a string too). */
  generate<T = any>(body: unknown): Promise<TestReply<T>> {
    return this.post('/generate', JSON.stringify(body));
  }

  /** `POST /chat`: one chat turn as this user. */
  chat<T = any>(body: unknown): Promise<TestReply<T>> {
    return this.post('/chat', JSON.stringify(body));
  }

  /** `POST /generate/stream` (or another event-stream route): the events, once the stream has ended. */
  async stream(body: unknown, path = '/generate/stream'): Promise<TestStreamEvent[]> {
    const reply = await this.post(path, JSON.stringify(body));
    if (reply.status !== 200) throw new Error(`POST ${path} answered ${reply.status}: ${reply.text}`);
    return parseEvents(reply.text);
  }

  /** POSTs `body` to `path` as JSON; a string is sent as it is (to send a malformed body, say). */
  post<T = any>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<TestReply<T>> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** GETs `path`. */
  get<T = any>(path: string, headers: Record<string, string> = {}): Promise<TestReply<T>> {
    return this.request(path, { headers });
  }

  /** Any request, with this user's credentials added to its headers. */
  async request<T = any>(path: string, init: RequestInit = {}): Promise<TestReply<T>> {
    const headers = { ...this.credentials, ...(init.headers as Record<string, string> | undefined) };
    const response = await fetch(`${this.url}${path}`, { ...init, headers });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json, headers: response.headers, setCookie: response.headers.getSetCookie() };
  }
}

/** The events of a complete `text/event-stream` body; JSON data parsed. */
export function parseEvents(text: string): TestStreamEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim().length > 0)
    .map((block) => {
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice('event: '.length);
        else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
      }
      const joined = data.join('\n');
      try {
        return { event, data: JSON.parse(joined) };
      } catch {
        return { event, data: joined };
      }
    });
}
