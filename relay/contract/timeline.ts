/**
 * The room timeline's rules, part of the wire contract: both runtimes import them, the relay
 * (which owns the timeline) and the extension's sync engine (which follows it). Pure: every
 * function takes the relay time.
 *
 *   held ──play/hold released──▶ scheduled (setAt > now) ──now ≥ setAt──▶ playing
 *     ▲                                                                   │
 *     └────────────── pause / member stalls under 'wait' ─────────────────┘
 */
import { sameVideo, type ControlRequest, type MemberStatus, type Timeline, type WaitPolicy } from './protocol';

/** Lead bounds for scheduled starts (ms). The floor covers a seek plus a decoder restart. */
export const MIN_LEAD_MS = 250;
export const MAX_LEAD_MS = 2000;
/**
 * Added to the slowest member's one-way delay so members can seek and be ready before the start.
 * 400 ms covers seeks of up to ~400 ms (bench:sync models 80-400 ms); at 200 ms the slower
 * simulated players missed starts and converged only after 1.5-2 s instead of ~0.7 s.
 */
export const SEEK_ALLOWANCE_MS = 400;

export function emptyTimeline(now: number): Timeline {
  return { media: null, paused: true, position: 0, rate: 1, setAt: now, seq: 0, waitingFor: [], holdUntil: null, by: null };
}

/** True when the timeline does not advance (paused by a user, or waiting for stalled members). */
export function isHeld(t: Timeline): boolean {
  return t.paused || t.waitingFor.length > 0;
}

/**
 * The status a member that follows the room has under timeline `t`: paused while the room is held,
 * playing while it plays (a scheduled start included). Only a member that was playing or paused
 * follows; buffering, an ad or no video stay until the member says otherwise. The relay applies it
 * to every member when the timeline changes, and a client that declared `status:follows` applies
 * it to its own view of the room and to what it last reported, so a member that simply follows
 * reports nothing (protocol.ts CLIENT_FEATURES).
 */
export function followedStatus(status: MemberStatus, t: Timeline): MemberStatus {
  if (status !== 'playing' && status !== 'paused') return status;
  return isHeld(t) ? 'paused' : 'playing';
}

function clampToMedia(t: Timeline, position: number): number {
  const end = t.media?.duration ?? null;
  const lower = Math.max(0, position);
  return end !== null && end > 0 ? Math.min(end, lower) : lower;
}

/** Expected media position (s) at relay time `now` (ms). */
export function positionAt(t: Timeline, now: number): number {
  if (isHeld(t)) return clampToMedia(t, t.position);
  return clampToMedia(t, t.position + (t.rate * Math.max(0, now - t.setAt)) / 1000);
}

/**
 * How far ahead a start is scheduled so every member can seek and be ready first:
 * the slowest member's one-way delay plus a seek allowance, within [MIN_LEAD_MS, MAX_LEAD_MS].
 * Members that never reported an RTT count as 0 here; MIN_LEAD_MS covers them.
 */
export function scheduleLead(rttsMs: ReadonlyArray<number | null>): number {
  const slowest = rttsMs.reduce<number>((max, rtt) => (rtt !== null && rtt > max ? rtt : max), 0);
  return Math.min(MAX_LEAD_MS, Math.max(MIN_LEAD_MS, slowest / 2 + SEEK_ALLOWANCE_MS));
}

function next(t: Timeline, change: Partial<Timeline>, by: string | null): Timeline {
  return { ...t, ...change, seq: t.seq + 1, by };
}

/**
 * Applies a validated control to the timeline at relay time `now`.
 * `leadMs` comes from `scheduleLead` over the room's members.
 * Play and seek-while-playing become scheduled starts at `now + leadMs`.
 */
export function applyControl(t: Timeline, c: ControlRequest, now: number, leadMs: number, by: string): Timeline {
  switch (c.action) {
    case 'play': {
      const position = clampToMedia(t, c.position ?? positionAt(t, now));
      if (!t.paused && c.position === undefined) return t; // already playing: nothing to change
      const setAt = t.waitingFor.length > 0 ? now : now + leadMs;
      return next(t, { paused: false, position, setAt }, by);
    }
    case 'pause':
      return next(t, { paused: true, position: clampToMedia(t, c.position ?? positionAt(t, now)), setAt: now }, by);
    case 'seek': {
      const position = clampToMedia(t, c.position);
      return next(t, { position, setAt: isHeld(t) ? now : now + leadMs }, by);
    }
    case 'rate':
      return next(t, { position: positionAt(t, now), setAt: Math.max(now, t.setAt), rate: c.rate }, by);
    case 'media':
      // The same video again: its details (title, a duration now known), the timeline as it is.
      if (t.media !== null && sameVideo(t.media, c.media)) {
        if (t.media.title === c.media.title && t.media.duration === c.media.duration) return t;
        return next(t, { media: c.media }, by);
      }
      return next(t, { media: c.media, paused: true, position: 0, setAt: now, waitingFor: [], holdUntil: null }, by);
  }
}

/**
 * A member started buffering or an ad. Under 'wait' a playing room holds at its
 * current position until the member is ready or `now + holdTimeoutMs`.
 * Returns the same object when nothing changes.
 */
export function memberStalled(t: Timeline, memberId: string, policy: WaitPolicy, now: number, holdTimeoutMs: number): Timeline {
  if (policy !== 'wait' || t.paused || t.waitingFor.includes(memberId)) return t;
  const holdUntil = t.waitingFor.length > 0 && t.holdUntil !== null ? t.holdUntil : now + holdTimeoutMs;
  return next(t, { position: positionAt(t, now), setAt: now, waitingFor: [...t.waitingFor, memberId], holdUntil }, null);
}

/**
 * A member is ready again (or left). When the last awaited member is ready the room
 * restarts with a scheduled start. Returns the same object when nothing changes.
 */
export function memberReady(t: Timeline, memberId: string, now: number, leadMs: number): Timeline {
  if (!t.waitingFor.includes(memberId)) return t;
  const waitingFor = t.waitingFor.filter((id) => id !== memberId);
  if (waitingFor.length > 0) return next(t, { waitingFor }, null);
  return next(t, { waitingFor, holdUntil: null, setAt: t.paused ? now : now + leadMs }, null);
}

/** The hold timed out: everyone else continues; stalled members catch up. Same object when not due. */
export function expireHold(t: Timeline, now: number, leadMs: number): Timeline {
  if (t.waitingFor.length === 0 || t.holdUntil === null || now < t.holdUntil) return t;
  return next(t, { waitingFor: [], holdUntil: null, setAt: t.paused ? now : now + leadMs }, null);
}
