/**
 * Where rooms, rate-limit counters and broadcasts live. Without REDIS_URL: one relay, all in
 * memory. With REDIS_URL: RedisRoomStore, the socket.io Redis Streams adapter and RateLimiterRedis
 * (relay/redis/redis-backends.ts), so several relays serve the same rooms.
 */
import type { Logger } from 'pino';
import type { ServerOptions } from 'socket.io';
import { relayNow } from './clock';
import type { RelayConfig } from './config';
import { memoryLimiterFactory, type LimiterFactory } from './limits/rate-limits';
import { createRedisBackends } from './redis/redis-backends';
import { noSeatRegistry, type SeatRegistry } from './rooms/seats';
import { MemoryRoomStore } from './store/memory-store';
import type { RoomStore } from './store/room-store';

export interface Backends {
  kind: 'memory' | 'redis';
  store: RoomStore;
  adapter?: ServerOptions['adapter'];
  limiterFactory: LimiterFactory;
  /** The heartbeat and seats of this relay (Redis); nothing for one relay in memory. */
  seats: SeatRegistry;
  ready(): boolean;
  close(): Promise<void>;
}

export async function createBackends(config: RelayConfig, logger: Logger): Promise<Backends> {
  const redisUrl = config.REDIS_URL;
  if (redisUrl !== undefined) return createRedisBackends({ ...config, REDIS_URL: redisUrl }, logger);
  logger.info('rooms in memory (one relay; set REDIS_URL to share rooms between relays)');
  const store = new MemoryRoomStore({ now: relayNow });
  return {
    kind: 'memory',
    store,
    limiterFactory: memoryLimiterFactory,
    seats: noSeatRegistry,
    ready: () => store.ready(),
    close: () => store.close(),
  };
}
