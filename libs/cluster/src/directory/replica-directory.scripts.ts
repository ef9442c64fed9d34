/**
 * The directory's atomic steps, as Lua run by Redis. KEYS[1] is `P replica:<id>`, KEYS[2] `P replicas`
 * (a sorted set of ids by last heartbeat, which outlives the hashes, so a replica that vanished without
 * leaving is still known as gone for a while).
 */
export const ReplicaDirectoryScripts = {
  /**
   * Writes this process's entry and renews it, unless another process holds the id.
   * ARGV: instance, ttl ms, instance allowed to be taken over ('' none), heartbeat ms, id, the
   * heartbeat ms before which gone replicas are forgotten, then field/value pairs.
   * Returns 0 if another process holds the id, 1 if the entry was this process's (or the one taken
   * over), 2 if there was none.
   */
  replicaUpsert: `
local holder = redis.call('HGET', KEYS[1], 'instance')
if holder and holder ~= ARGV[1] and holder ~= ARGV[3] then return 0 end
local fields = {}
for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], 'instance', ARGV[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[6])
if holder then return 1 end
return 2
`,
  /** Deletes the entry if it is this process's. ARGV: instance, id. Returns 1 if it did. */
  replicaLeave: `
if redis.call('HGET', KEYS[1], 'instance') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
`,
} as const;
