import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OwnerLiveness } from './owner.liveness';

/** A replica's HTTP side that answers /health, or takes the connection and never answers (a paused process). */
async function replica(answers: boolean): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    if (answers) response.writeHead(503).end('{"status":"draining"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('OwnerLiveness', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => (server.closeAllConnections(), server.close())));

  it('counts any answer of /health as alive, and a taken but unanswered connection as not, within the probe timeout', async () => {
    const [alive, frozen] = await Promise.all([replica(true), replica(false)]);
    servers.push(alive.server, frozen.server);
    const liveness = new OwnerLiveness(300);
    expect(await liveness.answers({ replica: 'r1', url: alive.url })).toBe(true);
    const started = performance.now();
    expect(await liveness.answers({ replica: 'r2', url: frozen.url })).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(await liveness.answers({ replica: 'r3', url: 'http://127.0.0.1:1' })).toBe(false);
  });

  it('remembers an unresponsive replica for what its lease had left, or until it answers again', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const liveness = new OwnerLiveness(10_000);
      liveness.markUnresponsive('r1', 3_000);
      liveness.markUnresponsive('r2', 0); // its lease ran out already: nothing to wait for
      expect([liveness.isUnresponsive('r1'), liveness.isUnresponsive('r2')]).toEqual([true, false]);
      jest.setSystemTime(1_002_999);
      expect(liveness.isUnresponsive('r1')).toBe(true);
      jest.setSystemTime(1_003_000);
      expect(liveness.isUnresponsive('r1')).toBe(false);
      liveness.markUnresponsive('r1', 3_000);
      liveness.markAlive('r1');
      expect(liveness.isUnresponsive('r1')).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });
});
