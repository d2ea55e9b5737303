/** Helpers shared by the pure room rules: public views, host hand-off, expiry bookkeeping. */
import type { Member, RoomView } from '../protocol';
import type { StoredMember, StoredRoom } from '../store/room-store';

export function memberView(m: StoredMember): Member {
  const { resumeHash: _hash, awaySince: _away, connectionId: _conn, ...view } = m;
  return view;
}

/** Longest-present first; ties (same relay time) broken by id so every relay agrees. */
export function byPresence(a: StoredMember, b: StoredMember): number {
  return a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function roomView(room: StoredRoom): RoomView {
  return {
    code: room.code,
    settings: { ...room.settings },
    members: Object.values(room.members).sort(byPresence).map(memberView),
    timeline: room.timeline,
  };
}

export function hostOf(room: StoredRoom): StoredMember | null {
  return Object.values(room.members).find((m) => m.role === 'host') ?? null;
}

/** The member a departing host hands over to: the longest-present connected one, else the longest-present. */
export function successor(room: StoredRoom): StoredMember | null {
  const all = Object.values(room.members).sort(byPresence);
  return all.find((m) => m.connected) ?? all[0] ?? null;
}

/** Sets expiresAt: null while anyone is connected, else now + grace (kept if already set). */
export function withExpiry(room: StoredRoom, now: number, graceMs: number): StoredRoom {
  const present = Object.values(room.members).some((m) => m.connected);
  if (present) return room.expiresAt === null ? room : { ...room, expiresAt: null };
  return room.expiresAt === null ? { ...room, expiresAt: now + graceMs } : room;
}

export function rttsOf(room: StoredRoom): Array<number | null> {
  return Object.values(room.members)
    .filter((m) => m.connected)
    .map((m) => m.rttMs);
}
