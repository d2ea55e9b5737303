/** Helpers shared by the pure room rules: public views, host hand-off, expiry bookkeeping. */
import { byJoinOrder, type Member, type MemberStatusEntry, type RoomView } from '../contract/protocol';
import type { StoredMember, StoredRoom } from '../store/room-store';

/**
 * What clients see of a member: its public fields, named one by one (an object rest of the stored
 * member, which leaves the relay's own fields out just as well, took 2 µs a call in V8: a room view
 * or a status report each made one per member).
 */
export function memberView(m: StoredMember): Member {
  return {
    id: m.id,
    name: m.name,
    color: m.color,
    role: m.role,
    status: m.status,
    offsetMs: m.offsetMs,
    rttMs: m.rttMs,
    joinedAt: m.joinedAt,
    connected: m.connected,
  };
}

/** A member's entry in a `members:status` batch: what its status report set, under the room's timeline `seq`. */
export function statusEntry(m: Member, seq?: number): MemberStatusEntry {
  return { memberId: m.id, status: m.status, offsetMs: m.offsetMs, rttMs: m.rttMs, ...(seq === undefined ? {} : { seq }) };
}

export function roomView(room: StoredRoom): RoomView {
  return {
    code: room.code,
    private: room.private === true,
    keyCheck: room.keyCheck ?? null,
    settings: { ...room.settings },
    members: Object.values(room.members).sort(byJoinOrder).map(memberView),
    timeline: room.timeline,
  };
}

export function hostOf(room: StoredRoom): StoredMember | null {
  return Object.values(room.members).find((m) => m.role === 'host') ?? null;
}

/** The member a departing host hands over to: the longest-present connected one, else the longest-present. */
export function successor(room: StoredRoom): StoredMember | null {
  const all = Object.values(room.members).sort(byJoinOrder);
  return all.find((m) => m.connected) ?? all[0] ?? null;
}

/** Sets expiresAt: null while anyone is connected, else now + grace (kept if already set). */
export function withExpiry(room: StoredRoom, now: number, graceMs: number): StoredRoom {
  const present = Object.values(room.members).some((m) => m.connected);
  if (present) return room.expiresAt === null ? room : { ...room, expiresAt: null };
  return room.expiresAt === null ? { ...room, expiresAt: now + graceMs } : room;
}

/** Who must hear of something: members that take `members:status` batches, members that need a `member:updated` (StoredMember.batches). */
export interface Audience {
  batches: boolean;
  legacy: boolean;
}

/** The audience among the room's members (away ones too: connection state recovery replays to them) that `among` picks. */
export function audienceAmong(room: StoredRoom, among: (m: StoredMember) => boolean): Audience {
  const audience = { batches: false, legacy: false };
  for (const id in room.members) {
    const m = room.members[id]!;
    if (!among(m)) continue;
    if (m.batches === true) audience.batches = true;
    else audience.legacy = true;
  }
  return audience;
}

export function rttsOf(room: Pick<StoredRoom, 'members'>): Array<number | null> {
  // A loop, not Object.values().filter().map(): this runs on every control and status report.
  const rtts: Array<number | null> = [];
  for (const id in room.members) {
    const m = room.members[id]!;
    if (m.connected) rtts.push(m.rttMs);
  }
  return rtts;
}
