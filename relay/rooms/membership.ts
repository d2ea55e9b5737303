/**
 * The relay's room membership rules, pure: each function returns a `mutate` for `RoomStore.update`
 * (or a new StoredRoom), and takes the relay time as a parameter. A present member's actions and
 * playback are in member-actions.ts; both use the timeline rules of the contract (contract/timeline.ts).
 *
 * Membership: a member is connected, or away (connection lost, seat kept for the grace period,
 * may resume with the same id and role). Away members past the grace are pruned lazily by the next
 * membership change. When the host leaves (or is pruned) the longest-present member becomes host.
 */
import { emptyTimeline, memberReady, scheduleLead } from '../contract/timeline';
import {
  byJoinOrder,
  DEFAULT_SETTINGS,
  ErrorCode,
  PRIVATE_ROOMS_SINCE,
  PROTOCOL_VERSION,
  type Media,
  type Member,
  type MemberLeft,
  type Profile,
  type RoomSettings,
  type RoomView,
} from '../contract/protocol';
import { profileFits } from '../contract/value-schemas';
import { colorFor } from './colors';
import { hostOf, memberView, roomView, rttsOf, successor, withExpiry } from './room-view';
import type { Mutation, StoredMember, StoredRoom } from '../store/room-store';

export interface RoomRules {
  maxMembers: number;
  /** How long an empty room, or an away member's seat, is kept (ms). */
  graceMs: number;
}

export interface NewMember {
  id: string;
  profile: Profile;
  /** sha-256 (hex) of the member's resume token. */
  resumeHash: string;
  /** The connection the member arrives on. */
  connectionId: string;
  /** Its client applies `members:status` batches (StoredMember.batches). */
  batches?: boolean;
  /** Its client follows new timelines' statuses itself (StoredMember.follows). */
  follows?: boolean;
}

function storedMember(m: NewMember, role: Member['role'], now: number, room: StoredRoom | null): StoredMember {
  return {
    id: m.id,
    name: m.profile.name,
    color: colorFor(m.profile.color, room, m.id),
    role,
    status: 'no_video',
    offsetMs: null,
    rttMs: null,
    joinedAt: now,
    connected: true,
    resumeHash: m.resumeHash,
    awaySince: null,
    connectionId: m.connectionId,
    batches: m.batches === true,
    follows: m.follows === true,
  };
}

export function createRoom(
  code: string,
  creator: NewMember,
  now: number,
  settings: Partial<RoomSettings> = {},
  media: Media | null = null,
  privacy: { keyCheck: string } | null = null,
): StoredRoom {
  const timeline = { ...emptyTimeline(now), media };
  return {
    code,
    private: privacy !== null,
    keyCheck: privacy?.keyCheck ?? null,
    settings: { ...DEFAULT_SETTINGS, ...settings },
    members: { [creator.id]: storedMember(creator, 'host', now, null) },
    timeline,
    media,
    createdAt: now,
    expiresAt: null,
    version: 0,
  };
}

/** Removes one member: releases a hold it caused and hands the host role on. */
function without(room: StoredRoom, memberId: string, now: number): { room: StoredRoom; left: MemberLeft } {
  const { [memberId]: gone, ...members } = room.members;
  let next: StoredRoom = { ...room, members };
  let hostId: string | null = null;
  if (gone?.role === 'host') {
    const heir = successor(next);
    if (heir !== null) {
      next = { ...next, members: { ...next.members, [heir.id]: { ...heir, role: 'host' } } };
      hostId = heir.id;
    }
  }
  const timeline = memberReady(next.timeline, memberId, now, scheduleLead(rttsOf(next)));
  return { room: { ...next, timeline }, left: { memberId, hostId } };
}

/** Drops away members whose seat outlived the grace period. */
function prune(room: StoredRoom, now: number, graceMs: number): { room: StoredRoom; left: MemberLeft[] } {
  const left: MemberLeft[] = [];
  let next = room;
  for (const m of Object.values(room.members).sort(byJoinOrder)) {
    if (m.awaySince !== null && now - m.awaySince >= graceMs) {
      const r = without(next, m.id, now);
      next = r.room;
      left.push(r.left);
    }
  }
  return { room: next, left };
}

export interface Entered {
  member: Member;
  view: RoomView;
  /** Members pruned on the way (broadcast as member:left). */
  pruned: MemberLeft[];
  /** The timeline changed on the way (a pruned member's hold released). */
  timelineChanged: boolean;
  /** A live connection the member had until now (resumed from another one): the relay closes it. */
  replaced: string | null;
}

/**
 * Whether a client of protocol `protocol` may take a seat in the room with `profile` (absent on a
 * resume): a private room needs a client that seals, and every profile must fit the room (sealed
 * name in a private room, a plain one in an open room). Null when it may.
 */
export function admission(room: StoredRoom, protocol: number, profile?: Profile): ErrorCode | null {
  const isPrivate = room.private === true;
  if (isPrivate && protocol < PRIVATE_ROOMS_SINCE) return ErrorCode.UpgradeRequired;
  if (profile === undefined || profileFits(isPrivate, profile)) return null;
  // A plain name for a private room: a client without the room key (a bare code), told so.
  return isPrivate && profileFits(false, profile) ? ErrorCode.PrivateRoom : ErrorCode.BadRequest;
  return null;
}

export function join(m: NewMember, now: number, rules: RoomRules, protocol = PROTOCOL_VERSION) {
  return (room: StoredRoom): Mutation<Entered, ErrorCode> => {
    const refused = admission(room, protocol, m.profile);
    if (refused !== null) return { ok: false, error: refused };
    const p = prune(room, now, rules.graceMs);
    if (Object.keys(p.room.members).length >= rules.maxMembers) return { ok: false, error: ErrorCode.RoomFull };
    const role = hostOf(p.room) === null ? 'host' : 'member';
    const member = storedMember(m, role, now, p.room);
    const next = withExpiry({ ...p.room, members: { ...p.room.members, [m.id]: member } }, now, rules.graceMs);
    const value = {
      member: memberView(member),
      view: roomView(next),
      pruned: p.left,
      timelineChanged: next.timeline !== room.timeline,
      replaced: null,
    };
    return { ok: true, room: next, value };
  };
}

/**
 * Back from away: by resume token hash (`room:resume`), by id (socket.io connection state
 * recovery), or both (a recovered connection resuming anyway: it must be the same member).
 */
export function resume(
  who: { resumeHash?: string; memberId?: string },
  connectionId: string,
  now: number,
  rules: RoomRules,
  protocol = PROTOCOL_VERSION,
  /** What the new connection declares (StoredMember.batches and follows); undefined keeps what is stored. */
  declared?: { batches: boolean; follows: boolean },
) {
  return (room: StoredRoom): Mutation<Entered, ErrorCode> => {
    const refused = admission(room, protocol);
    if (refused !== null) return { ok: false, error: refused };
    const p = prune(room, now, rules.graceMs);
    const matches = (m: StoredMember): boolean =>
      (who.memberId === undefined || m.id === who.memberId) && (who.resumeHash === undefined || m.resumeHash === who.resumeHash);
    const found = who.memberId === undefined && who.resumeHash === undefined ? undefined : Object.values(p.room.members).find(matches);
    if (found === undefined) return { ok: false, error: ErrorCode.ResumeFailed };
    const member: StoredMember = {
      ...found,
      connected: true,
      awaySince: null,
      connectionId,
      ...(declared === undefined ? {} : { batches: declared.batches, follows: declared.follows }),
    };
    const next = withExpiry({ ...p.room, members: { ...p.room.members, [member.id]: member } }, now, rules.graceMs);
    const previous = found.connected ? (found.connectionId ?? null) : null;
    const replaced = previous !== null && previous !== connectionId ? previous : null;
    const value = {
      member: memberView(member),
      view: roomView(next),
      pruned: p.left,
      timelineChanged: next.timeline !== room.timeline,
      replaced,
    };
    return { ok: true, room: next, value };
  };
}

export interface Departed {
  /** The member itself (when marked away) or null (when it left). */
  member: Member | null;
  left: MemberLeft[];
  timelineChanged: boolean;
  timeline: StoredRoom['timeline'];
}

/** An explicit `room:leave`: the seat is freed at once. */
export function leave(memberId: string, now: number, rules: RoomRules) {
  return (room: StoredRoom): Mutation<Departed, ErrorCode> => {
    if (room.members[memberId] === undefined) return { ok: false, error: ErrorCode.NotInRoom };
    const r = without(room, memberId, now);
    const p = prune(r.room, now, rules.graceMs);
    const next = withExpiry(p.room, now, rules.graceMs);
    const value = { member: null, left: [r.left, ...p.left], timelineChanged: next.timeline !== room.timeline, timeline: next.timeline };
    return { ok: true, room: next, value };
  };
}

/**
 * The connection dropped: keep the seat and role for the grace period; an away member holds nobody
 * up. Ignored (not_in_room) when the member has since come back on another connection.
 */
export function markAway(memberId: string, connectionId: string, now: number, rules: RoomRules) {
  return (room: StoredRoom): Mutation<Departed, ErrorCode> => {
    const found = room.members[memberId];
    if (found === undefined) return { ok: false, error: ErrorCode.NotInRoom };
    const stale = found.connectionId != null && found.connectionId !== connectionId;
    if (!found.connected || stale) return { ok: false, error: ErrorCode.NotInRoom };
    const member: StoredMember = { ...found, connected: false, awaySince: now };
    const away: StoredRoom = { ...room, members: { ...room.members, [memberId]: member } };
    const released = { ...away, timeline: memberReady(away.timeline, memberId, now, scheduleLead(rttsOf(away))) };
    const p = prune(released, now, rules.graceMs);
    const next = withExpiry(p.room, now, rules.graceMs);
    const value = { member: memberView(member), left: p.left, timelineChanged: next.timeline !== room.timeline, timeline: next.timeline };
    return { ok: true, room: next, value };
  };
}
