/**
 * The relay's side of the seat registry (relay/seats.ts): marks a dead relay's members away,
 * and puts this relay's own members back after the other relays took it for dead. Both go
 * through the same pure rules and announcements as a member's own disconnect and resume.
 */
import { announceDeparture, announceEntry } from './announce';
import { redactCode } from './codes';
import type { RelayContext, RelaySocket } from './context';
import { ErrorCode } from './protocol';
import { markAway, resume, type Entered, type RoomRules } from './room-state';
import type { Seat, SeatKeeper } from './seats';
import type { Mutation, StoredRoom } from './store/types';

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

export function createSeatKeeper(ctx: RelayContext): SeatKeeper {
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
    const live = (room: StoredRoom): Mutation<Entered, ErrorCode | ReclaimRefusal | 'closed'> => (socket.connected ? rule(room) : { ok: false, error: 'closed' });
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
