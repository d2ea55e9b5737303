/** `playback:control`: a member's play, pause, seek, rate or media change, applied to the room's timeline. */
import type { RelayContext, RelaySocket } from '../context';
import type { ControlRequest, Result, Timeline } from '../contract/protocol';
import type { Announcement, Mutation, StoredRoom } from '../store/room-store';
import { control, type Controlled } from './member-actions';
import { fail, updateAsMember } from './member-update';

export async function playbackControl(ctx: RelayContext, socket: RelaySocket, req: ControlRequest): Promise<Result<Timeline>> {
  // The room's waiting status batch goes first: with Redis the new state is in the stream as soon as it is written.
  if (socket.data.code !== null) ctx.statuses.flush(socket.data.code);
  const r = await updateAsMember(ctx, socket, (id) => announced(control(id, req, ctx.now())));
  if ('error' in r) return fail(r.error);
  if (r.value.changed) ctx.announce(r.code, newState(r.value.timeline), r.announced);
  return { ok: true, data: r.value.timeline };
}

/** A control that moved the timeline announces the new one, to go out with the write. */
function announced<E>(mutate: (room: StoredRoom) => Mutation<Controlled, E>): (room: StoredRoom) => Mutation<Controlled, E> {
  return (room) => {
    const m = mutate(room);
    return m.ok && m.value.changed ? { ...m, announce: newState(m.value.timeline) } : m;
  };
}

const newState = (timeline: Timeline): Announcement => ({ event: 'playback:state', args: [timeline] });
