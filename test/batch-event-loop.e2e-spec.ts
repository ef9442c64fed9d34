import { BatchApi } from './support/batch-api';
import { startServer, TestServer } from './support/test-server';

/**
 * Runs whose nodes do no I/O (templates; per-user functions on the memory store) must still let the
 * server answer: the server shares this process's event loop, so /health answers late exactly when
 * the run holds the loop.
 */
describe('a batch run without I/O keeps the server responsive', () => {
  const USERS = 20_000;
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    server = await startServer('test/fixtures/batch-scale.yml');
    api = new BatchApi(server.url);
    const users = Array.from({ length: USERS }, (_, i) => ({ id: `u${i}`, name: `User ${i}`, role: i % 2 ? 'Designer' : 'Engineer' }));
    for (let i = 0; i < USERS; i += 5000) await api.importUsers(users.slice(i, i + 5000)); // under the body limit
  }, 30_000);
  afterAll(() => server.close());

  /** Pings /health back to back while `work` runs; the slowest answer, in ms. */
  async function slowestHealthDuring(work: () => Promise<void>): Promise<number> {
    let done = false;
    let slowest = 0;
    const pinger = (async () => {
      while (!done) {
        const started = performance.now();
        expect((await api.get('/health')).status).toBe(200);
        slowest = Math.max(slowest, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      await work();
    } finally {
      done = true;
      await pinger;
    }
    return slowest;
  }

  // The first run also opens each user's session; the later ones find them open, and never wait for anything.
  it.each(['greeting', 'welcome-note', 'greeting'])('answers /health within 200 ms throughout a %s run for 20,000 users', async (workflowId) => {
    let status = '';
    const slowest = await slowestHealthDuring(async () => {
      const { runId } = await api.startRun({ workflowId, all: true, concurrency: 50 });
      status = (await api.finished(runId, 25_000)).status;
    });
    expect(status).toBe('completed');
    expect(slowest).toBeLessThan(200);
  }, 30_000);
});
