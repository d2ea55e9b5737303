/**
 * The `room:*` events (create, join, resume, leave, settings, transfer-host), and the connection's
 * own comings and goings (disconnect → away; socket.io connection state recovery → back). Plain
 * functions of (context, socket, payload), shared by every connection: a connection costs no
 * closures here.
 */
import { announceDeparture, announceEntry } from './announce';
import { canonicalRoomCode, hashResumeToken, newMemberId, newResumeToken, newRoomCode, redactCode } from './codes';
import { roomChannel, watchChannel, type RelayContext, type RelaySocket } from '../context';
import {
  ErrorCode,
  MIN_PROTOCOL_VERSION,
  PRIVATE_ROOMS_SINCE,
  PROTOCOL_VERSION,
  type ChatMessage,
  type CreateRoomRequest,
  type JoinedRoom,
  type JoinRoomRequest,
  type ResumeRequest,
  type Result,
  type RoomSettings,
  type RoomView,
} from '../contract/protocol';
import { mediaFits, profileFits } from '../contract/value-schemas';
import type { StoredRoom, UpdateResult } from '../store/room-store';
import { transferHost, updateSettings } from './member-actions';
import { fail, storeError, updateAsMember } from './member-update';
import { createRoom, join, leave, markAway, resume, type Entered } from './membership';
import { memberView, roomView } from './room-view';

/** Resume tokens carry their room: `CODE.secret`; only the hash of the whole token is stored. */
function tokenRoom(token: string): string | null {
  const dot = token.indexOf('.');
  return dot < 0 ? null : canonicalRoomCode(token.slice(0, dot));
}

/**
 * Joins the room's channel and returns the room and its chat history as they are now: anything
 * that changed between the store update and the channel join (another member's control or chat,
 * through any relay) would otherwise be missed, so the ack carries a fresh read; later changes
 * arrive as broadcasts. A message appended around the join may come both ways (same id).
 */
async function enter(
  ctx: RelayContext,
  socket: RelaySocket,
  code: string,
  memberId: string,
  view: RoomView,
): Promise<{ room: RoomView; chat: ChatMessage[]; follows: true }> {
  socket.data.code = code;
  socket.data.memberId = memberId;
  socket.data.private = view.private;
  delete socket.data.storedRttMs;
  delete socket.data.telemetry;
  ctx.seats.add({ code, memberId, socketId: socket.id });
  await socket.join(roomChannel(code));
  const [fresh, chat] = await Promise.all([ctx.store.get(code), ctx.store.chat(code)]);
  // This relay makes members follow each new timeline (followers.ts).
  return { room: fresh === null ? view : roomView(fresh), chat, follows: true };
}

function exit(ctx: RelayContext, socket: RelaySocket): void {
  const { code, memberId } = socket.data;
  if (code !== null) {
    void socket.leave(roomChannel(code));
    void socket.leave(watchChannel(code));
  }
  if (code !== null && memberId !== null) {
    ctx.seats.remove({ code, memberId, socketId: socket.id });
    ctx.telemetry.forget(code, memberId);
  }
  socket.data.code = null;
  socket.data.memberId = null;
  delete socket.data.private;
  delete socket.data.storedRttMs;
}

/** What the connection's client declared in its handshake: it applies `members:status` batches, it follows new timelines' statuses. */
const declared = (socket: RelaySocket): { batches: boolean; follows: boolean } => ({
  batches: socket.data.batches === true,
  follows: socket.data.follows === true,
});

/**
 * A join or resume that moved the timeline (a pruned member's hold released): the members followed
 * it after the rule made its member (followers.ts), so the member announced is taken from the room
 * as stored. (The answer's view is read afresh by `enter`; the timeline is the same.)
 */
function asStored(e: Entered, room: StoredRoom | null): Entered {
  const stored = e.timelineChanged ? room?.members[e.member.id] : undefined;
  return stored === undefined ? e : { ...e, member: memberView(stored) };
}

/** The client versions this relay serves (older ones in open rooms only: membership.ts admission). */
function speaks(protocol: number): boolean {
  return protocol >= MIN_PROTOCOL_VERSION && protocol <= PROTOCOL_VERSION;
}

export async function roomCreate(ctx: RelayContext, socket: RelaySocket, req: CreateRoomRequest): Promise<Result<JoinedRoom>> {
  if (!speaks(req.protocol)) return fail(ErrorCode.VersionMismatch);
  if (socket.data.code !== null) return fail(ErrorCode.AlreadyInRoom);
  const isPrivate = req.private !== undefined;
  // What a private room holds is sealed from its first value on; an open room's is plain.
  if (isPrivate && req.protocol < PRIVATE_ROOMS_SINCE) return fail(ErrorCode.BadRequest);
  if (!profileFits(isPrivate, req.profile) || (req.media !== undefined && !mediaFits(isPrivate, req.media)))
    return fail(ErrorCode.BadRequest);
  const memberId = newMemberId();
  // 70-bit codes practically never collide; a few draws make a collision harmless.
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = newRoomCode();
    const resumeToken = newResumeToken(code);
    const room = createRoom(
      code,
      { id: memberId, profile: req.profile, resumeHash: hashResumeToken(resumeToken), connectionId: socket.id, ...declared(socket) },
      ctx.now(),
      req.settings,
      req.media ?? null,
      req.private ?? null,
    );
    if (await ctx.store.create(room)) {
      const entered = await enter(ctx, socket, code, memberId, roomView(room));
      ctx.logger.info({ sid: socket.id, room: redactCode(code) }, 'room created');
      return { ok: true, data: { ...entered, memberId, resumeToken } };
    }
  }
  return fail(ErrorCode.Internal);
}

export async function roomJoin(ctx: RelayContext, socket: RelaySocket, req: JoinRoomRequest): Promise<Result<JoinedRoom>> {
  if (!speaks(req.protocol)) return fail(ErrorCode.VersionMismatch);
  if (socket.data.code !== null) return fail(ErrorCode.AlreadyInRoom);
  const code = canonicalRoomCode(req.code);
  if (code === null) return fail(ErrorCode.RoomNotFound);
  const memberId = newMemberId();
  const resumeToken = newResumeToken(code);
  const r = await ctx.store.update(
    code,
    join(
      { id: memberId, profile: req.profile, resumeHash: hashResumeToken(resumeToken), connectionId: socket.id, ...declared(socket) },
      ctx.now(),
      ctx.rules,
      req.protocol,
    ),
  );
  if (!r.ok) return fail(storeError(r.error));
  const e = asStored(r.value, r.room);
  announceEntry(ctx, code, e, 'member:joined', r.room);
  const entered = await enter(ctx, socket, code, memberId, e.view);
  ctx.logger.info({ sid: socket.id, room: redactCode(code) }, 'joined');
  return { ok: true, data: { ...entered, memberId, resumeToken } };
}

export async function roomResume(ctx: RelayContext, socket: RelaySocket, req: ResumeRequest): Promise<Result<JoinedRoom>> {
  if (!speaks(req.protocol)) return fail(ErrorCode.VersionMismatch);
  const code = tokenRoom(req.resumeToken);
  if (code === null) return fail(ErrorCode.ResumeFailed);
  // Already seated (e.g. socket.io recovered this connection): only the same member may resume.
  const seated = socket.data.code !== null;
  if (seated && (socket.data.code !== code || socket.data.memberId === null)) return fail(ErrorCode.AlreadyInRoom);
  const who = { resumeHash: hashResumeToken(req.resumeToken), ...(seated ? { memberId: socket.data.memberId! } : {}) };
  const r = await ctx.store.update(code, resume(who, socket.id, ctx.now(), ctx.rules, req.protocol, declared(socket)));
  if (!r.ok && seated && r.error === ErrorCode.ResumeFailed) return fail(ErrorCode.AlreadyInRoom);
  if (!r.ok) return fail(r.error === 'room_not_found' ? ErrorCode.ResumeFailed : storeError(r.error));
  const e = asStored(r.value, r.room);
  announceEntry(ctx, code, e, 'member:updated', r.room);
  const entered = await enter(ctx, socket, code, e.member.id, e.view);
  ctx.logger.info({ sid: socket.id, room: redactCode(code) }, 'resumed');
  return { ok: true, data: { ...entered, memberId: r.value.member.id, resumeToken: req.resumeToken } };
}

export async function roomLeave(ctx: RelayContext, socket: RelaySocket): Promise<Result<null>> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) return fail(ErrorCode.NotInRoom);
  const r = await ctx.store.update(code, leave(memberId, ctx.now(), ctx.rules));
  // The room (or the seat) already gone is as good as left; a store failure leaves things as they were.
  if (!r.ok && r.error !== 'room_not_found' && r.error !== ErrorCode.NotInRoom) return fail(storeError(r.error));
  exit(ctx, socket);
  if (r.ok) announceDeparture(ctx, code, r.value, r.room);
  ctx.logger.info({ sid: socket.id, room: redactCode(code) }, 'left');
  return { ok: true, data: null };
}

/** Host only; switching the wait policy to 'continue' may release a hold (a playback:state too). */
export async function roomSettings(ctx: RelayContext, socket: RelaySocket, change: Partial<RoomSettings>): Promise<Result<RoomSettings>> {
  const r = await updateAsMember(ctx, socket, (id) => updateSettings(id, change, ctx.now()));
  if ('error' in r) return fail(r.error);
  ctx.broadcast(r.code, 'room:settings', r.value.settings);
  if (r.value.timeline !== null) ctx.broadcast(r.code, 'playback:state', r.value.timeline);
  return { ok: true, data: r.value.settings };
}

export async function roomTransferHost(ctx: RelayContext, socket: RelaySocket, req: { memberId: string }): Promise<Result<null>> {
  const r = await updateAsMember(ctx, socket, (id) => transferHost(id, req.memberId));
  if ('error' in r) return fail(r.error);
  if (r.value.from.id !== r.value.to.id) {
    ctx.broadcast(r.code, 'member:updated', r.value.from);
    ctx.broadcast(r.code, 'member:updated', r.value.to);
  }
  return { ok: true, data: null };
}

/** The connection is gone: keep the seat for the grace period. */
export async function disconnected(ctx: RelayContext, socket: RelaySocket, reason: string): Promise<void> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) return;
  const r = await ctx.store.update(code, markAway(memberId, socket.id, ctx.now(), ctx.rules));
  ctx.seats.remove({ code, memberId, socketId: socket.id });
  ctx.telemetry.forget(code, memberId);
  if (r.ok) announceDeparture(ctx, code, r.value, r.room);
  else if (r.error !== ErrorCode.NotInRoom && r.error !== 'room_not_found')
    ctx.logger.warn({ sid: socket.id, error: r.error }, 'could not mark member away');
  ctx.logger.info({ sid: socket.id, room: redactCode(code), reason }, 'away');
}

/** socket.io restored this connection's id, rooms and data: the member is back. */
export async function recovered(ctx: RelayContext, socket: RelaySocket): Promise<void> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) return;
  const r: UpdateResult<Entered> = await ctx.store.update(
    code,
    resume({ memberId }, socket.id, ctx.now(), ctx.rules, undefined, declared(socket)),
  );
  if (!r.ok) {
    ctx.logger.info({ sid: socket.id, room: redactCode(code), error: r.error }, 'recovered connection lost its seat');
    exit(ctx, socket);
    return;
  }
  ctx.seats.add({ code, memberId, socketId: socket.id });
  announceEntry(ctx, code, asStored(r.value, r.room), 'member:updated', r.room);
  ctx.logger.info({ sid: socket.id, room: redactCode(code) }, 'recovered');
}
