import { ASSISTANT_HELP } from '@userscope/examples';
import { ClusterHarness, generate } from './support/cluster-harness';
import { requireHaproxy } from './support/haproxy';
import { requireRedis } from './support/redis';
import { randomSeedCommand, seededRandom, SeedUserModel } from './support/seed-user.model';

jest.setTimeout(60_000);

/**
 * Three real `userscope serve` replicas of the seed example on one Redis, behind a real haproxy
 * running deploy/haproxy.cfg: clients see one server, each user stays on one replica.
 */
describe('3 replicas behind HAProxy (deploy/haproxy.cfg)', () => {
  if (!requireRedis('cluster proxy', 'REDIS_URL') || !requireHaproxy('cluster proxy')) return;

  let cluster: ClusterHarness;
  beforeAll(async () => {
    cluster = await ClusterHarness.start({ replicas: 3, proxy: true });
  });
  afterAll(() => cluster?.stop());

  it('replays the seed curl session through the proxy byte for byte', async () => {
    const steps: [string, unknown, string][] = [
      ['alice', { command: 'note', action: 'add', param1: 'Alices first note' }, '{"success":true,"message":"Note added successfully","data":{"notes":[],"count":1,"commands_executed":1}}'],
      ['alice', { command: 'note', action: 'list' }, '{"success":true,"message":"Found 1 notes","data":{"notes":["Alices first note"],"count":1,"commands_executed":2}}'],
      ['bob', { command: 'note', action: 'list' }, '{"success":true,"message":"Found 0 notes","data":{"notes":[],"count":0,"commands_executed":1}}'],
      ['bob', { command: 'note', action: 'add', param1: 'Bobs note' }, '{"success":true,"message":"Note added successfully","data":{"notes":[],"count":1,"commands_executed":2}}'],
      ['alice', { command: 'pref', action: 'set', param1: 'theme', param2: 'light' }, `{"success":true,"message":"Preference 'theme' set to 'light'","data":{"value":"","preferences":{"theme":"light","language":"en","notifications":"enabled"},"commands_executed":3}}`],
      ['bob', { command: 'pref', action: 'get', param1: 'theme' }, `{"success":true,"message":"Preference 'theme' = 'dark'","data":{"value":"dark","preferences":{},"commands_executed":3}}`],
      ['alice', { command: 'help' }, JSON.stringify({ success: true, message: ASSISTANT_HELP, data: { commands_executed: 4 } })],
      ['alice', { command: 'stats' }, '{"success":true,"message":"Session statistics: 5 commands executed","data":{"commands_executed":5}}'],
    ];
    for (const [user, body, expected] of steps) {
      const reply = await generate(cluster.url, user, body);
      expect({ user, body, status: reply.status, text: reply.text }).toEqual({ user, body, status: 200, text: expected });
      expect(cluster.replicas.map((replica) => replica.id)).toContain(reply.replica);
    }
  });

  it('serves 300 users x 15 random commands at once, every reply equal to the per-user model', async () => {
    const random = seededRandom(12);
    const users = Array.from({ length: 300 }, (_, i) => ({
      id: `model-${i}`,
      model: new SeedUserModel(),
      commands: Array.from({ length: 15 }, (_, n) => randomSeedCommand(random, n)),
    }));
    const mismatches: unknown[] = [];
    const started = performance.now();
    // Users at once; each user's commands in order, as one client's would be.
    await Promise.all(
      users.map(async (user) => {
        for (const command of user.commands) {
          const expected = user.model.reply(command);
          const reply = await generate(cluster.url, user.id, command);
          if (reply.status !== 200 || reply.text !== expected) mismatches.push({ user: user.id, command, status: reply.status, text: reply.text, expected });
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`cluster-proxy: 4,500 /generate through haproxy to 3 replicas in ${seconds.toFixed(2)} s (${Math.round(4500 / seconds)} requests/s)`);
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(mismatches).toHaveLength(0);
  });

  it('keeps each of 100 cookies on one replica, and spreads them over all three', async () => {
    const placement = new Map<string, Set<string | null>>();
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const user = `sticky-${i}`;
        const seen = new Set<string | null>();
        for (let n = 0; n < 5; n++) seen.add((await generate(cluster.url, user, { command: 'stats' })).replica);
        placement.set(user, seen);
      }),
    );
    const moved = [...placement].filter(([, seen]) => seen.size !== 1);
    expect(moved).toEqual([]);
    const perReplica = new Map<string, number>();
    for (const [, seen] of placement) {
      const [replica] = [...seen];
      perReplica.set(replica!, (perReplica.get(replica!) ?? 0) + 1);
    }
    console.log(`cluster-proxy: 100 cookies over the replicas: ${JSON.stringify(Object.fromEntries([...perReplica].sort()))}`);
    expect([...perReplica.keys()].sort()).toEqual(['r1', 'r2', 'r3']);
  });
});
