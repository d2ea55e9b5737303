/**
 * Where rooms, rate-limit counters and broadcasts live. Without REDIS_URL: one relay, all in
 * memory. (The Redis branch — RedisRoomStore, a Redis socket.io adapter and RateLimiterRedis —
 * is added by relay/redis/**.)
 */
import type { Logger } from 'pino';
import type { ServerOptions } from 'socket.io';
import { relayNow } from './clock';
import type { RelayConfig } from './config';
import { memoryLimiterFactory, type LimiterFactory } from './limits';
import { MemoryRoomStore } from './store/memory';
import type { RoomStore } from './store/types';

export interface Backends {
  kind: 'memory' | 'redis';
  store: RoomStore;
  adapter?: ServerOptions['adapter'];
  limiterFactory: LimiterFactory;
  ready(): boolean;
  close(): Promise<void>;
}

export async function createBackends(config: RelayConfig, logger: Logger): Promise<Backends> {
  if (config.REDIS_URL !== undefined) {
    throw new Error('REDIS_URL is set but this build has no Redis backend');
  }
  logger.info('rooms in memory (one relay; set REDIS_URL to share rooms between relays)');
  const store = new MemoryRoomStore({ now: relayNow });
  return {
    kind: 'memory',
    store,
    limiterFactory: memoryLimiterFactory,
    ready: () => store.ready(),
    close: () => store.close(),
  };
}
