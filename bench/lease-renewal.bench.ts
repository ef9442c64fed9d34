import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RedisUserOwnership, ReplicaIdentity } from '@userscope/cluster';
import { EventLoopBlockProbe } from './harness/event-loop-blocks';
import { deleteKeys } from './harness/redis-keys';

export interface LeaseRenewalSettings {
  users: number;
  leaseTtlMs: number;
  redisUrl: string;
}

export interface LeaseRenewalResult {
  settings: LeaseRenewalSettings;
  claimMs: number;
  /** One renewal pass of every lease, several times. */
  renewals: { wallMs: number; longestBlockMs: number; delayP99Ms: number }[];
  releaseMs: number;
  releaseLongestBlockMs: number;
}

/** BENCH_LEASE_USERS, BENCH_LEASE_TTL_MS and REDIS_URL override the defaults. */
export function leaseRenewalSettings(env: NodeJS.ProcessEnv = process.env): LeaseRenewalSettings {
  return {
    users: Number(env.BENCH_LEASE_USERS ?? 100_000),
    leaseTtlMs: Number(env.BENCH_LEASE_TTL_MS ?? 15_000),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
  };
}

/**
 * A replica holding `users` leases on a real Redis (its own key prefix, deleted after): how long one
 * renewal pass of all of them takes, and the longest the event loop waits meanwhile (what a request
 * arriving then would wait). The pass runs every lease_ttl/3 in a server.
 */
export async function runLeaseRenewalBench(settings: LeaseRenewalSettings): Promise<LeaseRenewalResult> {
  const prefix = `userscope-bench-leases-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(settings.redisUrl);
  const ownership = new RedisUserOwnership(redis, new ReplicaIdentity({ replica_id: 'bench', advertise_url: 'http://127.0.0.1:1' }), {
    keyPrefix: prefix,
    leaseTtlMs: settings.leaseTtlMs,
  });
  try {
    let started = performance.now();
    for (let from = 0; from < settings.users; from += 1000) {
      const claims = [];
      for (let i = from; i < Math.min(settings.users, from + 1000); i++) claims.push(ownership.claim(`user-${i}`, () => undefined));
      await Promise.all(claims);
    }
    const claimMs = performance.now() - started;
    const renewals: LeaseRenewalResult['renewals'] = [];
    for (let round = 0; round < 3; round++) {
      const probe = new EventLoopBlockProbe(20);
      probe.start();
      started = performance.now();
      await ownership.renewAll();
      const wallMs = performance.now() - started;
      const blocks = probe.stop();
      renewals.push({ wallMs, longestBlockMs: blocks.longestMs, delayP99Ms: blocks.delayP99Ms });
    }
    if (ownership.heldCount !== settings.users) throw new Error(`renewal lost leases: ${ownership.heldCount} of ${settings.users} held`);
    const probe = new EventLoopBlockProbe(20);
    probe.start();
    started = performance.now();
    await ownership.releaseAll();
    const releaseMs = performance.now() - started;
    return { settings, claimMs, renewals, releaseMs, releaseLongestBlockMs: probe.stop().longestMs };
  } finally {
    await deleteKeys(redis, prefix);
    await redis.quit();
  }
}

export function renderLeaseRenewalReport(result: LeaseRenewalResult, machineLine: string): string {
  const { users, leaseTtlMs } = result.settings;
  return [
    `## Lease renewal of ${users.toLocaleString('en')} users on one replica`,
    '',
    machineLine,
    '',
    `One replica holding ${users.toLocaleString('en')} users' leases in a local Redis (lease_ttl ${leaseTtlMs / 1000} s, renewed every`,
    `${(leaseTtlMs / 3000).toFixed(0)} s): one pass renews them 500 per Lua call, one call at a time. "Longest block" is the longest`,
    'gap between two turns of the event loop during the pass: what a request arriving then would wait.',
    '',
    '| work | wall ms | longest block ms | delay p99 ms |',
    '| --- | ---: | ---: | ---: |',
    `| claim all (1,000 concurrent claims at a time) | ${result.claimMs.toFixed(0)} | | |`,
    ...result.renewals.map((r, i) => `| renewal pass ${i + 1} | ${r.wallMs.toFixed(0)} | ${r.longestBlockMs.toFixed(1)} | ${r.delayP99Ms.toFixed(1)} |`),
    `| release all (drain) | ${result.releaseMs.toFixed(0)} | ${result.releaseLongestBlockMs.toFixed(1)} | |`,
  ].join('\n');
}

