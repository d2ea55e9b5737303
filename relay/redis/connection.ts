/**
 * Redis clients for the relay. Two profiles:
 * - `command`: rooms and rate limits. No offline queue: while Redis is down a command fails at
 *   once (the relay answers `unavailable`, the limiter falls back to memory) instead of hanging.
 * - `stream`: the socket.io adapter. Keeps the offline queue: its blocking XREAD loop retries
 *   immediately on an error, so failing fast would spin; queued, it simply waits for Redis.
 * Both reconnect forever with a capped back-off.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

export type RedisProfile = 'command' | 'stream';

const retryStrategy = (times: number): number => Math.min(100 * times, 2000);

export function redisOptions(profile: RedisProfile): RedisOptions {
  const common: RedisOptions = { retryStrategy, connectTimeout: 5000, lazyConnect: true };
  return profile === 'command'
    ? { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 }
    : { ...common, maxRetriesPerRequest: null };
}

/**
 * A client connected to `url` (waits for `ready`, up to `timeoutMs`). Connection state changes are
 * logged once each (not every retry), so a Redis outage shows as one warning and one recovery.
 */
export async function connectRedis(url: string, profile: RedisProfile, logger: Logger, timeoutMs = 10_000): Promise<Redis> {
  const redis = new Redis(url, redisOptions(profile));
  const log = logger.child({ redis: profile });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ err: err.message }, 'redis unreachable; retrying');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('redis reachable again');
    down = false;
  });
  const timer = setTimeout(() => redis.disconnect(), timeoutMs);
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  return redis;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password !== '') u.password = '***';
  return u.toString();
}
