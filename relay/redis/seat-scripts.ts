/**
 * The Lua scripts of the Redis seat registry (relay/redis/redis-seats.ts). Times come from Redis'
 * own TIME, so the relays' clocks need not agree; each script runs atomically, so exactly one
 * relay claims a dead node.
 */
import type { Redis } from 'ioredis';

const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: nodes, sweeps. ARGV: id, timeout ms. Returns {1 if the entry is new, 1 if a sweep of this node is running}. */
const BEAT_LUA = `${NOW_MS}
local added = redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return {added, redis.call('ZSCORE', KEYS[2], ARGV[1]) and 1 or 0}`;

/**
 * KEYS: nodes, sweeps. ARGV: own id, claim ms, max. Claims dead nodes and lapsed claims on nodes
 * still dead; returns {id, claim end, ...}. A lapsed claim on a node beating again is dropped.
 */
const CLAIM_LUA = `${NOW_MS}
local claim_end = now + tonumber(ARGV[2])
local claimed = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))) do
  if id ~= ARGV[1] then
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZADD', KEYS[2], claim_end, id)
    table.insert(claimed, id)
    table.insert(claimed, claim_end)
  end
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))) do
  if redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZREM', KEYS[2], id)
  else
    redis.call('ZADD', KEYS[2], claim_end, id)
    table.insert(claimed, id)
    table.insert(claimed, claim_end)
  end
end
return claimed`;

/** KEYS: nodes, sweeps, seats. ARGV: id, claim end. Ends this sweeper's claim; keeps the seats of a node beating again. */
const SWEPT_LUA = `
if tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1])) == tonumber(ARGV[2]) then redis.call('ZREM', KEYS[2], ARGV[1]) end
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then redis.call('DEL', KEYS[3]) end
return 1`;

export type SeatRedis = Redis & {
  lockstepBeat(nodes: string, sweeps: string, id: string, timeoutMs: number): Promise<[number, number]>;
  lockstepClaim(nodes: string, sweeps: string, id: string, claimMs: number, max: number): Promise<(string | number)[]>;
  lockstepSwept(nodes: string, sweeps: string, seats: string, id: string, until: number): Promise<number>;
};

/** Defines the scripts on `redis` (idempotent) and returns it typed with them. */
export function withSeatScripts(redis: Redis): SeatRedis {
  redis.defineCommand('lockstepBeat', { numberOfKeys: 2, lua: BEAT_LUA });
  redis.defineCommand('lockstepClaim', { numberOfKeys: 2, lua: CLAIM_LUA });
  redis.defineCommand('lockstepSwept', { numberOfKeys: 3, lua: SWEPT_LUA });
  return redis as SeatRedis;
}
