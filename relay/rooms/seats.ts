/**
 * Seats: which relay holds which member's seat, for the day a relay dies without a word.
 *
 * With several relays sharing Redis, each one records its seats and keeps a heartbeat; when a
 * relay stops beating, another marks its members away, as its own disconnects would have
 * (the registry: relay/redis/redis-seats.ts). A relay alone needs none of this: when it dies its
 * rooms die with it, and while it lives its disconnects mark members away; hence `noSeatRegistry`.
 *
 * The rooms' side (createSeatHandlers) marks a dead relay's members away, and puts this relay's
 * own members back after the other relays took it for dead. Both go through the same pure rules
 * and announcements as a member's own disconnect and resume.
 */
import { announceDeparture, announceEntry } from './announce';
import { redactCode } from './codes';
import type { RelayContext, RelaySocket } from '../context';
import { ErrorCode } from '../contract/protocol';
import { markAway, resume, type Entered, type RoomRules } from './membership';
import type { Mutation, StoredRoom } from '../store/room-store';

/** A member seated on one connection (socket id) of this relay. */
export interface Seat {
  code: string;
  memberId: string;
  socketId: string;
}

/** What the rooms do for the registry: createSeatHandlers below. */
export interface SeatHandlers {
  /** Seats of a relay found dead: each member is marked away as if its connection dropped. */
  orphaned(seats: Seat[]): Promise<void>;
  /**
   * This relay was taken for dead while its connections lived on (cut off from Redis): puts its
   * members back. Returns the seats it holds now, and whether some must be tried again.
   */
  revive(): Promise<{ seats: Seat[]; retry: boolean }>;
}

export interface SeatRegistry {
  /** A connection took a seat (create, join, resume, recovery). Never throws: failures are logged. */
  add(seat: Seat): void;
  /** The connection left its seat, or is gone. */
  remove(seat: Seat): void;
  /** Starts the heartbeat and the sweeps; createRelay calls it once. */
  start(handlers: SeatHandlers): void;
  /** Clears the timers, waits for running work, removes this relay's heartbeat and seats. */
  stop(): Promise<void>;
}

export const noSeatRegistry: SeatRegistry = {
  add: () => undefined,
  remove: () => undefined,
  start: () => undefined,
  stop: () => Promise.resolve(),
};

/** Store updates in flight at once during a sweep or a revival (a dead relay may have held thousands). */
const BATCH = 64;

/** Why a connection's seat was not put back: it is still there, or it ended (moved elsewhere, pruned). */
export type ReclaimRefusal = 'present' | 'moved' | 'gone';

/**
 * Puts back a member that the sweep marked away while its connection here lived on. Only when
 * the seat is still this connection's: a member that has since resumed elsewhere keeps that seat.
 */
export function reclaimSeat(memberId: string, connectionId: string, now: number, rules: RoomRules) {
  return (room: StoredRoom): Mutation<Entered, ErrorCode | ReclaimRefusal> => {
    const m = room.members[memberId];
    if (m === undefined) return { ok: false, error: 'gone' };
    if (m.connectionId != null && m.connectionId !== connectionId) return { ok: false, error: 'moved' };
    if (m.connected) return { ok: false, error: 'present' };
    const r = resume({ memberId }, connectionId, now, rules)(room);
    // resume prunes first: a seat that outlived the grace is gone.
    return r.ok || r.error !== ErrorCode.ResumeFailed ? r : { ok: false, error: 'gone' };
  };
}

async function inBatches<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) await Promise.all(items.slice(i, i + BATCH).map(run));
}

export function createSeatHandlers(ctx: RelayContext): SeatHandlers {
  const log = ctx.logger.child({ part: 'seats' });

  /** markAway (ignored when the member has since come back on another connection); false when it failed. */
  async function orphan(seat: Seat): Promise<boolean> {
    try {
      const r = await ctx.store.update(seat.code, markAway(seat.memberId, seat.socketId, ctx.now(), ctx.rules));
      if (r.ok) announceDeparture(ctx, seat.code, r.value, r.room);
      else if (r.error !== ErrorCode.NotInRoom && r.error !== 'room_not_found') throw new Error(r.error);
      return true;
    } catch (err) {
      log.warn({ err, room: redactCode(seat.code) }, 'could not mark a seat of a dead relay away');
      return false;
    }
  }

  /** This connection's seat: put back (true), still held (true), ended (false), or failed (throws). */
  async function reclaim(socket: RelaySocket, seat: Seat): Promise<boolean> {
    const rule = reclaimSeat(seat.memberId, seat.socketId, ctx.now(), ctx.rules);
    // Checked in the update itself: a disconnect after it queues its markAway behind it (same room, same relay).
    const live = (room: StoredRoom): Mutation<Entered, ErrorCode | ReclaimRefusal | 'closed'> =>
      socket.connected ? rule(room) : { ok: false, error: 'closed' };
    const r = await ctx.store.update(seat.code, live);
    if (r.ok) {
      announceEntry(ctx, seat.code, r.value, 'member:updated', r.room);
      return true;
    }
    if (r.error === 'present') return true;
    if (r.error === 'closed') return false;
    if (r.error === 'moved' || r.error === 'gone' || r.error === 'room_not_found') {
      // The seat is no longer this connection's: the client finds out through its resume.
      log.info({ sid: seat.socketId, room: redactCode(seat.code), reason: r.error }, 'seat ended while this relay was taken for dead');
      if (socket.data.memberId === seat.memberId) socket.disconnect(true);
      return false;
    }
    throw new Error(`could not put a member of room ${redactCode(seat.code)} back: ${r.error}`);
  }

  return {
    async orphaned(seats) {
      let failed = 0;
      await inBatches(seats, async (seat) => {
        if (!(await orphan(seat))) failed++;
      });
      // Left to the next sweep: the claim on the dead relay lapses and a relay tries again.
      if (failed > 0) throw new Error(`${failed} of ${seats.length} seats not marked away`);
    },

    async revive() {
      const seats: Seat[] = [];
      let retry = false;
      const seated = [...ctx.io.of('/').sockets.values()].filter((s) => s.data.code !== null && s.data.memberId !== null);
      await inBatches(seated, async (socket) => {
        const seat = { code: socket.data.code!, memberId: socket.data.memberId!, socketId: socket.id };
        try {
          if (await reclaim(socket, seat)) seats.push(seat);
        } catch (err) {
          log.warn({ err }, 'revival failed (tried again on the next heartbeat)');
          seats.push(seat);
          retry = true;
        }
      });
      return { seats, retry };
    },
  };
}
