import { SessionRegistry } from '@userscope/runtime';
import { startServer, TestServer } from './support/test-server';
import { openStream, parseEvents } from './support/event-stream';
import { StreamLog } from './fixtures/streaming.plugin';

const CONFIG = 'test/fixtures/streaming.yml';

/** POSTs to /generate/stream as `user` and reads the whole reply. */
async function postStream(server: TestServer, body: unknown, user?: string) {
  const response = await fetch(`${server.url}/generate/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(user ? { cookie: `nat-session=${user}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('POST /generate/stream', () => {
  describe('a streaming workflow (word_stream)', () => {
    let server: TestServer;
    let sessions: SessionRegistry;
    beforeAll(async () => {
      server = await startServer(CONFIG, { ...process.env, STREAM_WORKFLOW: 'word_stream' });
      sessions = server.app.get(SessionRegistry);
    });
    afterAll(() => server.close());
    beforeEach(() => {
      StreamLog.runs = [];
    });

    it('sends each chunk as a data event, then an end event', async () => {
      const reply = await postStream(server, { text: 'Hello streaming world' }, 'alice');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('text/event-stream');
      expect(reply.headers.get('cache-control')).toBe('no-cache');
      expect(reply.headers.get('connection')).toBe('keep-alive');
      expect(reply.text).toBe('data: "Hello"\n\ndata: " streaming"\n\ndata: " world"\n\nevent: end\ndata: {}\n\n');
      expect(parseEvents(reply.text)).toEqual([
        { event: 'message', data: 'Hello' },
        { event: 'message', data: ' streaming' },
        { event: 'message', data: ' world' },
        { event: 'end', data: {} },
      ]);
      expect(sessions.get('alice')?.activeRequests).toBe(0);
    });

    it("streams with each user's own function instance", async () => {
      await postStream(server, { text: 'one' }, 'carol');
      await postStream(server, { text: 'two' }, 'carol');
      await postStream(server, { text: 'three' }, 'dan');
      expect(StreamLog.runs.map(({ user, stream, ending }) => ({ user, stream, ending }))).toEqual([
        { user: 'carol', stream: 1, ending: 'completed' },
        { user: 'carol', stream: 2, ending: 'completed' },
        { user: 'dan', stream: 1, ending: 'completed' },
      ]);
    });

    it('answers /generate with the collected chunks of a stream-only function', async () => {
      const reply = await server.post('/generate', { text: 'Hello streaming world' }, 'erin');
      expect(reply.status).toBe(200);
      expect(reply.json).toBe('Hello streaming world');
    });

    it.each([
      ['a body that does not match the input schema', { text: 5 }, 'frank', 'invalid_input'],
      ['a malformed session id', { text: 'hi' }, 'fr/ank', 'invalid_session_id'],
    ])('answers %s with a JSON 400 before streaming', async (_label, body, user, code) => {
      const reply = await postStream(server, body, user);
      expect(reply.status).toBe(400);
      expect(reply.headers.get('content-type')).toContain('application/json');
      expect(JSON.parse(reply.text).code).toBe(code);
      expect(StreamLog.runs).toEqual([]);
    });

    it('answers a caller without identity with a JSON 401 before streaming', async () => {
      const reply = await postStream(server, { text: 'hi' });
      expect(reply.status).toBe(401);
      expect(reply.headers.get('content-type')).toContain('application/json');
      expect(JSON.parse(reply.text)).toEqual({ code: 'missing_identity', message: expect.stringContaining("'nat-session' cookie") });
      expect(StreamLog.runs).toEqual([]);
    });

    it('ends with an error event when the function throws mid-stream', async () => {
      const reply = await postStream(server, { text: 'one two three four', fail_after: 2 }, 'grace');
      expect(reply.status).toBe(200);
      expect(parseEvents(reply.text)).toEqual([
        { event: 'message', data: 'one' },
        { event: 'message', data: ' two' },
        {
          event: 'error',
          data: {
            code: 'workflow_error',
            message: 'word_stream failed after 2 words',
            details: { function: '<workflow>', error: 'Error' },
          },
        },
      ]);
      const session = sessions.get('grace')!;
      expect({ active: session.activeRequests, errors: session.errorCount }).toEqual({ active: 0, errors: 1 });
    });

    it("cancels the function's generator when the client disconnects and releases the request", async () => {
      const words = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(' ');
      const ended = StreamLog.next();
      const stream = await openStream(`${server.url}/generate/stream`, { text: words }, 'heidi');
      expect(stream.response.headers['content-type']).toBe('text/event-stream');
      expect(stream.firstEvent).toEqual({ event: 'message', data: 'w0' });
      expect(sessions.get('heidi')?.activeRequests).toBe(1);

      stream.request.destroy();
      const run = await ended;
      expect(run).toMatchObject({ user: 'heidi', ending: 'cancelled' });
      expect(run.words).toBeLessThan(1000);
      // The generator's finally ran; the runner's own finally follows within the same turn of the loop.
      await new Promise(setImmediate);
      expect(sessions.get('heidi')?.activeRequests).toBe(0);
    });
  });

  describe('a workflow with a single output (single_echo)', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(CONFIG, { ...process.env, STREAM_WORKFLOW: 'single_echo' });
    });
    afterAll(() => server.close());

    it('streams its output as one event, then the end event', async () => {
      const reply = await postStream(server, { text: 'hi' }, 'ivan');
      expect(reply.status).toBe(200);
      expect(parseEvents(reply.text)).toEqual([
        { event: 'message', data: { echo: 'hi', calls: 1 } },
        { event: 'end', data: {} },
      ]);
    });
  });
});
