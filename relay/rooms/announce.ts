/**
 * What the room is told after a membership change, whoever caused it: a member's own events
 * (room-handlers.ts) or the sweep of a dead relay's seats (seats.ts).
 */
import type { RelayContext } from '../context';
import type { MemberLeft } from '../contract/protocol';
import type { Departed, Entered } from './membership';
import { memberView } from './room-view';
import type { StoredRoom } from '../store/room-store';

/** member:left for each departure, and member:updated for a member it made host. */
export function announceLeft(ctx: RelayContext, code: string, lefts: MemberLeft[], room: StoredRoom | null): void {
  for (const left of lefts) {
    ctx.broadcast(code, 'member:left', left);
    const heir = left.hostId === null ? undefined : room?.members[left.hostId];
    if (heir !== undefined && heir.role === 'host') ctx.broadcast(code, 'member:updated', memberView(heir));
  }
}

/**
 * Tells the room what an arrival changed; the arriving socket has it in its ack. Through a cluster
 * adapter the receivers are picked once the event is stored, when the arriving socket may be in the
 * room already and hear it too: the extension takes its own entry again as an update.
 */
export function announceEntry(
  ctx: RelayContext,
  code: string,
  e: Entered,
  event: 'member:joined' | 'member:updated',
  room: StoredRoom | null,
): void {
  announceLeft(ctx, code, e.pruned, room);
  if (e.timelineChanged) ctx.broadcast(code, 'playback:state', e.view.timeline);
  ctx.broadcast(code, event, e.member);
  // The member's previous connection (on any relay) must not act for it any more.
  if (e.replaced !== null) ctx.io.in(e.replaced).disconnectSockets(true);
  // A hold set through another relay (or before a restart) still needs its timeout here.
  ctx.scheduleHold(code, e.view.timeline);
}

/** A member went away (member:updated) or left; a hold it caused may have been released. */
export function announceDeparture(ctx: RelayContext, code: string, d: Departed, room: StoredRoom | null): void {
  if (d.member !== null) ctx.broadcast(code, 'member:updated', d.member);
  announceLeft(ctx, code, d.left, room);
  if (d.timelineChanged) ctx.broadcast(code, 'playback:state', d.timeline);
  // A hold that outlives the departure still needs its timeout: the relay that armed it may be the
  // one that just died (its seats are being swept here).
  ctx.scheduleHold(code, d.timeline);
}
