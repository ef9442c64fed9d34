import { request as httpRequest } from 'node:http';
import { adminGet, ClusterHarness, eventually, generate, Replica } from './support/cluster-harness';
import { REDIS_URL, requireRedis } from './support/redis';
import { SeedCommand, SeedUserModel } from './support/seed-user.model';

/** The seed example, each replica a cluster member keeping its users' state in Redis. */
const CONFIG = 'test/fixtures/cluster-seed-durable.yml';
const LEASE_TTL_MS = 2_000;

const add = (content: string): SeedCommand => ({ command: 'note', action: 'add', param1: content });
const list: SeedCommand = { command: 'note', action: 'list' };

/** The exact reply the seed example gives to `next` after the acknowledged `history`. */
function replyAfter(history: SeedCommand[], next: SeedCommand): string {
  const model = new SeedUserModel();
  for (const command of history) model.reply(command);
  return model.reply(next);
}

/** The notes `history` leaves. */
function notesAfter(history: SeedCommand[]): string[] {
  return JSON.parse(replyAfter(history, list)).data.notes;
}

/**
 * Failover with durable state on 3 real replicas (ownership and `session_state: redis` together):
 * a replica killed with -9 and one paused past its lease, its users served elsewhere from what was
 * acknowledged, and the paused one never writing over the newer state.
 */
describe('cluster failover: the leases of a dead or paused replica, and the state its users left', () => {
  if (!requireRedis('cluster failover', 'REDIS_URL')) return;
  let cluster: ClusterHarness;

  beforeAll(async () => {
    cluster = await ClusterHarness.start({ replicas: 3, config: CONFIG, leaseTtl: `${LEASE_TTL_MS}ms` });
  }, 40_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  const ownerOf = async (user: string) => (await cluster.redis.get(`${cluster.keyPrefix}owner:${user}`))?.split(' ')[1];

  it('kill -9 of the owner of 20 users: within lease_ttl + 2 s each is served elsewhere, with every acknowledged note, once', async () => {
    const [r1, r2, r3] = ['r1', 'r2', 'r3'].map((id) => cluster.replica(id));
    const users = Array.from({ length: 20 }, (_, i) => `kill-${String(i).padStart(2, '0')}`);
    const acked = new Map<string, SeedCommand[]>(users.map((user) => [user, []]));
    /** The one add of each user whose reply never came (in flight at the kill): it may or may not have been saved. */
    const uncertain = new Map<string, SeedCommand>();

    // Each user is r2's: their first request reaches it.
    await Promise.all(
      users.map(async (user) => {
        const reply = await generate(r2.url, user, add(`${user} note 0`));
        expect({ user, status: reply.status, text: reply.text, replica: reply.replica }).toEqual({ user, status: 200, text: replyAfter([], add(`${user} note 0`)), replica: 'r2' });
        acked.get(user)!.push(add(`${user} note 0`));
      }),
    );
    expect(await Promise.all(users.map(ownerOf))).toEqual(users.map(() => 'r2'));

    // Each user keeps adding notes, one at a time, to any replica (r1 and r3 forward to r2), until r2 dies.
    let killed = false;
    const failures: unknown[] = [];
    const writers = users.map(async (user, u) => {
      for (let n = 1; !killed; n++) {
        const command = add(`${user} note ${n}`);
        const via = [r1, r2, r3][(u + n) % 3];
        const reply = await generate(via.url, user, command).catch((error: Error) => ({ status: 0, text: String(error), replica: null }));
        if (reply.status === 200) {
          expect({ user, text: reply.text, replica: reply.replica }).toEqual({ user, text: replyAfter(acked.get(user)!, command), replica: 'r2' });
          acked.get(user)!.push(command);
        } else {
          // Only the kill may fail a request: it was in flight then.
          expect({ user, killed, reply }).toMatchObject({ user, killed: true });
          uncertain.set(user, command);
          return;
        }
      }
    }).map((writer) => writer.catch((error) => failures.push(error)));
    await eventually('every user with 5 acknowledged notes', 15_000, async () => {
      if (failures.length > 0) throw failures[0];
      return users.every((user) => acked.get(user)!.length >= 5) ? true : undefined;
    });
    killed = true;
    r2.process.kill('SIGKILL');
    const killedAt = Date.now();
    await r2.process.exited;
    await Promise.all(writers);
    if (failures.length > 0) throw failures[0];
    const acknowledged = users.reduce((sum, user) => sum + acked.get(user)!.length, 0);

    // Their next requests, to r1 or r3: refused (503) while r2's leases run, then served from the checkpoints.
    let savedInFlight = 0;
    const servedAfterMs = await Promise.all(
      users.map(async (user, u) => {
        const via = u % 2 === 0 ? r1 : r3;
        for (;;) {
          const reply = await generate(via.url, user, list);
          if (reply.status === 200) {
            const servedAt = Date.now() - killedAt;
            const history = acked.get(user)!;
            const maybe = uncertain.get(user);
            // Every acknowledged note, none twice; the add in flight at the kill is there at most once.
            const expected = [replyAfter(history, list), ...(maybe ? [replyAfter([...history, maybe], list)] : [])];
            expect({ user, replica: reply.replica, known: expected.includes(reply.text), owner: await ownerOf(user) }).toEqual({ user, replica: via.id, known: true, owner: via.id });
            if (maybe && reply.text === expected[1]) {
              history.push(maybe);
              savedInFlight++;
            }
            history.push(list);
            return servedAt;
          }
          expect({ user, status: reply.status, code: JSON.parse(reply.text).code }).toEqual({ user, status: 503, code: 'user_owned_elsewhere' });
          if (Date.now() - killedAt > LEASE_TTL_MS + 2_000) throw new Error(`${user}: not served within lease_ttl + 2 s of the kill`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }),
    );
    expect(Math.max(...servedAfterMs)).toBeLessThanOrEqual(LEASE_TTL_MS + 2_000);

    // The new owners carry on from there, and the saved state is theirs.
    for (const [u, user] of users.entries()) {
      const via = u % 2 === 0 ? r1 : r3;
      const reply = await generate(u % 2 === 0 ? r3.url : r1.url, user, add(`${user} after`));
      expect({ user, text: reply.text, replica: reply.replica }).toEqual({ user, text: replyAfter(acked.get(user)!, add(`${user} after`)), replica: via.id });
      acked.get(user)!.push(add(`${user} after`));
      const saved = await adminGet(r1.url, `/monitor/users/${user}/state`);
      expect(saved.json.states.notepad.notes.map((note: { content: string }) => note.content)).toEqual(notesAfter(acked.get(user)!));
    }
    const sorted = [...servedAfterMs].sort((a, b) => a - b);
    console.log(
      `kill -9 of the owner of ${users.length} users (lease_ttl ${LEASE_TTL_MS} ms): served again after ${sorted[0]}..${sorted[sorted.length - 1]} ms ` +
        `(median ${sorted[Math.floor(sorted.length / 2)]} ms); ${acknowledged} acknowledged adds kept, ${uncertain.size} in flight at the kill (${savedInFlight} of them saved before it)`,
    );
  });

  it('SIGSTOP of the owner past lease_ttl, then SIGCONT: its stale calls are refused, never written, and the newer state stays', async () => {
    const [r1, r3] = ['r1', 'r3'].map((id) => cluster.replica(id));
    const user = 'paused';
    const history: SeedCommand[] = [];
    const say = async (url: string, command: SeedCommand, replica: string) => {
      const reply = await generate(url, user, command);
      expect({ status: reply.status, text: reply.text, replica: reply.replica }).toEqual({ status: 200, text: replyAfter(history, command), replica });
      history.push(command);
    };
    await say(r3.url, add('before the pause'), 'r3');
    const staleToken = Number((await cluster.redis.get(`${cluster.keyPrefix}owner:${user}`))!.split(' ')[0]);

    // In flight when r3 stops; meanwhile another request reaches it, and r1 takes the user over.
    const inFlight = await openRequest(r3.url, user, add('written by the stale owner'), 2);
    let arrived!: Promise<RawReply>;
    const stoppedAt = Date.now();
    await pausePastLease(cluster, r3, user, inFlight, async () => {
      arrived = (await openRequest(r3.url, user, list)).reply;
      await say(r1.url, add('written by the new owner'), 'r1');
    });
    const newer = await adminGet(r1.url, `/monitor/users/${user}/state`);
    expect(newer.json.token).toBeGreaterThan(staleToken);

    // Woken, r3 never answers from its stale instances: it refuses, or it has dropped the user and forwards to r1.
    const [staleAdd, staleList] = await Promise.all([inFlight.reply, arrived]);
    console.log(`woken after ${Date.now() - stoppedAt} ms, the stale owner answered: the add in flight ${summary(staleAdd)}, the list that arrived meanwhile ${summary(staleList)}`);
    // The add had passed r3's routing before the pause, so r3 answers it: refused, as its lease was found taken before
    // the call ran (or, had it run, as its write was fenced).
    const refused = { status: 503, code: expect.stringMatching(/^(lease_lost|user_owned_elsewhere)$/), replica: 'r3' };
    expect({ status: staleAdd.status, code: staleAdd.json?.code, replica: staleAdd.replica }).toEqual(refused);
    // The list, routed once r3 woke: refused the same way, or forwarded to r1 if r3 had dropped the user by then.
    if (staleList.status === 200) expect(staleList.replica).toBe('r1');
    else expect({ status: staleList.status, code: staleList.json?.code, replica: staleList.replica }).toEqual(refused);
    // A forwarded list ran on r1, on the newer state.
    if (staleList.status === 200) {
      expect(staleList.text).toBe(replyAfter(history, list));
      history.push(list);
    }
    await r3.process.waitForOutput(/Lost the claim on user 'paused' to another replica; dropping the user's instances here/, LEASE_TTL_MS);

    // r3 holds nothing of the user any more; the state is the newer one, seen from either replica.
    const local = await adminGet(r3.url, '/monitor/users?scope=local');
    expect(local.json.users.map((entry: { user_id: string }) => entry.user_id)).not.toContain(user);
    const everywhere = await adminGet(r3.url, '/monitor/users');
    expect(everywhere.json.users.filter((entry: { user_id: string }) => entry.user_id === user).map((entry: { replica: string }) => entry.replica)).toEqual(['r1']);
    for (const via of [r1, r3]) {
      const saved = await adminGet(via.url, `/monitor/users/${user}/state`);
      // Written under r1's lease only (its token), whatever r3 tried.
      expect(saved.json.token).toBe(newer.json.token);
      expect(saved.json.states.notepad.notes.map((note: { content: string }) => note.content)).toEqual(notesAfter(history));
    }
    // Its next list, through r3 (forwarded to r1), is the model's, which never saw the stale write.
    const reply = await generate(r3.url, user, list);
    expect({ status: reply.status, text: reply.text, replica: reply.replica }).toEqual({ status: 200, text: replyAfter(history, list), replica: 'r1' });
  });
});

describe('cluster failover: a paused owner and a call that changes nothing', () => {
  if (!requireRedis('cluster failover (reads)', 'REDIS_URL')) return;
  let cluster: ClusterHarness;

  beforeAll(async () => {
    cluster = await ClusterHarness.start({ replicas: 2, config: 'test/fixtures/cluster-notepad-durable.yml', leaseTtl: `${LEASE_TTL_MS}ms` });
  }, 40_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('woken past lease_ttl, the stale owner does not answer even a call that changes nothing from its old instances', async () => {
    const [r1, r2] = ['r1', 'r2'].map((id) => cluster.replica(id));
    const user = 'reader';
    const note = async (url: string, body: object) => {
      const reply = await fetch(`${url}/generate`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `nat-session=${user}` }, body: JSON.stringify(body) });
      return { status: reply.status, json: await reply.json(), replica: reply.headers.get('x-userscope-replica') };
    };
    expect(await note(r2.url, { action: 'add', content: 'before the pause' })).toMatchObject({ status: 200, replica: 'r2' });

    // A list saves nothing, so no fenced write would stop it: r2 must find out it lost the user before the call runs.
    const inFlight = await openRequest(r2.url, user, { action: 'list' }, 2);
    await pausePastLease(cluster, r2, user, inFlight, async () => {
      expect(await note(r1.url, { action: 'add', content: 'written by the new owner' })).toMatchObject({ status: 200, replica: 'r1' });
    });
    // Never the old notes from r2: refused there, or (its renewal pass having found the lease taken
    // first) forwarded to the new owner, which answers from the newer state.
    const stale = await inFlight.reply;
    if (stale.status === 200) {
      expect({ replica: stale.replica, notes: stale.json.notes }).toEqual({ replica: 'r1', notes: ['before the pause', 'written by the new owner'] });
    } else {
      expect({ status: stale.status, code: stale.json?.code, replica: stale.replica }).toEqual({ status: 503, code: expect.stringMatching(/^(lease_lost|user_owned_elsewhere)$/), replica: 'r2' });
    }
    await r2.process.waitForOutput(/Lost the claim on user 'reader' to another replica/, LEASE_TTL_MS);
    expect((await adminGet(r2.url, '/monitor/users?scope=local')).json.users).toEqual([]);
    expect(await note(r2.url, { action: 'list' })).toEqual({ status: 200, json: { success: true, message: 'Found 2 notes', notes: ['before the pause', 'written by the new owner'], count: 2 }, replica: 'r1' });
  });
});

describe('cluster failover: a paused owner and a route of the app itself', () => {
  if (!requireRedis('cluster failover (app routes)', 'REDIS_URL')) return;
  let cluster: ClusterHarness;

  beforeAll(async () => {
    cluster = await ClusterHarness.start({ replicas: 2, config: 'test/fixtures/cluster.yml', env: { USERSCOPE_CLUSTER_REDIS_URL: REDIS_URL, USERSCOPE_LEASE_TTL: `${LEASE_TTL_MS}ms` } });
  }, 40_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("woken past lease_ttl, the stale owner never answers a request-scoped route (a plugin's or the host's own) from its old instances", async () => {
    const [r1, r2] = ['r1', 'r2'].map((id) => cluster.replica(id));
    const user = 'desk';
    const tally = async (url: string) => {
      const reply = await fetch(`${url}/tally`, { headers: { cookie: `nat-session=${user}` } });
      return { status: reply.status, json: (await reply.json()) as any, replica: reply.headers.get('x-userscope-replica') };
    };
    expect(await tally(r2.url)).toEqual({ status: 200, json: { user, count: 1, replica: 'r2' }, replica: 'r2' });
    expect(await tally(r2.url)).toMatchObject({ json: { count: 2, replica: 'r2' } });

    r2.process.signal('SIGSTOP');
    let woken: Awaited<ReturnType<typeof tally>>;
    try {
      await eventually(`r2's lease on ${user} expired`, LEASE_TTL_MS + 1_000, async () => ((await cluster.redis.exists(`${cluster.keyPrefix}owner:${user}`)) === 0 ? true : undefined));
      expect(await tally(r1.url)).toEqual({ status: 200, json: { user, count: 1, replica: 'r1' }, replica: 'r1' });
      const sentWhilePaused = tally(r2.url); // waits in r2's socket; r2 reads it as it wakes
      await new Promise((resolve) => setTimeout(resolve, 200));
      r2.process.signal('SIGCONT');
      woken = await sentWhilePaused;
    } finally {
      r2.process.signal('SIGCONT');
    }
    // Never r2's old tally (count 3): forwarded to the new owner, or refused.
    if (woken.status === 200) expect(woken).toEqual({ status: 200, json: { user, count: 2, replica: 'r1' }, replica: 'r1' });
    else expect({ status: woken.status, code: woken.json?.code }).toEqual({ status: 503, code: expect.stringMatching(/^(lease_lost|user_owned_elsewhere)$/) });
    await r2.process.waitForOutput(/Lost the claim on user 'desk' to another replica/, LEASE_TTL_MS);
    expect(await tally(r2.url)).toMatchObject({ status: 200, json: { user, replica: 'r1' }, replica: 'r1' });
  });
});

/**
 * Pauses `owner` (SIGSTOP) with `inFlight` read up to its body's last bytes (`owner` has taken it in:
 * the user is its own), waits until its lease on `user` expires, runs `meanwhile` (another replica
 * takes the user over), writes the rest of the body, which the stopped process finds complete as it
 * wakes, and wakes it (SIGCONT).
 */
async function pausePastLease(cluster: ClusterHarness, owner: Replica, user: string, inFlight: OpenRequest, meanwhile: () => Promise<void>): Promise<void> {
  // It answered this after reading the request's headers, sent before.
  expect((await fetch(`${owner.url}/health`)).status).toBe(200);
  owner.process.signal('SIGSTOP');
  try {
    await eventually(`${owner.id}'s lease on ${user} expired`, LEASE_TTL_MS + 1_000, async () => ((await cluster.redis.exists(`${cluster.keyPrefix}owner:${user}`)) === 0 ? true : undefined));
    await meanwhile();
    await inFlight.finish();
  } finally {
    owner.process.signal('SIGCONT');
  }
}

const summary = (reply: RawReply) => `${reply.status} ${reply.json?.code ?? ''} from ${reply.replica}`;

interface RawReply {
  status: number;
  text: string;
  json: any;
  replica: string | undefined;
}

/**
 * POST /generate as `user` with node's client, on a connection of its own: resolves once all but the
 * body's last `holdBack` bytes are written (to a stopped replica too: the kernel accepts the
 * connection and buffers the bytes), with its reply and `finish()`, which writes the rest.
 */
interface OpenRequest {
  reply: Promise<RawReply>;
  finish: () => Promise<void>;
}

function openRequest(url: string, user: string, body: object, holdBack = 0): Promise<OpenRequest> {
  const payload = Buffer.from(JSON.stringify(body));
  const request = httpRequest(`${url}/generate`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': payload.length, cookie: `nat-session=${user}` },
  });
  const reply = new Promise<RawReply>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (piece: string) => (text += piece));
      response.on('end', () => resolve({ status: response.statusCode!, text, json: text.startsWith('{') ? JSON.parse(text) : undefined, replica: response.headers['x-userscope-replica'] as string | undefined }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
  reply.catch(() => undefined); // awaited by the test; not an unhandled rejection meanwhile
  const finish = () => new Promise<void>((resolve) => request.end(payload.subarray(payload.length - holdBack), () => resolve()));
  const head = payload.subarray(0, payload.length - holdBack);
  // Wrapped in an object: resolving with the reply's promise itself would wait for the reply.
  return new Promise((written, failed) => {
    request.once('error', failed);
    if (holdBack === 0) request.end(head, () => written({ reply, finish: async () => undefined }));
    else {
      request.flushHeaders();
      request.write(head, () => written({ reply, finish }));
    }
  });
}
