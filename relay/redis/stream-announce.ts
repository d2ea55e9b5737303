/**
 * A control's `playback:state` published by the Redis store's own compare-and-set
 * (relay/redis/room-scripts.ts), into the socket.io Redis Streams adapter's stream, instead of by
 * the adapter after the write: one round trip to Redis per control instead of two, and the
 * broadcasts of a room in the stream in the order of its writes.
 *
 * The entry is the one the adapter would have written for `io.to('room:CODE').emit(event, ...args)`
 * (@socket.io/redis-streams-adapter 0.3, `RedisStreamsAdapter.encode`): fields `uid` (the adapter's,
 * so that its own relay skips it as it skips its own broadcasts), `nsp`, `type` '3' (BROADCAST) and
 * `data`, the JSON of `{packet, opts}` as socket.io-adapter's ClusterAdapter encodes them. Every
 * relay's adapter reads it as any broadcast (adding the entry id for connection state recovery),
 * and a recovering client gets it from the stream like the others. The relay that wrote it delivers
 * it to its own members with the same id (RelayContext.announce). The adapter is pinned to that
 * version in package.json: test/integration/redis/announce.test.ts compares the entry with the
 * adapter's own, and an upgrade must pass it.
 */
import type { Redis } from 'ioredis';
import { roomChannel } from '../context';
import type { Announcement } from '../store/room-store';

/** Where and as whom the store publishes: set once the adapter of the main namespace exists. */
export interface StreamAnnouncer {
  /**
   * The adapter's own publishing connection. Redis runs one connection's commands in order and
   * answers them in order, so a write that announces keeps its place among this relay's other
   * broadcasts (a status batch flushed before it is in the stream, and delivered here, before it).
   */
  redis: Redis;
  /** The adapter's stream key, and its MAXLEN (approximate trimming, as the adapter's own XADD). */
  stream: string;
  maxLen: number;
  /** The adapter's uid. */
  uid: string;
}

/** socket.io-parser's EVENT packet type. */
const EVENT = 2;
/** The namespace every Lockstep event is on. */
export const MAIN_NAMESPACE = '/';

/** The `data` field of the stream entry for `announcement` to the room `code`. */
export function announcementEntry(code: string, announcement: Announcement): string {
  return JSON.stringify({
    // No `nsp`: socket.io's BroadcastOperator leaves it out, each adapter sets its own on delivery.
    packet: { type: EVENT, data: [announcement.event, ...announcement.args] },
    opts: { rooms: [roomChannel(code)], except: [], flags: {} },
  });
}
