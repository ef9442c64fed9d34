/**
 * The Lua scripts of the saved-state hash `P state:<userId>`. Each runs atomically in Redis, so a
 * write is all or nothing and its fencing check cannot be raced by a new claim.
 */

/** The hash field holding the fencing token of the claim that wrote last. */
export const TOKEN_FIELD = '__token';

/**
 * The fenced write. KEYS: owner key, state key. ARGV: the writer's token, the state's time to live
 * (ms), then field/JSON pairs. Accepted only while the owner key holds the writer's token and no newer
 * claim wrote before; returns 'ok', or why it was refused.
 */
export const SAVE_STATE_SCRIPT = `
local owner = redis.call('GET', KEYS[1])
if not owner then return 'no_owner' end
local held = tonumber(string.match(owner, '^(%d+)'))
local token = tonumber(ARGV[1])
if held ~= token then return 'superseded' end
local last = tonumber(redis.call('HGET', KEYS[2], '${TOKEN_FIELD}') or '0')
if token < last then return 'older_than_saved' end
redis.call('HSET', KEYS[2], '${TOKEN_FIELD}', ARGV[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 'ok'
`;

/**
 * Deletes the saved states. KEYS: owner key, state key. ARGV: the time to live (ms) of what is left.
 * If someone holds the user now (another replica), only the token one above theirs is left behind, so
 * their instances' next write is refused (they drop them) instead of saving the purged state again;
 * the next claim takes a higher token from the fence and writes as usual.
 */
export const PURGE_STATE_SCRIPT = `
redis.call('DEL', KEYS[2])
local owner = redis.call('GET', KEYS[1])
if not owner then return 0 end
local held = tonumber(string.match(owner, '^(%d+)'))
if not held then return 0 end
redis.call('HSET', KEYS[2], '${TOKEN_FIELD}', string.format('%d', held + 1))
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
`;
