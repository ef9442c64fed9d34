import { replicaMonitorEntries } from './replicas.view';

const NOW = Date.parse('2026-01-01T00:00:10.000Z');
const at = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const record = (id: string, msAgo: number) => ({ id, version: '1.0.0', address: `http://${id}:8000`, users: 3, started_at: at(60_000), heartbeat_at: at(msAgo), instance: 'x' });

describe('replicaMonitorEntries', () => {
  it('marks a replica stale after two missed heartbeats and lists gone ones without their entry, sorted by id', () => {
    const entries = replicaMonitorEntries({ replicas: [record('r3', 2_500), record('r1', 500)], gone: [{ id: 'r2', heartbeat_at: at(20_000) }] }, 'r1', 1_000, NOW);
    expect(entries.map(({ id, status, self, heartbeat_age_ms }) => ({ id, status, self, heartbeat_age_ms }))).toEqual([
      { id: 'r1', status: 'live', self: true, heartbeat_age_ms: 500 },
      { id: 'r2', status: 'gone', self: false, heartbeat_age_ms: 20_000 },
      { id: 'r3', status: 'stale', self: false, heartbeat_age_ms: 2_500 },
    ]);
    expect(entries[1]).toMatchObject({ version: null, address: null, users: null, started_at: null });
    expect(entries[0]).toMatchObject({ version: '1.0.0', address: 'http://r1:8000', users: 3 });
  });

  it('does not count a heartbeat from a clock ahead as negative age', () => {
    expect(replicaMonitorEntries({ replicas: [record('r1', -3_000)], gone: [] }, 'r1', 1_000, NOW)[0]).toMatchObject({ status: 'live', heartbeat_age_ms: 0 });
  });
});
