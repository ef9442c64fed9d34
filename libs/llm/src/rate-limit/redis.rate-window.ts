import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { RateWindow, RateWindowLimits } from './rate-window.interface';
import { TOKEN_BUCKETS } from './rate-limit.constants';

/**
 * KEYS: starts (a sorted set of call starts by time), tokens (a hash of token buckets).
 * ARGV: window ms, bucket ms, requests per window, tokens per window (0: no limit), a unique member.
 * 0 when the call starts (its start recorded), else the ms to wait. Redis's clock, so that every
 * process agrees on the time; both keys expire a window after their last write.
 */
const TRY_START = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, bucketMs = tonumber(ARGV[1]), tonumber(ARGV[2])
local requests, tokens = tonumber(ARGV[3]), tonumber(ARGV[4])
local wait = 0
if requests > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  if redis.call('ZCARD', KEYS[1]) >= requests then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    wait = tonumber(oldest[2]) + window - now
  end
end
if tokens > 0 then
  local fields = redis.call('HGETALL', KEYS[2])
  local live, used = {}, 0
  for i = 1, #fields, 2 do
    local bucket = tonumber(fields[i])
    if (bucket + 1) * bucketMs + window <= now then
      redis.call('HDEL', KEYS[2], fields[i])
    else
      live[#live + 1] = { bucket, tonumber(fields[i + 1]) }
      used = used + tonumber(fields[i + 1])
    end
  end
  if used >= tokens then
    table.sort(live, function(a, b) return a[1] < b[1] end)
    for _, entry in ipairs(live) do
      used = used - entry[2]
      if used < tokens then
        wait = math.max(wait, (entry[1] + 1) * bucketMs + window - now)
        break
      end
    end
  end
end
if wait > 0 then return wait end
if requests > 0 then
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], window)
end
return 0`;

/** KEYS: tokens. ARGV: window ms, bucket ms, tokens. Adds them to the bucket of now. */
const ADD_TOKENS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bucketMs = tonumber(ARGV[2])
redis.call('HINCRBY', KEYS[1], math.floor(now / bucketMs), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + bucketMs)
return 0`;

type ScriptedRedis = Redis & {
  llmRateTryStart(starts: string, tokens: string, ...args: (string | number)[]): Promise<number>;
  llmRateAddTokens(tokens: string, ...args: (string | number)[]): Promise<number>;
};

/** Defines the window's scripts on a connection, once. */
export function defineRateWindowScripts(redis: Redis): void {
  redis.defineCommand('llmRateTryStart', { numberOfKeys: 2, lua: TRY_START });
  redis.defineCommand('llmRateAddTokens', { numberOfKeys: 1, lua: ADD_TOKENS });
}

/**
 * One LLM's window in Redis, shared by every process on it: the same counting as
 * `MemoryRateWindow`, in Lua scripts that run atomically. Keys `<prefix>llm-rate:<llm>:starts|tokens`.
 */
export class RedisRateWindow implements RateWindow {
  private readonly redis: ScriptedRedis;
  private readonly startsKey: string;
  private readonly tokensKey: string;
  private readonly bucketMs: number;
  // Members of the starts set must be unique across processes.
  private readonly member = `${randomUUID()}:`;
  private started = 0;

  constructor(
    redis: Redis,
    keyPrefix: string,
    llm: string,
    private readonly limits: RateWindowLimits,
    readonly store: string,
  ) {
    this.redis = redis as ScriptedRedis;
    this.startsKey = `${keyPrefix}llm-rate:${llm}:starts`;
    this.tokensKey = `${keyPrefix}llm-rate:${llm}:tokens`;
    this.bucketMs = Math.max(1, Math.ceil(limits.windowMs / TOKEN_BUCKETS));
  }

  tryStart(): Promise<number> {
    const { windowMs, requestsPerWindow, tokensPerWindow } = this.limits;
    return this.redis.llmRateTryStart(this.startsKey, this.tokensKey, windowMs, this.bucketMs, requestsPerWindow, tokensPerWindow, this.member + ++this.started);
  }

  async addTokens(tokens: number): Promise<void> {
    if (this.limits.tokensPerWindow === 0 || tokens <= 0) return;
    await this.redis.llmRateAddTokens(this.tokensKey, this.limits.windowMs, this.bucketMs, tokens);
  }
}
