/**
 * The RoomStores the relay integration suite runs against: `describe.each(storeFactories)`.
 * Each factory gives a fresh, empty store and a cleanup. The Redis store uses the Redis at
 * REDIS_TEST_URL (default redis://127.0.0.1:6379) under a unique key prefix per store, and its
 * cleanup deletes that prefix's keys.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { relayNow } from '../../relay/clock';
import { connectRedis } from '../../relay/redis/connection';
import { MemoryRoomStore } from '../../relay/store/memory-store';
import { RedisRoomStore } from '../../relay/redis/redis-store';
import type { RoomStore } from '../../relay/store/room-store';

export interface StoreFactory {
  name: 'memory' | 'redis';
  create(): Promise<{ store: RoomStore; cleanup(): Promise<void> }>;
}

export const TEST_REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test (or relay) uses. */
export function uniquePrefix(label = 'test'): string {
  return `lockstep-${label}:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` on the Redis at `url`. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = await connectRedis(url, 'command', pino({ level: 'silent' }));
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export const memoryStoreFactory: StoreFactory = {
  name: 'memory',
  async create() {
    const store = new MemoryRoomStore({ now: relayNow });
    return { store, cleanup: () => store.close() };
  },
};

export const redisStoreFactory: StoreFactory = {
  name: 'redis',
  async create() {
    const keyPrefix = uniquePrefix();
    const redis = await connectRedis(TEST_REDIS_URL, 'command', pino({ level: 'silent' }));
    const store = new RedisRoomStore({ redis, keyPrefix, now: relayNow });
    await store.whenSynced();
    return {
      store,
      async cleanup() {
        await store.close();
        await deleteKeys(TEST_REDIS_URL, keyPrefix);
      },
    };
  },
};

export const storeFactories: StoreFactory[] = [memoryStoreFactory, redisStoreFactory];
