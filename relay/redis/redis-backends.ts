/**
 * The Redis branch of the relay's backends: rooms in Redis (RedisRoomStore), broadcasts between
 * relays through the socket.io Redis Streams adapter, rate-limit counters in Redis with an
 * in-memory insurance limiter for when Redis is briefly unreachable.
 *
 * Why the Streams adapter (not the pub/sub one): the relay uses socket.io connection state
 * recovery, which only the Streams adapter supports across nodes (sessions and missed packets
 * are kept in Redis, so a client may recover on another relay); and a stream is read with an
 * offset, so a short Redis blip delays broadcasts instead of dropping them. See docs/benchmarks.md
 * for the measurements.
 */
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Backends } from '../backends';
import { relayNow } from '../clock';
import type { RelayConfig } from '../config';
import type { LimiterFactory } from '../limits/rate-limits';
import { RedisRoomStore } from './redis-store';
import { connectRedis, redactUrl } from './connection';
import { RedisSeatRegistry } from './redis-seats';
import { MAIN_NAMESPACE, type StreamAnnouncer } from './stream-announce';

/** Keeps the stream (missed broadcasts for recovery) bounded; ~minutes of traffic at bench load. */
const STREAM_MAX_LEN = 100_000;

export function redisLimiterFactory(redis: Redis, keyPrefix: string): LimiterFactory {
  return (_cls, spec) =>
    new RateLimiterRedis({
      storeClient: redis,
      ...spec,
      keyPrefix: `${keyPrefix}${spec.keyPrefix}`,
      rejectIfRedisNotReady: true,
      // Counts per relay while Redis is away: the same budget, enforced locally.
      insuranceLimiter: new RateLimiterMemory(spec),
    });
}

type AdapterFactory = ReturnType<typeof createAdapter>;

/**
 * The Streams adapter, whose main namespace's uid and stream the store publishes controls' states
 * under, in its own write (relay/redis/stream-announce.ts).
 */
function announcingAdapter(
  factory: AdapterFactory,
  store: RedisRoomStore,
  into: Omit<StreamAnnouncer, 'uid'>,
  logger: Logger,
): AdapterFactory {
  // A function, not an arrow: socket.io calls the adapter option with `new`.
  return function (nsp) {
    const adapter = factory(nsp);
    if (nsp.name !== MAIN_NAMESPACE) return adapter;
    // `uid` is protected in socket.io-adapter's types, an ordinary field at run time: what the
    // adapter stamps its own entries with, and skips when it reads them back.
    const { uid } = adapter as unknown as { uid: unknown };
    if (typeof uid === 'string' && uid !== '') store.announceThrough({ ...into, uid });
    else logger.warn('redis: the streams adapter has no uid; controls are broadcast by the adapter after their write');
    return adapter;
  };
}

export async function createRedisBackends(config: RelayConfig & { REDIS_URL: string }, logger: Logger): Promise<Backends> {
  const prefix = config.REDIS_KEY_PREFIX;
  const command = await connectRedis(config.REDIS_URL, 'command', logger);
  let stream: Redis;
  try {
    stream = await connectRedis(config.REDIS_URL, 'stream', logger);
  } catch (err) {
    command.disconnect();
    throw err;
  }
  const store = new RedisRoomStore({ redis: command, keyPrefix: prefix, now: relayNow, logger });
  await store.whenSynced(); // else the first events after start are refused `unavailable`
  const streamName = `${prefix}sio`;
  const adapter =
    config.REDIS_ADAPTER === 'sharded'
      ? // A channel per socket.io room: a relay only hears the rooms its clients are in.
        createShardedAdapter(command, stream, { channelPrefix: `${prefix}sio`, subscriptionMode: 'dynamic' })
      : announcingAdapter(
          createAdapter(stream, {
            streamName, // one stream (the default streamCount, 1): the one the store writes to
            channelPrefix: `${prefix}sio`,
            sessionKeyPrefix: `${prefix}sio:session:`,
            maxLen: STREAM_MAX_LEN,
            // Payloads are JSON only (protocol.ts): skip the per-packet binary scan.
            onlyPlaintext: true,
          }),
          store,
          { redis: stream, stream: streamName, maxLen: STREAM_MAX_LEN },
          logger,
        );
  // The relay starts its heartbeat and stops it (removing its keys) before close() below quits Redis.
  const seats = new RedisSeatRegistry({
    redis: command,
    keyPrefix: prefix,
    logger,
    intervalMs: config.HEARTBEAT_INTERVAL_MS,
    timeoutMs: config.HEARTBEAT_TIMEOUT_MS,
  });
  logger.info(
    { redis: redactUrl(config.REDIS_URL), prefix, adapter: config.REDIS_ADAPTER, node: seats.nodeId },
    'rooms in Redis (relays sharing this Redis and prefix share rooms)',
  );
  return {
    kind: 'redis',
    store,
    adapter,
    limiterFactory: redisLimiterFactory(command, prefix),
    seats,
    ready: () => command.status === 'ready' && stream.status === 'ready',
    async close() {
      await seats.stop();
      await store.close();
      await stream.quit().catch((err: unknown) => {
        logger.warn({ err }, 'redis stream client did not quit cleanly');
        stream.disconnect();
      });
    },
  };
}
