/**
 * The Lua scripts behind the Redis store's room writes (relay/redis/redis-store.ts). A room is one
 * hash `{prefix}room:{CODE}`:
 * - `v`: the version, one more per write (what a restore compares: the newest copy wins);
 * - `w`: the write's id, unique to it (what a compare-and-set compares with `v`);
 * - `d`: the room as JSON;
 * - `r`: '1' while the room is a restored copy nobody has changed since.
 *
 * Why a write id beside the version: after Redis lost its data, relays put back copies of
 * different ages, and a version no longer names one room. A relay whose restore was refused (an
 * older copy was put back first and then written) holds a copy whose version Redis reaches again
 * with other contents; a compare-and-set on the version alone would write over those. The id of
 * the write a copy came from names that room and no other. A relay that predates `w` leaves it as
 * it was when it writes, but moves `v`, so comparing both still sees its writes.
 */
import type { ChatRedis } from './chat-scripts';

/**
 * KEYS: room, index, chat. ARGV: code, json, expiresAt ('' = none), version, write id. Creates only
 * when absent, with no chat history.
 */
const CREATE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[4], 'd', ARGV[2], 'w', ARGV[5])
redis.call('DEL', KEYS[3])
if ARGV[3] ~= '' then
  redis.call('PEXPIREAT', KEYS[1], ARGV[3])
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
else
  redis.call('ZADD', KEYS[2], '+inf', ARGV[1])
end
return 1`;

/**
 * KEYS: room, index, chat. ARGV: code, expected version, expected write id ('' = none), json ('' =
 * delete), expiresAt ('' = none), new write id. Returns 1 when written; 0 when the room is gone;
 * when the room is no longer the expected one, the room as it is now: [v, json, write id].
 */
const swapLua = (announce: string, written: string): string => `
local cur = redis.call('HMGET', KEYS[1], 'v', 'w')
if not cur[1] then return 0 end
local w = cur[2] or ''
if cur[1] ~= ARGV[2] or w ~= ARGV[3] then
  return {cur[1], redis.call('HGET', KEYS[1], 'd'), w}
end
${announce}
if ARGV[4] == '' then
  redis.call('DEL', KEYS[1], KEYS[3])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 1
end
redis.call('HSET', KEYS[1], 'v', tostring(tonumber(ARGV[2]) + 1), 'd', ARGV[4], 'w', ARGV[6])
redis.call('HDEL', KEYS[1], 'r')
if ARGV[5] ~= '' then
  redis.call('PEXPIREAT', KEYS[1], ARGV[5])
  redis.call('PEXPIREAT', KEYS[3], ARGV[5])
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
else
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[3])
  redis.call('ZADD', KEYS[2], '+inf', ARGV[1])
end
return ${written}`;

const SWAP_LUA = swapLua('', '1');

/**
 * The compare-and-set above that also publishes, when it writes, the broadcasts the write causes
 * (relay/redis/stream-announce.ts): KEYS: room, index, chat, stream. ARGV: as above, then the
 * stream's MAXLEN, the publishing adapter's uid, the namespace, one entry's data each. Answers as
 * above, but {1, entry id...} when written. The entries go first: a script that fails midway keeps
 * what it did, so an XADD that fails (the key is not a stream) fails before the room is written.
 */
const SWAP_ANNOUNCE_LUA = swapLua(
  `local ids = {1}
for i = 10, #ARGV do
  ids[#ids + 1] = redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', 'uid', ARGV[8], 'nsp', ARGV[9], 'type', '3', 'data', ARGV[i])
end`,
  'ids',
);

/**
 * KEYS: room, index, chat. ARGV: code, json, expiresAt ('' = none), version, write id ('' = none).
 * Puts back a room after Redis lost it: when absent, or when another relay restored an OLDER copy
 * that nobody has changed since (`r` is cleared by every swap), so the newest copy any relay knew
 * wins. The copy keeps the id of the write it came from. The chat history is not put back (no
 * relay holds all of it): the room starts a new one.
 */
const RESTORE_LUA = `
local v = redis.call('HGET', KEYS[1], 'v')
if v and not (redis.call('HGET', KEYS[1], 'r') == '1' and tonumber(v) < tonumber(ARGV[4])) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[4], 'd', ARGV[2], 'r', '1')
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'w', ARGV[5]) else redis.call('HDEL', KEYS[1], 'w') end
if ARGV[3] ~= '' then
  redis.call('PEXPIREAT', KEYS[1], ARGV[3])
  redis.call('PEXPIREAT', KEYS[3], ARGV[3])
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
else
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[3])
  redis.call('ZADD', KEYS[2], '+inf', ARGV[1])
end
return 1`;

type RoomKeys = [room: string, index: string, chat: string];

export type RoomRedis = ChatRedis & {
  lockstepCreate(...args: [...RoomKeys, code: string, json: string, expiresAt: string, version: string, write: string]): Promise<number>;
  lockstepSwap(
    ...args: [...RoomKeys, code: string, version: string, write: string, json: string, expiresAt: string, next: string]
  ): Promise<1 | 0 | [version: string, json: string | null, write: string]>;
  lockstepSwapAnnounce(
    ...args: [
      ...RoomKeys,
      stream: string,
      code: string,
      version: string,
      write: string,
      json: string,
      expiresAt: string,
      next: string,
      maxLen: string,
      uid: string,
      nsp: string,
      ...data: string[],
    ]
  ): Promise<1 | 0 | [1, ...ids: string[]] | [version: string, json: string | null, write: string]>;
  lockstepRestore(...args: [...RoomKeys, code: string, json: string, expiresAt: string, version: string, write: string]): Promise<number>;
};

/** Defines the room scripts on `redis` (which has the chat scripts) and returns it typed with them. */
export function withRoomScripts(redis: ChatRedis): RoomRedis {
  redis.defineCommand('lockstepCreate', { numberOfKeys: 3, lua: CREATE_LUA });
  redis.defineCommand('lockstepSwap', { numberOfKeys: 3, lua: SWAP_LUA });
  redis.defineCommand('lockstepSwapAnnounce', { numberOfKeys: 4, lua: SWAP_ANNOUNCE_LUA });
  redis.defineCommand('lockstepRestore', { numberOfKeys: 3, lua: RESTORE_LUA });
  return redis as RoomRedis;
}
