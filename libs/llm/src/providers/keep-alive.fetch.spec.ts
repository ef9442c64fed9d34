import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { keepAliveFetch } from './keep-alive.fetch';

describe('keepAliveFetch', () => {
  let server: Server;
  let base: string;
  const connections = new Set<unknown>();
  let handler: (request: IncomingMessage, response: ServerResponse, body: string) => void;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => handler(request, response, body));
    });
    server.on('connection', (socket) => connections.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => connections.clear());

  it('sends the method, headers and body, and answers with the status, headers and body as fetch does', async () => {
    handler = (request, response, body) => {
      response.writeHead(201, { 'content-type': 'application/json', 'x-seen': `${request.method} ${request.headers.authorization}` });
      response.end(JSON.stringify({ echoed: JSON.parse(body) }));
    };
    const response = await keepAliveFetch()(`${base}/v1/chat`, {
      method: 'POST',
      headers: new Headers({ authorization: 'Bearer k', 'content-type': 'application/json' }),
      body: JSON.stringify({ a: 1 }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-seen')).toBe('POST Bearer k');
    expect(await response.json()).toEqual({ echoed: { a: 1 } });
  });

  it('keeps the connection open for the next call', async () => {
    handler = (_request, response) => response.end('ok');
    const fetch = keepAliveFetch();
    for (let i = 0; i < 3; i++) expect(await (await fetch(`${base}/`)).text()).toBe('ok');
    expect(connections.size).toBe(1);
  });

  it('answers a 204 with no body', async () => {
    handler = (_request, response) => response.writeHead(204).end();
    const response = await keepAliveFetch()(`${base}/`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('hands on an event stream as it comes, and ends it with an AbortError when the signal aborts', async () => {
    handler = (_request, response) => response.writeHead(200, { 'content-type': 'text/event-stream' }).write('first part');
    const controller = new AbortController();
    const response = await keepAliveFetch()(`${base}/`, { signal: controller.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first part');
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reads any other body whole before answering, and rejects with an AbortError when the signal aborts meanwhile', async () => {
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    handler = (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).write('{"partial":', () => wrote());
    const controller = new AbortController();
    const pending = keepAliveFetch()(`${base}/`, { signal: controller.signal });
    await written;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects with an AbortError for a signal aborted before the call, and with the cause for a refused connection', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(keepAliveFetch()(`${base}/`, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(keepAliveFetch()(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
