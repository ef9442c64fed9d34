/**
 * The Lua scripts of the Redis store's run leases, cancel requests and claimed executions; each runs atomically in Redis.
 * Keys: the run's `lease` (holds the token of its holder, expiring), `fence` (the newest token issued,
 * a counter) and `cancel` (present while a cancel is requested and the run has not ended).
 */
export const RedisScripts = {
  /** KEYS: lease, fence. ARGV: ttl ms. The new token, or 0 when the lease is held. */
  acquireLease: {
    numberOfKeys: 2,
    lua: `
if not redis.call('SET', KEYS[1], 'taking', 'NX', 'PX', ARGV[1]) then return 0 end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence, 'PX', ARGV[1])
return fence`,
  },
  /**
   * KEYS: lease, fence. ARGV: token, ttl ms. 1 when extended; 0 when a newer token was issued. A lease
   * that expired while nobody took it (the store was away) is taken back: the token is still the newest.
   */
  renewLease: {
    numberOfKeys: 2,
    lua: `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`,
  },
  /** KEYS: lease. ARGV: token. */
  releaseLease: {
    numberOfKeys: 1,
    lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`,
  },
  /** KEYS: fence, a hash. ARGV: token, HSET or HDEL, its arguments. -1 when the token is stale. */
  fencedWrite: {
    numberOfKeys: 2,
    lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
return redis.call(ARGV[2], KEYS[2], unpack(ARGV, 3))`,
  },
  /**
   * KEYS: fence, the runs hash, cancel. ARGV: token, run id, its JSON, 1 when it has ended. Writes the
   * run, and drops its cancel request once it has ended, so a request never outlives its run's end.
   * -1 when the token is stale.
   */
  putRun: {
    numberOfKeys: 3,
    lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] == '1' then redis.call('DEL', KEYS[3]) end
return 1`,
  },
  /**
   * KEYS: the runs hash, cancel. ARGV: run id, the channel to announce it on. Records the request and
   * publishes the run's id, only while the stored run is queued or running (so never after its last
   * write): 1 then, else 0.
   */
  requestCancel: {
    numberOfKeys: 2,
    lua: `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return 0 end
local status = cjson.decode(json).status
if status ~= 'queued' and status ~= 'running' then return 0 end
redis.call('SET', KEYS[2], '1')
redis.call('PUBLISH', ARGV[2], ARGV[1])
return 1`,
  },
  /**
   * KEYS: the run's execution claims (a hash of tokens by user), its executions hash. ARGV: user id,
   * token, the execution's JSON, the run's event channel, the event's JSON. Writes and announces the
   * execution while `token` is its newest claim and the stored one has not ended: 1; 0 when it had
   * ended (nothing written); -1 when the claim is stale.
   */
  putClaimedExecution: {
    numberOfKeys: 2,
    lua: `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return -1 end
local stored = redis.call('HGET', KEYS[2], ARGV[1])
if stored then
  local status = cjson.decode(stored).status
  if status == 'succeeded' or status == 'failed' or status == 'cancelled' then return 0 end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`,
  },
  /**
   * KEYS: runs, the run's execution claims, its executions hash, its cancel key, the users hash, its
   * results hash. ARGV: run id, user id. What a worker reads to start a job, in one round trip: the
   * run's JSON (false when deleted), and only while the run is live or cancelled a new claim token,
   * the execution's JSON, 1 when a cancel is requested, the user's JSON and the user's node results
   * stored, of the run's workflow's nodes in order (under `<userId>-<nodeId>`, as putClaimedResult writes them).
   */
  openClaim: {
    numberOfKeys: 6,
    lua: `
local run = redis.call('HGET', KEYS[1], ARGV[1])
if not run then return {false} end
local meta = cjson.decode(run)
if meta.status ~= 'queued' and meta.status ~= 'running' and meta.status ~= 'cancelled' then return {run} end
local token = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
local execution = redis.call('HGET', KEYS[3], ARGV[2])
local cancel = redis.call('EXISTS', KEYS[4])
local user = redis.call('HGET', KEYS[5], ARGV[2])
local fields = {}
for i, node in ipairs(meta.workflow.nodes) do fields[i] = ARGV[2] .. '-' .. node.id end
local results = {}
if #fields > 0 then results = redis.call('HMGET', KEYS[6], unpack(fields)) end
return {run, token, execution, cancel, user, results}`,
  },
  /** KEYS: the run's execution claims, its results hash. ARGV: user id, token, result key, its JSON. -1 when the claim is stale. */
  putClaimedResult: {
    numberOfKeys: 2,
    lua: `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
return 1`,
  },
} as const;
