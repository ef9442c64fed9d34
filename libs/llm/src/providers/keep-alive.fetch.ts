import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

const IDLE_SOCKET_MS = 4_000;

/** The null-body statuses, for which a Response must be built without a body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The `fetch` an `openai` client is given: one request on node:http(s) over keep-alive agents of its own.
 * With the global fetch (undici) the client spends about 1.1 ms of CPU per call on loopback, with this one a
 * quarter to a half less (bench/RESULTS.md, batch run); on a batch of 1,000 calls at concurrency 100 that CPU
 * is the wall. An event stream is answered as it comes; any other reply once read whole (the client's timeout then
 * covers the body too). Bodies the client sends for chat are strings; any other body (a stream, a form), or a
 * URL that is not http(s), goes to the global fetch.
 */
export function keepAliveFetch(): typeof fetch {
  // An idle connection is closed after 4 s (undici's default) unless the server's Keep-Alive header says sooner.
  const options = { keepAlive: true, timeout: IDLE_SOCKET_MS };
  const agents = { 'http:': new http.Agent(options), 'https:': new https.Agent(options) };
  return (input, init = {}) => {
    const { body } = init;
    const url = typeof input === 'string' || input instanceof URL ? new URL(input) : undefined;
    const agent = url && agents[url.protocol as keyof typeof agents];
    if (!url || !agent || (body != null && typeof body !== 'string' && !(body instanceof Uint8Array))) return fetch(input, init);
    return request(url, agent, init, body ?? undefined);
  };
}

function request(url: URL, agent: http.Agent, init: RequestInit, body: string | Uint8Array | undefined): Promise<Response> {
  const { signal } = init;
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const send = url.protocol === 'https:' ? https.request : http.request;
    let incoming: http.IncomingMessage | undefined;
    // An abort ends the request, or the body being read, with the AbortError the client knows from fetch.
    const onAbort = () => (incoming ?? outgoing).destroy(abortError(signal!));
    const done = () => signal?.removeEventListener('abort', onAbort);
    const outgoing = send(url, { method: init.method ?? 'GET', agent, headers: plainHeaders(init.headers) }, (response) => {
      incoming = response;
      incoming.once('close', done);
      const status = incoming.statusCode ?? 0;
      const reply = (body: ConstructorParameters<typeof Response>[0]) => resolve(new Response(body, { status, statusText: incoming!.statusMessage, headers: headersOf(incoming!) }));
      if (NULL_BODY_STATUSES.has(status) || init.method === 'HEAD') {
        incoming.resume();
        return reply(null);
      }
      // An event stream is handed on as it comes; any other body is read whole first (as .json() would),
      // which spares a web stream per call.
      if (/^text\/event-stream/i.test(incoming.headers['content-type'] ?? '')) return reply(Readable.toWeb(incoming) as ReadableStream<Uint8Array>);
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.once('end', () => reply(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
      incoming.once('error', reject);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.once('close', () => {
      if (!incoming) done();
    });
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}

function headersOf(incoming: http.IncomingMessage): Headers {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  return headers;
}

function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  const plain: Record<string, string> = {};
  if (!headers) return plain;
  if (headers instanceof Headers) headers.forEach((value, name) => (plain[name] = value));
  else if (Array.isArray(headers)) for (const [name, value] of headers) plain[name] = value;
  else Object.assign(plain, headers);
  return plain;
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}
