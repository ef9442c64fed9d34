import Redis from 'ioredis';
import { ReplicaSet } from './cluster/replica-set';
import { inRounds } from './harness/rounds';
import { medianOf } from './harness/stats';

export interface ClusterFailoverSettings {
  rounds: number;
  /** Users spread over the three replicas by the proxy's hash; about a third are the killed replica's. */
  users: number;
  leaseTtlS: number;
  /** How long a client waits between two tries (it ignores Retry-After, to see the earliest moment). */
  retryMs: number;
  redisUrl: string;
  cwd: string;
}

/** BENCH_FAILOVER_ROUNDS (3), BENCH_FAILOVER_USERS (150), BENCH_FAILOVER_LEASE_TTL (3 s), BENCH_FAILOVER_RETRY_MS (50). */
export function clusterFailoverSettings(cwd: string, env: NodeJS.ProcessEnv = process.env): ClusterFailoverSettings {
  return {
    rounds: Number(env.BENCH_FAILOVER_ROUNDS ?? 3),
    users: Number(env.BENCH_FAILOVER_USERS ?? 150),
    leaseTtlS: Number(env.BENCH_FAILOVER_LEASE_TTL ?? 3),
    retryMs: Number(env.BENCH_FAILOVER_RETRY_MS ?? 50),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    cwd,
  };
}

/** When (ms after the kill) each of the killed replica's users was served again, by the way its client came. */
export interface ServedAgain {
  users: number;
  firstMs: number;
  medianMs: number;
  lastMs: number;
  /** Users never served within the bound (none expected). */
  unserved: number;
}

export interface FailoverRound {
  /** The killed replica's lease on one of its users, as Redis had it just before the kill. */
  leaseLeftMs: number;
  /** Through haproxy, which takes the replica out after its health checks fail (fall 2, inter 2 s). */
  proxy: ServedAgain;
  /** Straight to a live replica (one that already knows nothing of the user). */
  direct: ServedAgain;
  /** What the clients got until then, by kind. */
  refusals: Record<string, number>;
  /** Users of the live replicas, asked through the proxy meanwhile: requests, how many failed, the slowest (ms). */
  others: { requests: number; failed: number; slowestMs: number };
}

export interface ClusterFailoverReport {
  settings: ClusterFailoverSettings;
  rounds: FailoverRound[];
}

const VICTIM = 'r2';
const userName = (i: number) => `failover-${i}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One POST /generate as `user`: the status, the error code (or how it failed), the answering replica. */
async function generate(url: string, user: string): Promise<{ status: number; code: string; replica: string | null }> {
  try {
    const response = await fetch(`${url}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `nat-session=${user}` },
      body: JSON.stringify({ command: 'note', action: 'add', param1: 'a note' }),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    let code = String(response.status);
    if (response.status !== 200) code = `${response.status} ${safeCode(text) ?? '(no code: the proxy)'}`;
    return { status: response.status, code, replica: response.headers.get('x-userscope-replica') };
  } catch (error) {
    return { status: 0, code: `no answer (${(error as Error).name})`, replica: null };
  }
}

function safeCode(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

/**
 * kill -9 of one of three replicas behind haproxy: how long until each of its users is served
 * again, through the proxy and straight to a live replica, with lease_ttl `leaseTtlS`. Each round:
 * fresh replicas, every user's first request through the proxy (which places them by hash), the
 * victim's lease left read from Redis, SIGKILL, then each of the victim's users retried every
 * `retryMs` until served; the live replicas' users are asked meanwhile.
 */
export async function runClusterFailoverBench(settings: ClusterFailoverSettings): Promise<ClusterFailoverReport> {
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1 });
  const kill = `kill -9 of ${VICTIM}`;
  try {
    const rounds = await inRounds({
      rounds: settings.rounds,
      variants: [kill],
      start: () => ReplicaSet.start({ replicas: 3, redisUrl: settings.redisUrl, leaseTtl: `${settings.leaseTtlS}s`, cwd: settings.cwd }),
      async measure(set, _kill, round): Promise<FailoverRound> {
        const placed = new Map<string, string>();
        for (let i = 0; i < settings.users; i += 25) {
          const batch = Array.from({ length: Math.min(25, settings.users - i) }, (_, k) => userName(i + k));
          const replies = await Promise.all(batch.map((user) => generate(set.proxy.url, user)));
          replies.forEach((reply, k) => {
            if (reply.status !== 200) throw new Error(`warm-up of ${batch[k]}: ${reply.code}`);
            placed.set(batch[k], reply.replica!);
          });
        }
        const victims = [...placed].filter(([, replica]) => replica === VICTIM).map(([user]) => user);
        const others = [...placed].filter(([, replica]) => replica !== VICTIM).map(([user]) => user).slice(0, 20);
        const live = set.replicas.filter((replica) => replica.id !== VICTIM);
        const leaseLeftMs = await redis.pttl(`${set.keyPrefix}owner:${victims[0]}`);

        const killedAt = performance.now();
        await set.replica(VICTIM).kill('SIGKILL');
        const boundMs = settings.leaseTtlS * 1000 + 15_000;
        const refusals: Record<string, number> = {};
        const servedAfter = (url: string, user: string) => async (): Promise<number | undefined> => {
          while (performance.now() - killedAt < boundMs) {
            const reply = await generate(url, user);
            if (reply.status === 200) return performance.now() - killedAt;
            refusals[reply.code] = (refusals[reply.code] ?? 0) + 1;
            await sleep(settings.retryMs);
          }
          return undefined;
        };
        const viaProxy = victims.filter((_, i) => i % 2 === 0);
        const direct = victims.filter((_, i) => i % 2 === 1);
        let othersDone = false;
        const othersTally = { requests: 0, failed: 0, slowestMs: 0 };
        const othersLoop = Promise.all(
          others.map(async (user) => {
            while (!othersDone) {
              const sentAt = performance.now();
              const reply = await generate(set.proxy.url, user);
              othersTally.slowestMs = Math.max(othersTally.slowestMs, performance.now() - sentAt);
              othersTally.requests++;
              if (reply.status !== 200) othersTally.failed++;
              await sleep(settings.retryMs);
            }
          }),
        );
        const [proxyTimes, directTimes] = await Promise.all([
          Promise.all(viaProxy.map((user) => servedAfter(set.proxy.url, user)())),
          Promise.all(direct.map((user, i) => servedAfter(live[i % live.length].url, user)())),
        ]);
        othersDone = true;
        await othersLoop;
        const result: FailoverRound = { leaseLeftMs, proxy: summary(proxyTimes), direct: summary(directTimes), refusals, others: othersTally };
        console.log(
          `round ${round + 1}/${settings.rounds}  lease left at the kill ${leaseLeftMs} ms; ${victims.length} users of ${VICTIM} served again after ` +
            `(first / median / last) via the proxy ${fmt(result.proxy)}, direct ${fmt(result.direct)}; others ${othersTally.failed}/${othersTally.requests} failed, slowest ${Math.round(othersTally.slowestMs)} ms`,
        );
        return result;
      },
    });
    return { settings, rounds: rounds.get(kill)! };
  } finally {
    redis.disconnect();
  }
}

function summary(times: (number | undefined)[]): ServedAgain {
  const served = times.filter((t): t is number => t !== undefined).sort((a, b) => a - b);
  return {
    users: times.length,
    firstMs: served[0] ?? NaN,
    medianMs: served.length ? medianOf(served) : NaN,
    lastMs: served.at(-1) ?? NaN,
    unserved: times.length - served.length,
  };
}

export function fmt(s: ServedAgain): string {
  return `${Math.round(s.firstMs)} / ${Math.round(s.medianMs)} / ${Math.round(s.lastMs)} ms${s.unserved ? ` (${s.unserved} never)` : ''}`;
}
