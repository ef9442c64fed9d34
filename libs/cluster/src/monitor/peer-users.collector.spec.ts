import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MonitorBackends } from '@userscope/http';
import { ClusterConfig } from '../config/cluster.config';
import { DirectoryListing, ReplicaRecord } from '../directory/replica-entry.interface';
import { ReplicaDirectory } from '../directory/replica.directory';
import { ReplicaIdentity } from '../replica/replica.identity';
import { PeerUsersCollector } from './peer-users.collector';

type Handler = (url: URL, authorization: string | undefined) => { status: number; body: string } | 'hang';

/** A peer replica's HTTP side, answering as `handler` says. */
async function peer(handler: Handler): Promise<{ address: string; server: Server; seen: { url: string; authorization?: string }[] }> {
  const seen: { url: string; authorization?: string }[] = [];
  const server = createServer((request, response) => {
    seen.push({ url: request.url!, authorization: request.headers.authorization });
    const answer = handler(new URL(request.url!, 'http://peer'), request.headers.authorization);
    if (answer === 'hang') return;
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

const record = (id: string, address: string): ReplicaRecord => ({ id, version: '1', address, users: 0, started_at: '', heartbeat_at: '', instance: id });
const user = (id: string, replica?: string) => ({ user_id: id, ...(replica ? { replica } : {}), session: {}, requests: {}, memory: {}, llm: {} });

describe('PeerUsersCollector', () => {
  const servers: Server[] = [];
  afterAll(() =>
    servers.forEach((server) => {
      server.closeAllConnections();
      server.close();
    }),
  );

  function collector(listing: DirectoryListing): PeerUsersCollector {
    const config = Object.assign(new ClusterConfig(), { redis_url: 'redis://x', replica_id: 'r1', monitor_timeout: 0.3 });
    const directory = { list: async () => listing } as unknown as ReplicaDirectory;
    return new PeerUsersCollector(new ReplicaIdentity(config), directory, new MonitorBackends(), config);
  }

  it("asks each other replica for its own users with the caller's credentials, and says why any did not answer", async () => {
    const good = await peer(() => ({ status: 200, body: JSON.stringify({ total_active_users: 2, users: [user('ann', 'r2'), user('old')] }) }));
    const refusing = await peer(() => ({ status: 403, body: JSON.stringify({ code: 'forbidden', message: 'The admin token is not valid.' }) }));
    const garbled = await peer(() => ({ status: 200, body: '<html>' }));
    const hanging = await peer(() => 'hang');
    servers.push(good.server, refusing.server, garbled.server, hanging.server);
    const closed = await peer(() => 'hang');
    await new Promise((resolve) => closed.server.close(resolve));

    const started = performance.now();
    const report = await collector({
      replicas: [
        record('r1', 'http://127.0.0.1:1'), // this replica: not asked
        record('r2', good.address),
        record('r3', refusing.address),
        record('r4', garbled.address),
        record('r5', hanging.address),
        record('r6', closed.address),
        record('r7', ''), // starting: listens nowhere yet
      ],
      gone: [{ id: 'r8', heartbeat_at: '2026-01-01T00:00:00.000Z' }],
    }).peerUsers({ userId: 'ann', authorization: 'Bearer t' });
    // In parallel: the whole within about one timeout.
    expect(performance.now() - started).toBeLessThan(1_000);

    expect(good.seen).toEqual([{ url: '/monitor/users?scope=local&user_id=ann', authorization: 'Bearer t' }]);
    expect(report.users.map((entry) => [entry.user_id, entry.replica])).toEqual([
      ['ann', 'r2'],
      ['old', 'r2'],
    ]);
    expect(report.totalActiveUsers).toBe(2);
    expect(report.missing).toEqual([
      { id: 'r3', address: refusing.address, reason: 'answered 403: The admin token is not valid.' },
      { id: 'r4', address: garbled.address, reason: 'answered with a body that is not a monitor reply' },
      { id: 'r5', address: hanging.address, reason: 'no answer within 300 ms' },
      { id: 'r6', address: closed.address, reason: 'unreachable: ECONNREFUSED' },
      { id: 'r8', address: '', reason: 'gone: its directory entry expired without it leaving (last heartbeat 2026-01-01T00:00:00.000Z)' },
    ]);
  });

  it('puts itself in MonitorBackends at init', () => {
    const backends = new MonitorBackends();
    const config = Object.assign(new ClusterConfig(), { redis_url: 'redis://x', replica_id: 'r1' });
    const instance = new PeerUsersCollector(new ReplicaIdentity(config), {} as ReplicaDirectory, backends, config);
    instance.onModuleInit();
    expect(backends.cluster).toBe(instance);
    expect(backends.cluster!.replicaId).toBe('r1');
  });
});
