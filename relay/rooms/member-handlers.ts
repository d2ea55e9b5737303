/**
 * `member:profile`, `member:status` and `member:telemetry`: a present member tells the room about
 * itself; `members:watch`: it wants the others' telemetry. Plain functions of (context, socket,
 * payload), shared by every connection.
 */
import { roomChannel, watchChannel, type RelayContext, type RelaySocket } from '../context';
import { ErrorCode, type Member, type Profile, type Result, type StatusReport, type TelemetryReport } from '../contract/protocol';
import { recordTelemetry, reportStatus, setProfile } from './member-actions';
import { fail, updateAsMember } from './member-update';
import { statusEntry } from './room-view';

export async function memberProfile(ctx: RelayContext, socket: RelaySocket, req: Profile): Promise<Result<Member>> {
  const r = await updateAsMember(ctx, socket, (id) => setProfile(id, req));
  if ('error' in r) return fail(r.error);
  ctx.broadcast(r.code, 'member:updated', r.value);
  return { ok: true, data: r.value };
}

export async function memberStatus(ctx: RelayContext, socket: RelaySocket, report: StatusReport): Promise<Result<Member>> {
  const r = await updateAsMember(ctx, socket, (id) => reportStatus(id, report, ctx.now(), ctx.config.HOLD_TIMEOUT_MS));
  if ('error' in r) return fail(r.error);
  if (typeof report.offsetMs === 'number') ctx.metrics.offsets.observe(Math.abs(report.offsetMs));
  socket.data.storedRttMs = r.value.member.rttMs;
  // The member view just broadcast is newer than any telemetry before it.
  delete socket.data.telemetry;
  // The sender gets its member in the ack; the others get it in the room's next status batch, and
  // those whose client predates batches a `member:updated` of their own. A report that changed only
  // the offset or RTT (a client that does not send `member:telemetry` for those) is sent volatile:
  // a busy socket may skip one, and it is not kept for connection state recovery.
  const { member, telemetryOnly, audience } = r.value;
  if (audience.batches) ctx.statuses.record(r.code, statusEntry(member, r.value.seq), telemetryOnly);
  if (audience.legacy) {
    const others = socket.to(roomChannel(r.code));
    ctx.metrics.eventsOut.count('member:updated');
    (telemetryOnly ? others.volatile : others).emit('member:updated', member);
  }
  // After the batch (ctx.broadcast flushes it): the room hears of the status before the release it caused.
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
 * Telemetry between status changes: no ack, batched into `members:telemetry` (relay/rooms/telemetry-board.ts).
 * The store sees it only when the RTT moved enough to matter for scheduled starts.
 */
export async function memberTelemetry(ctx: RelayContext, socket: RelaySocket, report: TelemetryReport): Promise<void> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) {
    ctx.metrics.refusals.inc({ reason: ErrorCode.NotInRoom });
    return;
  }
  if (report.offsetMs !== null) ctx.metrics.offsets.observe(Math.abs(report.offsetMs));
  const entry = { memberId, offsetMs: report.offsetMs, rttMs: report.rttMs };
  socket.data.telemetry = entry;
  ctx.telemetry.record(code, entry);
  // With the store away (Redis down) the batch still goes out; the RTT is stored with a later report.
  if (!rttMoved(socket.data.storedRttMs, report.rttMs) || !ctx.store.ready()) return;
  const r = await ctx.store.update(code, recordTelemetry(memberId, report));
  if (r.ok) socket.data.storedRttMs = report.rttMs;
  else ctx.logger.debug({ sid: socket.id, error: r.error }, 'telemetry not stored');
}

/**
 * `members:watch`: the member's popup opened (or closed). Only watchers get the room's telemetry
 * batches; a new watcher gets every member's latest report with the next batch.
 */
export async function membersWatch(ctx: RelayContext, socket: RelaySocket, req: { on: boolean }): Promise<Result<null>> {
  const { code } = socket.data;
  if (code === null) return fail(ErrorCode.NotInRoom);
  if (!req.on) {
    await socket.leave(watchChannel(code));
    return { ok: true, data: null };
  }
  await socket.join(watchChannel(code));
  ctx.replayTelemetry(code);
  return { ok: true, data: null };
}
