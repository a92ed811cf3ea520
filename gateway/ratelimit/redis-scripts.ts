/**
 * Lua scripts of the Redis store. Redis runs a script without interleaving other commands, so
 * "check every limit, then count every limit" is atomic across all gateway replicas.
 */

/**
 * KEYS[i]: storage key of request i. ARGV[3i-2], ARGV[3i-1], ARGV[3i]: max, cost, ttl in ms.
 * Returns { failedIndex (1-based, 0 when admitted), stored count of each key before the call }.
 * Mirrors `firstFailure` in plan.ts: requests apply in order, so duplicates see each other.
 * The TTL is set on every increment; it points past the window end, never before it.
 */
export const RESERVE_LUA = `
local n = #KEYS
local stored = {}
local pending = {}
local failed = 0
for i = 1, n do
  local key = KEYS[i]
  local current = tonumber(redis.call('GET', key) or '0')
  stored[i] = current
  local base = pending[key] or current
  local nextCount = base + tonumber(ARGV[3 * i - 1])
  if failed == 0 and nextCount > tonumber(ARGV[3 * i - 2]) then failed = i end
  pending[key] = nextCount
end
if failed == 0 then
  for i = 1, n do
    redis.call('INCRBY', KEYS[i], ARGV[3 * i - 1])
    redis.call('PEXPIRE', KEYS[i], ARGV[3 * i])
  end
end
return { failed, unpack(stored) }
`;

/**
 * KEYS[i]: storage key; ARGV[i]: cost to give back. A key that expired is skipped (its window is
 * over and the next window has another key), and no counter goes below zero. DECRBY keeps the TTL.
 */
export const ROLLBACK_LUA = `
for i = 1, #KEYS do
  local current = redis.call('GET', KEYS[i])
  if current then
    local give = math.min(tonumber(current), tonumber(ARGV[i]))
    if give > 0 then redis.call('DECRBY', KEYS[i], give) end
  end
end
return 0
`;
