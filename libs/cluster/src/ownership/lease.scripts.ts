import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * A Lua script run by its SHA (EVALSHA), loaded on first use and again after Redis forgot it (a
 * restart, SCRIPT FLUSH). Not `defineCommand`: that adds methods to the connection every cluster
 * part shares.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Claims a user. KEYS: owner key, fence key. ARGV: replica id, advertise URL, lease ttl (ms).
 * Granted when the key is absent or names this replica (its own lease, e.g. a release that did not
 * reach Redis): the next fence value is the new token, and the lease is `"<token> <replica> <url>"`.
 * Returns `{1, lease, token}` when granted, `{0, lease, pttl}` with the holder's lease otherwise.
 */
export const CLAIM_LEASE = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if current then
  local holder = string.match(current, '^%d+ (%S+)')
  if holder ~= ARGV[1] then
    return {0, current, redis.call('PTTL', KEYS[1])}
  end
end
local token = redis.call('INCR', KEYS[2])
local lease = token .. ' ' .. ARGV[1] .. ' ' .. ARGV[2]
redis.call('SET', KEYS[1], lease, 'PX', ARGV[3])
return {1, lease, token}
`);

/**
 * Renews leases in one pass. KEYS: owner keys. ARGV: lease ttl (ms), then each key's lease as
 * granted. A key still holding exactly that lease gets its ttl back; returns the 1-based positions
 * of the others (gone or taken): usually none, so the reply stays small.
 */
export const RENEW_LEASES = new LuaScript(`
local lost = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i + 1] then
    redis.call('PEXPIRE', key, ARGV[1])
  else
    lost[#lost + 1] = i
  end
end
return lost
`);

/**
 * Releases leases: compare-and-delete, so a lease that expired and went to another replica is left
 * alone. KEYS: owner keys. ARGV: each key's lease as granted. Returns how many were deleted.
 */
export const RELEASE_LEASES = new LuaScript(`
local released = 0
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i] then
    redis.call('DEL', key)
    released = released + 1
  end
end
return released
`);
