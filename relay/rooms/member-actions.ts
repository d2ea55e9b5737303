/**
 * Pure room rules for a present member's actions: playback control, status reports, hold
 * timeouts, settings, host hand-over, profile. Each returns a `mutate` for `RoomStore.update`.
 */
import { applyControl, expireHold, followedStatus, memberReady, memberStalled, scheduleLead } from '../contract/timeline';
import {
  ErrorCode,
  type ControlRequest,
  type Member,
  type Profile,
  type RoomSettings,
  type StatusReport,
  type TelemetryReport,
  type Timeline,
} from '../contract/protocol';
import { mediaFits, profileFits } from '../contract/value-schemas';
import { colorFor } from './colors';
import { audienceAmong, memberView, rttsOf, type Audience } from './room-view';
import type { Mutation, StoredMember, StoredRoom } from '../store/room-store';

function present(room: StoredRoom, memberId: string): StoredMember | null {
  const m = room.members[memberId];
  return m !== undefined && m.connected ? m : null;
}

export interface Controlled {
  timeline: Timeline;
  /** False when the control changed nothing (play while playing): no broadcast. */
  changed: boolean;
}

/** A `playback:control`, stamped with relay time `now`. */
export function control(memberId: string, req: ControlRequest, now: number) {
  return (room: StoredRoom): Mutation<Controlled, ErrorCode> => {
    const m = present(room, memberId);
    if (m === null) return { ok: false, error: ErrorCode.NotInRoom };
    if (room.settings.controlMode === 'host' && m.role !== 'host') return { ok: false, error: ErrorCode.NotHost };
    if (req.baseSeq !== undefined && req.baseSeq < room.timeline.seq) return { ok: false, error: ErrorCode.Stale };
    // Sealed media in a private room, plain media in an open one: never one in the other.
    if (req.action === 'media' && !mediaFits(room.private === true, req.media)) return { ok: false, error: ErrorCode.BadRequest };
    const timeline = applyControl(room.timeline, req, now, scheduleLead(rttsOf(room)), memberId);
    if (timeline === room.timeline) return { ok: true, room, value: { timeline, changed: false } };
    const media = req.action === 'media' ? req.media : room.media;
    return { ok: true, room: { ...room, timeline, media }, value: { timeline, changed: true } };
  };
}

export interface StatusApplied {
  member: Member;
  /** The new timeline when the report held or released the room, else null. */
  timeline: Timeline | null;
  /** Only the offset or RTT changed (telemetry), not the member's status. */
  telemetryOnly: boolean;
  /** Who must hear of it, besides the sender: members that apply `members:status` batches, and members that do not (StoredMember.batches). */
  audience: Audience;
  /** The room's timeline after the report (MemberStatusEntry.seq). */
  seq: number;
}

/** A `member:status` report; under the 'wait' policy buffering or an ad holds the room. */
export function reportStatus(memberId: string, report: StatusReport, now: number, holdTimeoutMs: number) {
  return (room: StoredRoom): Mutation<StatusApplied, ErrorCode> => {
    const m = present(room, memberId);
    if (m === null) return { ok: false, error: ErrorCode.NotInRoom };
    // Seen under an older timeline: the member is about to follow the newer one (followers.ts).
    const status =
      report.seq !== undefined && report.seq < room.timeline.seq ? followedStatus(report.status, room.timeline) : report.status;
    const reported: StoredMember = {
      ...m,
      status,
      offsetMs: report.offsetMs !== undefined ? report.offsetMs : m.offsetMs,
      rttMs: report.rttMs !== undefined ? report.rttMs : m.rttMs,
    };
    const stalled = status === 'buffering' || status === 'ad';
    const timeline = stalled
      ? memberStalled(room.timeline, memberId, room.settings.waitPolicy, now, holdTimeoutMs)
      : memberReady(room.timeline, memberId, now, scheduleLead(rttsOf({ members: { ...room.members, [memberId]: reported } })));
    const changed = timeline !== room.timeline;
    // A report that released the room: the member follows the release too, as everyone does
    // (followers.ts), and its ack and batch entry say so.
    const followed = changed ? followedStatus(status, timeline) : status;
    const member = followed === status ? reported : { ...reported, status: followed };
    const members = { ...room.members, [memberId]: member };
    const next: StoredRoom = { ...room, members, timeline };
    const value = {
      member: memberView(member),
      timeline: changed ? timeline : null,
      telemetryOnly: m.status === member.status,
      // The room's other members.
      audience: audienceAmong(next, (other) => other.id !== memberId),
      seq: timeline.seq,
    };
    return { ok: true, room: next, value };
  };
}

/**
 * Telemetry written to the store: only when the RTT moved enough to change the scheduling lead
 * (the relay schedules starts from the stored RTTs); offsets and RTTs otherwise travel batched.
 */
export function recordTelemetry(memberId: string, report: TelemetryReport) {
  return (room: StoredRoom): Mutation<null, ErrorCode> => {
    const m = present(room, memberId);
    if (m === null) return { ok: false, error: ErrorCode.NotInRoom };
    const member: StoredMember = { ...m, offsetMs: report.offsetMs, rttMs: report.rttMs };
    return { ok: true, room: { ...room, members: { ...room.members, [memberId]: member } }, value: null };
  };
}

/** A hold's timeout: idempotent, so any relay may run it, any number of times. */
export function expireHoldAt(now: number) {
  return (room: StoredRoom): Mutation<Timeline, 'not_due'> => {
    const timeline = expireHold(room.timeline, now, scheduleLead(rttsOf(room)));
    if (timeline === room.timeline) return { ok: false, error: 'not_due' };
    return { ok: true, room: { ...room, timeline }, value: timeline };
  };
}

export interface SettingsChanged {
  settings: RoomSettings;
  /** The released timeline when switching to 'continue' ended a hold, else null. */
  timeline: Timeline | null;
}

/**
 * Host only. Switching the wait policy to 'continue' releases a hold at once (as its timeout would),
 * but the host asked for it: the released timeline's `by` is the host, not the relay.
 */
export function updateSettings(memberId: string, change: Partial<RoomSettings>, now: number) {
  return (room: StoredRoom): Mutation<SettingsChanged, ErrorCode> => {
    const m = present(room, memberId);
    if (m === null) return { ok: false, error: ErrorCode.NotInRoom };
    if (m.role !== 'host') return { ok: false, error: ErrorCode.NotHost };
    const settings = { ...room.settings, ...change };
    const held = settings.waitPolicy === 'continue' && room.timeline.waitingFor.length > 0;
    const released = (): Timeline => ({
      ...expireHold({ ...room.timeline, holdUntil: now }, now, scheduleLead(rttsOf(room))),
      by: memberId,
    });
    const timeline = held ? released() : room.timeline;
    return { ok: true, room: { ...room, settings, timeline }, value: { settings, timeline: held ? timeline : null } };
  };
}

export interface HostChanged {
  from: Member;
  to: Member;
}

export function transferHost(memberId: string, toId: string) {
  return (room: StoredRoom): Mutation<HostChanged, ErrorCode> => {
    const m = present(room, memberId);
    if (m === null) return { ok: false, error: ErrorCode.NotInRoom };
    if (m.role !== 'host') return { ok: false, error: ErrorCode.NotHost };
    const target = room.members[toId];
    if (target === undefined) return { ok: false, error: ErrorCode.MemberNotFound };
    if (toId === memberId) return { ok: true, room, value: { from: memberView(m), to: memberView(m) } };
    const from: StoredMember = { ...m, role: 'member' };
    const to: StoredMember = { ...target, role: 'host' };
    const members = { ...room.members, [from.id]: from, [to.id]: to };
    return { ok: true, room: { ...room, members }, value: { from: memberView(from), to: memberView(to) } };
  };
}

export function setProfile(memberId: string, profile: Profile) {
  return (room: StoredRoom): Mutation<Member, ErrorCode> => {
    const m = present(room, memberId);
    if (m === null) return { ok: false, error: ErrorCode.NotInRoom };
    if (!profileFits(room.private === true, profile)) return { ok: false, error: ErrorCode.BadRequest };
    const member: StoredMember = {
      ...m,
      name: profile.name,
      color: profile.color === undefined ? m.color : colorFor(profile.color, room, memberId),
    };
    return { ok: true, room: { ...room, members: { ...room.members, [memberId]: member } }, value: memberView(member) };
  };
}
