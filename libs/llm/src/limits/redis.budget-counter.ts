import Redis from 'ioredis';
import { BudgetPeriod } from './budget.periods';
import { BudgetCounter, PeriodLimit, Refusal, Reservation } from './budget-counter.interface';
import { refusal } from './memory.budget-counter';
import { defineRateWindowScripts, RedisRateWindow } from '../rate-limit/redis.rate-window';
import { RateWindow } from '../rate-limit/rate-window.interface';
import { rateWindowMs } from '../rate-limit/llm-rate-limiter.factory';

/** A period's count outlives its end by this much, for `used()` just after it. */
const KEEP_AFTER_MS = 3600_000;

/**
 * KEYS: one hash per period (`t` tokens, `c` cost). ARGV: per period its token limit, cost limit
 * ('' for none) and expiry (ms), then the tokens and cost to take. Takes them in every period, or in
 * none: `{0}`; else `{i, 't'|'c', used}` for the first period it would take over its limit.
 */
const RESERVE = `
local n = #KEYS
local tokens = tonumber(ARGV[3 * n + 1])
local cost = tonumber(ARGV[3 * n + 2])
for i = 1, n do
  local used = redis.call('HMGET', KEYS[i], 't', 'c')
  local ut = tonumber(used[1] or '0')
  local uc = tonumber(used[2] or '0')
  local lt = ARGV[3 * (i - 1) + 1]
  local lc = ARGV[3 * (i - 1) + 2]
  if lt ~= '' and ut + tokens > tonumber(lt) then return {i, 't', ut} end
  if lc ~= '' and uc + cost > tonumber(lc) then return {i, 'c', uc} end
end
for i = 1, n do
  redis.call('HINCRBY', KEYS[i], 't', tokens)
  redis.call('HINCRBY', KEYS[i], 'c', cost)
  redis.call('PEXPIREAT', KEYS[i], ARGV[3 * (i - 1) + 3])
end
return {0}`;

type BudgetRedis = Redis & { budgetReserve(...args: (string | number)[]): Promise<[number, string?, number?]> };

/** Budgets in the Redis every process shares (`<prefix>budget:<user>:<day|month>:<id>`), taken atomically. */
export class RedisBudgetCounter implements BudgetCounter {
  private readonly redis: BudgetRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    readonly name: string,
  ) {
    redis.defineCommand('budgetReserve', { lua: RESERVE });
    defineRateWindowScripts(redis);
    this.redis = redis as BudgetRedis;
  }

  requestWindow(userId: string, requestsPerMinute: number): RateWindow {
    return new RedisRateWindow(this.redis, this.prefix, `user:${userId}`, { windowMs: rateWindowMs(), requestsPerWindow: requestsPerMinute, tokensPerWindow: 0 }, this.name);
  }

  private key(userId: string, period: BudgetPeriod): string {
    return `${this.prefix}budget:${userId}:${period.kind}:${period.id}`;
  }

  async reserve(userId: string, limits: PeriodLimit[], tokens: number, costMicros: number): Promise<Reservation | Refusal> {
    const keys = limits.map((limit) => this.key(userId, limit.period));
    const args = limits.flatMap((limit) => [limit.tokens ?? '', limit.costMicros ?? '', limit.period.endsAt.getTime() + KEEP_AFTER_MS]);
    const [index, measure, used] = await this.redis.budgetReserve(keys.length, ...keys, ...args, tokens, costMicros);
    if (index === 0) return { userId, periods: limits.map((limit) => limit.period), tokens, costMicros };
    const limit = limits[index - 1];
    return measure === 't' ? refusal(limit.period, 'tokens', limit.tokens!, Number(used)) : refusal(limit.period, 'cost', limit.costMicros!, Number(used));
  }

  async settle(reservation: Reservation, tokens: number, costMicros: number): Promise<void> {
    const pipeline = this.redis.multi();
    for (const period of reservation.periods) {
      const key = this.key(reservation.userId, period);
      pipeline.hincrby(key, 't', tokens - reservation.tokens).hincrby(key, 'c', costMicros - reservation.costMicros);
    }
    await pipeline.exec();
  }

  async used(userId: string, periods: BudgetPeriod[]): Promise<{ tokens: number; costMicros: number }[]> {
    const pipeline = this.redis.multi();
    for (const period of periods) pipeline.hmget(this.key(userId, period), 't', 'c');
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([, value]) => {
      const [tokens, cost] = (value as (string | null)[]) ?? [];
      return { tokens: Number(tokens ?? 0), costMicros: Number(cost ?? 0) };
    });
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
