import { HttpStatus } from '@nestjs/common';
import { IdleSessionEvictor, LeaseLostError, SessionBackends, SessionStateStore, UserLease, UserOwnedElsewhereError, UserOwnership, UserscopeHttpError } from '@userscope/runtime';
import { startServer, TestServer } from './support/test-server';

/** Ownership as a cluster would grant it, recorded; `others` are users another replica holds. */
class RecordingOwnership implements UserOwnership {
  readonly log: string[] = [];
  readonly others = new Set<string>();
  private tokens = 0;
  readonly lost = new Map<string, () => void>();
  async claim(userId: string, onLost: () => void): Promise<UserLease> {
    if (this.others.has(userId)) throw new UserOwnedElsewhereError(userId, 'replica-b');
    this.log.push(`claim:${userId}`);
    this.lost.set(userId, onLost);
    return { userId, token: ++this.tokens };
  }
  async release(lease: UserLease): Promise<void> {
    this.log.push(`release:${lease.userId}:${lease.token}`);
  }
}

/** Saved states in a Map, refusing writes under any token but the newest. */
class MapStateStore implements SessionStateStore {
  readonly persistent = true;
  readonly states = new Map<string, Map<string, string>>();
  readonly writes: string[] = [];
  readonly newest = new Map<string, number>();
  readonly touched: string[] = [];
  /** Users whose next write fails as a store that does not answer would. */
  readonly failing = new Set<string>();
  touch(lease: UserLease) {
    this.touched.push(lease.userId);
  }
  async load(userId: string) {
    return new Map([...(this.states.get(userId) ?? new Map<string, string>())].map(([key, text]) => [key, JSON.parse(text)]));
  }
  async save(lease: UserLease, changed: Map<string, string>) {
    if ((this.newest.get(lease.userId) ?? lease.token) > lease.token) throw new LeaseLostError(lease.userId);
    if (this.failing.delete(lease.userId)) throw new UserscopeHttpError(HttpStatus.SERVICE_UNAVAILABLE, { code: 'state_store_unavailable', message: 'down' });
    const states = this.states.get(lease.userId) ?? new Map<string, string>();
    for (const [key, text] of changed) states.set(key, text);
    this.states.set(lease.userId, states);
    this.writes.push(`${lease.userId}:${[...changed.values()].join()}`);
  }
  async purge(userId: string) {
    this.states.delete(userId);
  }
}

describe('session backends: ownership and saved state', () => {
  let server: TestServer;
  let ownership: RecordingOwnership;
  let store: MapStateStore;
  const add = (user: string, n: number) => server.post('/generate', { add: n }, user);
  const evictAll = () => server.app.get(IdleSessionEvictor).sweep(Date.now() + 120_000);

  beforeAll(async () => {
    server = await startServer('test/fixtures/stateful.yml');
    ownership = new RecordingOwnership();
    store = new MapStateStore();
    server.app.get(SessionBackends).use({ ownership, state: store });
  });
  afterAll(() => server.close());

  it('claims a user before building, and releases the claim when the session ends', async () => {
    expect((await add('ann', 1)).status).toBe(200);
    await add('ann', 1);
    expect(ownership.log.filter((entry) => entry.includes('ann'))).toEqual(['claim:ann']);
    await evictAll();
    expect(ownership.log.filter((entry) => entry.includes('ann'))).toEqual(['claim:ann', expect.stringMatching(/^release:ann:\d+$/)]);
  });

  it('restores the saved state when the user returns, and saves only calls that changed it', async () => {
    await add('bo', 5);
    await add('bo', 0);
    expect(store.writes.filter((entry) => entry.startsWith('bo:'))).toEqual(['bo:{"total":5}']);
    await evictAll();
    expect((await add('bo', 2)).json).toEqual({ user: 'bo', total: 7 });
    expect(store.writes.filter((entry) => entry.startsWith('bo:'))).toEqual(['bo:{"total":5}', 'bo:{"total":7}']);
  });

  it('answers 503 user_owned_elsewhere when another replica holds the user and nothing forwarded it', async () => {
    ownership.others.add('cy');
    const reply = await add('cy', 1);
    expect(reply.status).toBe(503);
    expect(reply.json).toMatchObject({ code: 'user_owned_elsewhere', details: { replica: 'replica-b' } });
    expect(reply.headers.get('retry-after')).toBe('1');
    ownership.others.delete('cy');
    expect((await add('cy', 1)).json).toEqual({ user: 'cy', total: 1 });
  });

  it('refuses a change made under a superseded claim, drops the stale instances and keeps the newer state', async () => {
    await add('dee', 1);
    store.newest.set('dee', Number.MAX_SAFE_INTEGER); // another replica claimed dee since
    const stale = await add('dee', 100);
    expect(stale.status).toBe(503);
    expect(stale.json.code).toBe('lease_lost');
    expect([...store.states.get('dee')!.values()]).toEqual(['{"total":1}']);
    store.newest.delete('dee');
    // A fresh claim and the saved state; the superseded claim was not this process's to give up.
    expect((await add('dee', 0)).json).toEqual({ user: 'dee', total: 1 });
    expect(ownership.log.filter((entry) => entry.includes('dee'))).toEqual(['claim:dee', 'claim:dee']);
  });

  it('tells the store of a call that changed nothing, so the state lives on from the last activity', async () => {
    await add('fay', 1);
    expect(store.touched.filter((user) => user === 'fay')).toEqual([]);
    await add('fay', 0);
    await add('fay', 0);
    expect(store.touched.filter((user) => user === 'fay')).toEqual(['fay', 'fay']);
  });

  it('fails a call whose change could not be saved, and serves the user next from the last saved state', async () => {
    await add('gus', 2);
    store.failing.add('gus');
    const failed = await add('gus', 40);
    expect(failed.status).toBe(503);
    expect(failed.json.code).toBe('state_store_unavailable');
    // The unsaved 40 went with the instances: a retry applies it once.
    expect((await add('gus', 40)).json).toEqual({ user: 'gus', total: 42 });
    expect(ownership.log.filter((entry) => entry.includes('gus'))).toEqual(['claim:gus', expect.stringMatching(/^release:gus:\d+$/), 'claim:gus']);
  });

  it('drops the instances of a user whose claim is lost while idle', async () => {
    await add('eli', 3);
    ownership.lost.get('eli')!();
    await until(() => ownership.log.filter((entry) => entry === 'claim:eli').length === 1);
    expect((await add('eli', 0)).json).toEqual({ user: 'eli', total: 3 });
    expect(ownership.log.filter((entry) => entry === 'claim:eli')).toHaveLength(2);
  });
});

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
