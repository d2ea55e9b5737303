/**
 * A room's chat history in Redis (relay/redis/redis-store.ts): the list `{prefix}chat:{CODE}`
 * beside the room's hash, oldest first, appended and trimmed by one Lua script so that relays
 * appending at once neither lose a message nor overshoot a cap. Each entry is
 * `<text bytes> <message JSON>`: the script trims by bytes without parsing JSON, and the size is
 * computed once, by the rule the memory store applies (relay/store/chat-history.ts).
 *
 * The list lives and dies with the room: the append copies the room's expiry time (or none) onto
 * it, and the room's own writes (create, compare-and-set, restore) set the list's expiry with the
 * room's, or delete it with the room.
 */
import type { Redis } from 'ioredis';
import type { ChatMessage } from '../contract/protocol';
import { CHAT_CAPS, textBytes } from '../store/chat-history';

/**
 * KEYS: room, chat. ARGV: entry, max count, max bytes. Returns 1 when appended, 0 when the room is
 * gone (then nothing is written).
 */
const APPEND_CHAT_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
-- The room's expiry as a time (Redis 7), copied exactly; Redis 6 has only the remaining TTL.
local exact, expires = pcall(redis.call, 'PEXPIRETIME', KEYS[1])
local ttl = -1
if not exact then ttl = redis.call('PTTL', KEYS[1]) end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
local entries = redis.call('LRANGE', KEYS[2], 0, -1)
local sizes, total = {}, 0
for i = 1, #entries do
  sizes[i] = tonumber(string.match(entries[i], '^%d+'))
  total = total + sizes[i]
end
local drop = 0
while total > tonumber(ARGV[3]) and drop < #entries do
  drop = drop + 1
  total = total - sizes[drop]
end
if drop > 0 then redis.call('LTRIM', KEYS[2], drop, -1) end
if exact and expires >= 0 then redis.call('PEXPIREAT', KEYS[2], expires)
elseif not exact and ttl >= 0 then redis.call('PEXPIRE', KEYS[2], ttl)
else redis.call('PERSIST', KEYS[2]) end
return 1`;

export type ChatRedis = Redis & {
  lockstepAppendChat(room: string, chat: string, entry: string, maxCount: number, maxBytes: number): Promise<number>;
};

/** Defines the script on `redis` and returns it typed with it. */
export function withChatScripts(redis: Redis): ChatRedis {
  redis.defineCommand('lockstepAppendChat', { numberOfKeys: 2, lua: APPEND_CHAT_LUA });
  return redis as ChatRedis;
}

/** Appends `message` to the list at `chatKey` when the room at `roomKey` exists. */
export async function appendChatEntry(redis: ChatRedis, roomKey: string, chatKey: string, message: ChatMessage): Promise<boolean> {
  const entry = `${textBytes(message.text)} ${JSON.stringify(message)}`;
  return (await redis.lockstepAppendChat(roomKey, chatKey, entry, CHAT_CAPS.count, CHAT_CAPS.bytes)) === 1;
}

/** The message of one list entry. */
export function parseChatEntry(entry: string): ChatMessage {
  return JSON.parse(entry.slice(entry.indexOf(' ') + 1)) as ChatMessage;
}
