/** `playback:control`: a member's play, pause, seek, rate or media change, applied to the room's timeline. */
import type { RelayContext, RelaySocket } from '../context';
import type { ControlRequest, Result, Timeline } from '../contract/protocol';
import { control } from './member-actions';
import { fail, updateAsMember } from './member-update';

export async function playbackControl(ctx: RelayContext, socket: RelaySocket, req: ControlRequest): Promise<Result<Timeline>> {
  const r = await updateAsMember(ctx, socket, (id) => control(id, req, ctx.now()));
  if ('error' in r) return fail(r.error);
  if (r.value.changed) ctx.broadcast(r.code, 'playback:state', r.value.timeline);
  return { ok: true, data: r.value.timeline };
}
