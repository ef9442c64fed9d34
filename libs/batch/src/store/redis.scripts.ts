/**
 * The Lua scripts of the Redis store's run leases; each runs atomically in Redis. Keys: the run's
 * `lease` (holds the token of its holder, expiring) and `fence` (the newest token issued, a counter).
 */
export const RedisScripts = {
  /** KEYS: lease, fence. ARGV: ttl ms. The new token, or 0 when the lease is held. */
  acquireLease: `
if not redis.call('SET', KEYS[1], 'taking', 'NX', 'PX', ARGV[1]) then return 0 end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence, 'PX', ARGV[1])
return fence`,
  /**
   * KEYS: lease, fence. ARGV: token, ttl ms. 1 when extended; 0 when a newer token was issued. A lease
   * that expired while nobody took it (the store was away) is taken back: the token is still the newest.
   */
  renewLease: `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`,
  /** KEYS: lease. ARGV: token. */
  releaseLease: `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`,
  /** KEYS: fence, a hash. ARGV: token, HSET or HDEL, its arguments. -1 when the token is stale. */
  fencedWrite: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
return redis.call(ARGV[2], KEYS[2], unpack(ARGV, 3))`,
} as const;
