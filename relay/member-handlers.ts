/**
 * Events of a present member: settings, host hand-over, profile, status, playback control, chat.
 * Plain functions of (context, socket, payload), shared by every connection.
 */
import { roomChannel, type RelayContext, type RelaySocket } from './context';
import { ErrorCode, type ControlRequest, type Member, type Profile, type Result, type RoomSettings, type StatusReport, type TelemetryReport, type Timeline } from './protocol';
import { control, recordTelemetry, reportStatus, setProfile, transferHost, updateSettings } from './room-state';
import { storeError } from './room-handlers';
import type { Mutation, StoredRoom } from './store/types';

const fail = (error: ErrorCode): Result<never> => ({ ok: false, error });

/** Runs a mutation for this connection's member in its room; the value, or the wire error. */
async function apply<T>(ctx: RelayContext, socket: RelaySocket, make: (memberId: string) => (room: StoredRoom) => Mutation<T, ErrorCode>): Promise<{ code: string; value: T } | { error: ErrorCode }> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) return { error: ErrorCode.NotInRoom };
  const r = await ctx.store.update(code, make(memberId));
  if (!r.ok) return { error: r.error === 'room_not_found' ? ErrorCode.NotInRoom : storeError(r.error) };
  return { code, value: r.value };
}

export async function settings(ctx: RelayContext, socket: RelaySocket, change: Partial<RoomSettings>): Promise<Result<RoomSettings>> {
  const r = await apply(ctx, socket, (id) => updateSettings(id, change, ctx.now()));
  if ('error' in r) return fail(r.error);
  ctx.broadcast(r.code, 'room:settings', r.value.settings);
  if (r.value.timeline !== null) ctx.broadcast(r.code, 'playback:state', r.value.timeline);
  return { ok: true, data: r.value.settings };
}

export async function transfer(ctx: RelayContext, socket: RelaySocket, req: { memberId: string }): Promise<Result<null>> {
  const r = await apply(ctx, socket, (id) => transferHost(id, req.memberId));
  if ('error' in r) return fail(r.error);
  if (r.value.from.id !== r.value.to.id) {
    ctx.broadcast(r.code, 'member:updated', r.value.from);
    ctx.broadcast(r.code, 'member:updated', r.value.to);
  }
  return { ok: true, data: null };
}

export async function profile(ctx: RelayContext, socket: RelaySocket, req: Profile): Promise<Result<Member>> {
  const r = await apply(ctx, socket, (id) => setProfile(id, req));
  if ('error' in r) return fail(r.error);
  ctx.broadcast(r.code, 'member:updated', r.value);
  return { ok: true, data: r.value };
}

export async function status(ctx: RelayContext, socket: RelaySocket, report: StatusReport): Promise<Result<Member>> {
  const r = await apply(ctx, socket, (id) => reportStatus(id, report, ctx.now(), ctx.config.HOLD_TIMEOUT_MS));
  if ('error' in r) return fail(r.error);
  if (typeof report.offsetMs === 'number') ctx.metrics.offsets.observe(Math.abs(report.offsetMs));
  socket.data.storedRttMs = r.value.member.rttMs;
  // The sender gets its member in the ack, the others a broadcast. A report that changed only the
  // offset or RTT (a client that does not send `member:telemetry` for those) is sent volatile: a
  // busy socket may skip one, and it is not kept for connection state recovery.
  const others = socket.to(roomChannel(r.code));
  ctx.metrics.eventsOut.inc({ event: 'member:updated' });
  (r.value.telemetryOnly ? others.volatile : others).emit('member:updated', r.value.member);
  if (r.value.timeline !== null) {
    ctx.broadcast(r.code, 'playback:state', r.value.timeline);
    ctx.scheduleHold(r.code, r.value.timeline);
  }
  return { ok: true, data: r.value.member };
}

/** An RTT change that moves the scheduling lead (half the RTT) by 10 ms or more is worth a store write. */
export const RTT_STORE_STEP_MS = 20;

function rttMoved(stored: number | null | undefined, rtt: number | null): boolean {
  if (stored === undefined) return rtt !== null;
  if (stored === null || rtt === null) return stored !== rtt;
  return Math.abs(rtt - stored) >= RTT_STORE_STEP_MS;
}

/**
 * Telemetry between status changes: no ack, batched into `members:telemetry` (relay/telemetry.ts).
 * The store sees it only when the RTT moved enough to matter for scheduled starts.
 */
export async function telemetry(ctx: RelayContext, socket: RelaySocket, report: TelemetryReport): Promise<void> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) {
    ctx.metrics.refusals.inc({ reason: ErrorCode.NotInRoom });
    return;
  }
  if (report.offsetMs !== null) ctx.metrics.offsets.observe(Math.abs(report.offsetMs));
  ctx.telemetry.record(code, { memberId, offsetMs: report.offsetMs, rttMs: report.rttMs });
  // With the store away (Redis down) the batch still goes out; the RTT is stored with a later report.
  if (!rttMoved(socket.data.storedRttMs, report.rttMs) || !ctx.store.ready()) return;
  const r = await ctx.store.update(code, recordTelemetry(memberId, report));
  if (r.ok) socket.data.storedRttMs = report.rttMs;
  else ctx.logger.debug({ sid: socket.id, error: r.error }, 'telemetry not stored');
}

export async function playback(ctx: RelayContext, socket: RelaySocket, req: ControlRequest): Promise<Result<Timeline>> {
  const r = await apply(ctx, socket, (id) => control(id, req, ctx.now()));
  if ('error' in r) return fail(r.error);
  if (r.value.changed) ctx.broadcast(r.code, 'playback:state', r.value.timeline);
  return { ok: true, data: r.value.timeline };
}

/** Chat is relayed, not stored: membership comes from this connection's seat. */
export async function chat(ctx: RelayContext, socket: RelaySocket, req: { text: string }): Promise<Result<null>> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) return fail(ErrorCode.NotInRoom);
  ctx.metrics.eventsOut.inc({ event: 'chat:message' });
  ctx.io.to(roomChannel(code)).emit('chat:message', { from: memberId, text: req.text, at: ctx.now() });
  return { ok: true, data: null };
}
