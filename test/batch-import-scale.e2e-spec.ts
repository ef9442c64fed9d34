import { BatchApi } from './support/batch-api';
import { slowestAnswerDuring } from './support/latency-pinger';
import { startServer, TestServer } from './support/test-server';

/**
 * A large CSV import is parsed and stored in slices of the event loop: the server keeps answering
 * while it runs (issue 11: a 50 MB import held the loop for 7 s).
 */
describe('a large CSV import keeps the server responsive', () => {
  const ROWS = 200_000;
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    server = await startServer('test/fixtures/batch-import.yml');
    api = new BatchApi(server.url);
  });
  afterAll(() => server.close());

  it(`answers /health within 300 ms throughout a ${ROWS.toLocaleString('en')}-row import, and stores every row`, async () => {
    const lines = ['id,name,role,profile.team'];
    for (let i = 0; i < ROWS; i++) lines.push(`u${i},User ${i},${i % 2 ? 'Designer' : 'Engineer'},team-${i % 7}`);
    const csv = lines.join('\n') + '\n';
    let reply: Awaited<ReturnType<BatchApi['importCsv']>> | undefined;
    const { slowest, pings } = await slowestAnswerDuring(`${server.url}/health`, async () => {
      reply = await api.importCsv(csv);
    });
    expect(reply!.status).toBe(200);
    expect(reply!.json).toEqual({ imported: ROWS, rejected: [] });
    expect(pings).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(300);
    const last = await api.get(`/api/users/u${ROWS - 1}`);
    expect(last.json).toEqual({ id: `u${ROWS - 1}`, name: `User ${ROWS - 1}`, role: 'Designer', profile: { team: `team-${(ROWS - 1) % 7}` } });
  }, 30_000);
});
