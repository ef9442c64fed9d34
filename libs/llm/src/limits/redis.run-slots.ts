import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { RunSlots } from './run-slots.interface';

/** How long a slot outlives the last renewal of its process: a process killed mid-run frees its slots within it. */
export function runLeaseMs(): number {
  const override = Number(process.env.USERSCOPE_RUN_LEASE_MS);
  return Number.isInteger(override) && override > 0 ? override : 30_000;
}

/**
 * KEYS: the user's runs (a sorted set, slot to the end of its lease, in ms of Redis's clock).
 * ARGV: the most runs, the lease (ms), the slot. Drops slots whose lease ran out, then takes one:
 * `{1, running}`, or `{0, running}` when all are taken.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local running = redis.call('ZCARD', KEYS[1])
if running >= tonumber(ARGV[1]) then return {0, running} end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, running + 1}`;

/** KEYS: the user's runs. ARGV: the lease (ms), then slots. Extends the lease of those still there. */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], lease)
return 0`;

/** KEYS: the user's runs. How many of their leases have not run out. */
const RUNNING = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')`;

type SlotsRedis = Redis & {
  runSlotTake(key: string, ...args: (string | number)[]): Promise<[number, number]>;
  runSlotRenew(key: string, ...args: (string | number)[]): Promise<number>;
  runSlotsRunning(key: string): Promise<number>;
};

/**
 * Runs in flight in the Redis every process shares (`<prefix>runs:<user>`, a sorted set of leased
 * slots), so `concurrent_runs` holds across replicas and workers. This process renews the leases of
 * its slots every third of a lease; a process that dies (kill -9) stops renewing, and its slots are
 * free once their lease runs out, never held for ever.
 */
export class RedisRunSlots implements RunSlots {
  private readonly logger = new Logger('Limits');
  private readonly redis: SlotsRedis;
  private readonly leaseMs = runLeaseMs();
  /** Slots held here, by user. */
  private readonly held = new Map<string, Set<string>>();
  private renewal?: NodeJS.Timeout;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    readonly name: string,
  ) {
    redis.defineCommand('runSlotTake', { numberOfKeys: 1, lua: TAKE });
    redis.defineCommand('runSlotRenew', { numberOfKeys: 1, lua: RENEW });
    redis.defineCommand('runSlotsRunning', { numberOfKeys: 1, lua: RUNNING });
    this.redis = redis as SlotsRedis;
  }

  private key(userId: string): string {
    return `${this.prefix}runs:${userId}`;
  }

  async take(userId: string, max: number): Promise<{ slot: string } | { running: number }> {
    const slot = randomUUID();
    const [taken, running] = await this.redis.runSlotTake(this.key(userId), max, this.leaseMs, slot);
    if (taken === 0) return { running };
    let slots = this.held.get(userId);
    if (!slots) this.held.set(userId, (slots = new Set()));
    slots.add(slot);
    this.renewal ??= setInterval(() => void this.renew(), Math.max(1, Math.floor(this.leaseMs / 3))).unref();
    return { slot };
  }

  async give(userId: string, slot: string): Promise<void> {
    const slots = this.held.get(userId);
    slots?.delete(slot);
    if (slots?.size === 0) this.held.delete(userId);
    if (this.held.size === 0) this.stopRenewing();
    await this.redis.zrem(this.key(userId), slot);
  }

  async running(userId: string): Promise<number> {
    return this.redis.runSlotsRunning(this.key(userId));
  }

  private async renew(): Promise<void> {
    const pipeline = this.redis.pipeline() as unknown as SlotsRedis & { exec(): Promise<unknown> };
    for (const [userId, slots] of this.held) pipeline.runSlotRenew(this.key(userId), this.leaseMs, ...slots);
    await pipeline.exec().catch((error: Error) => {
      // Slots not renewed in time are free for others: the cap errs on the side of the user then.
      this.logger.warn(`Users' runs in flight could not be renewed in ${this.name}: ${error.message}`);
    });
  }

  private stopRenewing(): void {
    clearInterval(this.renewal);
    this.renewal = undefined;
  }

  async close(): Promise<void> {
    this.stopRenewing();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
