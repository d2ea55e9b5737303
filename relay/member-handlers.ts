/** Events of a present member: settings, host hand-over, profile, status, playback control, chat. */
import { roomChannel, type RelayContext, type RelaySocket } from './context';
import { ErrorCode, type ControlRequest, type Member, type Profile, type Result, type RoomSettings, type StatusReport, type Timeline } from './protocol';
import { control, reportStatus, setProfile, transferHost, updateSettings } from './room-state';
import { storeError } from './room-handlers';
import type { Mutation, StoredRoom } from './store/types';

const fail = (error: ErrorCode): Result<never> => ({ ok: false, error });

export function memberHandlers(ctx: RelayContext, socket: RelaySocket) {
  /** Runs a mutation for this connection's member in its room; the value, or the wire error. */
  async function apply<T>(make: (memberId: string) => (room: StoredRoom) => Mutation<T, ErrorCode>): Promise<{ code: string; value: T } | { error: ErrorCode }> {
    const { code, memberId } = socket.data;
    if (code === null || memberId === null) return { error: ErrorCode.NotInRoom };
    const r = await ctx.store.update(code, make(memberId));
    if (!r.ok) return { error: r.error === 'room_not_found' ? ErrorCode.NotInRoom : storeError(r.error) };
    return { code, value: r.value };
  }

  async function settings(change: Partial<RoomSettings>): Promise<Result<RoomSettings>> {
    const r = await apply((id) => updateSettings(id, change, ctx.now()));
    if ('error' in r) return fail(r.error);
    ctx.broadcast(r.code, 'room:settings', r.value.settings);
    if (r.value.timeline !== null) ctx.broadcast(r.code, 'playback:state', r.value.timeline);
    return { ok: true, data: r.value.settings };
  }

  async function transfer(req: { memberId: string }): Promise<Result<null>> {
    const r = await apply((id) => transferHost(id, req.memberId));
    if ('error' in r) return fail(r.error);
    if (r.value.from.id !== r.value.to.id) {
      ctx.broadcast(r.code, 'member:updated', r.value.from);
      ctx.broadcast(r.code, 'member:updated', r.value.to);
    }
    return { ok: true, data: null };
  }

  async function profile(req: Profile): Promise<Result<Member>> {
    const r = await apply((id) => setProfile(id, req));
    if ('error' in r) return fail(r.error);
    ctx.broadcast(r.code, 'member:updated', r.value);
    return { ok: true, data: r.value };
  }

  async function status(report: StatusReport): Promise<Result<null>> {
    const r = await apply((id) => reportStatus(id, report, ctx.now(), ctx.config.HOLD_TIMEOUT_MS));
    if ('error' in r) return fail(r.error);
    if (typeof report.offsetMs === 'number') ctx.metrics.offsets.observe(Math.abs(report.offsetMs));
    ctx.broadcast(r.code, 'member:updated', r.value.member);
    if (r.value.timeline !== null) {
      ctx.broadcast(r.code, 'playback:state', r.value.timeline);
      ctx.scheduleHold(r.code, r.value.timeline);
    }
    return { ok: true, data: null };
  }

  async function playback(req: ControlRequest): Promise<Result<Timeline>> {
    const r = await apply((id) => control(id, req, ctx.now()));
    if ('error' in r) return fail(r.error);
    if (r.value.changed) ctx.broadcast(r.code, 'playback:state', r.value.timeline);
    return { ok: true, data: r.value.timeline };
  }

  /** Chat is relayed, not stored: membership comes from this connection's seat. */
  async function chat(req: { text: string }): Promise<Result<null>> {
    const { code, memberId } = socket.data;
    if (code === null || memberId === null) return fail(ErrorCode.NotInRoom);
    ctx.metrics.eventsOut.inc({ event: 'chat:message' });
    ctx.io.to(roomChannel(code)).emit('chat:message', { from: memberId, text: req.text, at: ctx.now() });
    return { ok: true, data: null };
  }

  return { settings, transfer, profile, status, playback, chat };
}
