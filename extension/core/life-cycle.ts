/**
 * The player's life cycle, as opposed to what a person does with it. Players re-create their
 * <video> (a quality switch, theatre mode, a re-mount), swap its source, move it to a miniplayer
 * or swap in a preloaded twin; each time the browser and the page fire events a person never
 * caused: the pause a detached element makes, a fresh element's paused state, the page restoring
 * its position and resuming. None of them is a room control.
 *
 *   attached ──detach──▶ detached (no player: nothing reported, nothing sent)
 *      ▲  │                 │
 *      │  └─media-change─┐  │ attach (another element, or the same one back)
 *      │                 ▼  ▼
 *      └──first frame── replacing (the page's doing: no controls; the status stays as it was)
 *
 * After every attach or media change, for RESTORE_WINDOW_MS, a seek to where the room already is
 * is the page restoring its position, not news for the room; after a replacement (not the first
 * element the frame finds), a play there while the room is paused is the page resuming its new
 * element (the engine pauses it back), and so is one in the window after the new element's first
 * frame, however long it took to load.
 */
import type { PlayerSnapshot } from './player';

/** A replacement that never shows a frame stops holding user actions back after this long. */
export const REPLACE_MAX_MS = 5000;
/** How long after an attach a seek to the room's position counts as the page restoring it. */
export const RESTORE_WINDOW_MS = 3000;
/** A replacement's first seek this close (s) to where the replaced element was is the page restoring it, at any time. */
export const RESTORE_EXACT_S = 0.05;
/** A seek landing this close (s) to the room's position changes nothing for the room. */
export const RESTORE_TOLERANCE_S = 1.5;
/** A loading element is left alone this long before the engine acts on it anyway (preload=none stays loading). */
export const LOADING_WAIT_MS = 2000;

export interface LifeCycle {
  /** No element: the last one left the page or was hidden, and none took its place yet. */
  detached: boolean;
  /** Local time a replacement (another element, another source) began, until its first frame. */
  replacingSince: number | null;
  /** Local time of the last attach or media change. */
  attachedAt: number;
  /** Local time the page last replaced the element (another element or source; not the first one found), and then when the replacement showed its first frame. */
  replacedAt: number;
  /** Where the replaced element was (s): the position the page restores on the new one, wherever the room went meanwhile. */
  replacedFrom: number | null;
  /** The replacement has not seen a seek of the page's (or a person's) yet: its first one may be the restore. */
  restorePending: boolean;
  /** Local time the player was first seen loading, null when it is not. */
  loadingSince: number | null;
}

export const initialLifeCycle: LifeCycle = {
  detached: false,
  replacingSince: null,
  attachedAt: -Infinity,
  replacedAt: -Infinity,
  replacedFrom: null,
  restorePending: false,
  loadingSince: null,
};

/** Another element (or the same one, back in the page) shows the room's video; `oldPosition`: where the element it replaces was. */
export function attached(l: LifeCycle, hadPlayer: boolean, now: number, oldPosition?: number): LifeCycle {
  const replacing = hadPlayer || l.detached || l.replacingSince !== null;
  return {
    detached: false,
    replacingSince: replacing ? (l.replacingSince ?? now) : null,
    attachedAt: now,
    replacedAt: replacing ? now : l.replacedAt,
    // A detach kept the position already; an element replaced in place gives it now.
    replacedFrom: replacing ? (l.detached ? l.replacedFrom : (oldPosition ?? l.replacedFrom)) : null,
    restorePending: replacing,
    loadingSince: null,
  };
}

export function detached(l: LifeCycle, now: number, position?: number): LifeCycle {
  return {
    ...l,
    detached: true,
    replacingSince: l.replacingSince ?? now,
    replacedFrom: l.detached ? l.replacedFrom : (position ?? null),
    loadingSince: null,
  };
}

/** The element loads another source (quality switch, next episode in the same element). */
export function sourceChanged(l: LifeCycle, now: number, position?: number): LifeCycle {
  return { ...l, replacingSince: now, attachedAt: now, replacedAt: now, replacedFrom: position ?? null, restorePending: true };
}

/** Updates the life cycle from the player's latest state (after every engine step). */
export function observe(l: LifeCycle, p: PlayerSnapshot | null, now: number): LifeCycle {
  if (p === null) return l;
  let next = l;
  const loading = p.attached && p.loading;
  if (loading !== (l.loadingSince !== null)) next = { ...next, loadingSince: loading ? now : null };
  if (next.replacingSince !== null && p.attached && (!p.loading || now - next.replacingSince >= REPLACE_MAX_MS)) {
    // The page restores and resumes a new element once it has loaded, however long that took.
    next = { ...next, replacingSince: null, replacedAt: now };
  }
  return next;
}

/**
 * Whether a player event is the page's life cycle rather than a person's action: the element is
 * gone or hidden, or it is a replacement still loading (as the event's own snapshot says: the
 * first frame may have come since the last step).
 */
export function pageMade(l: LifeCycle, p: PlayerSnapshot, now: number): boolean {
  if (l.detached || !p.attached) return true;
  return l.replacingSince !== null && p.loading && now - l.replacingSince < REPLACE_MAX_MS;
}

/**
 * A seek to `position` soon after an attach, where the room is at `roomPosition`, is the page
 * restoring it; so is one soon after a replacement loaded, to where the replaced element was (a
 * slow load leaves the room ahead of it; the engine then brings the element to the room).
 */
export function restoring(l: LifeCycle, position: number, roomPosition: number, now: number): boolean {
  if (soonAndNear(l.attachedAt, now, position, roomPosition)) return true;
  // The replacement's first seek, to exactly where the old element was: the restore, however slow the load.
  if (l.restorePending && l.replacedFrom !== null && Math.abs(position - l.replacedFrom) < RESTORE_EXACT_S) return true;
  return soonAndNear(l.replacedAt, now, position, l.replacedFrom);
}

/** A play soon after the page replaced the element, where the room is: the page resuming it, not a person. */
export function resuming(l: LifeCycle, position: number, roomPosition: number, now: number): boolean {
  return soonAndNear(l.replacedAt, now, position, roomPosition);
}

/** Within RESTORE_WINDOW_MS of `since`, and within RESTORE_TOLERANCE_S of `target` (none: no). */
function soonAndNear(since: number, now: number, position: number, target: number | null): boolean {
  return now - since < RESTORE_WINDOW_MS && target !== null && Math.abs(position - target) < RESTORE_TOLERANCE_S;
}

/** Whether the engine should leave the player be for now (gone, hidden, or still loading its first frame). */
export function leaveAlone(l: LifeCycle, p: PlayerSnapshot, now: number): boolean {
  if (l.detached || !p.attached) return true;
  return l.loadingSince !== null && now - l.loadingSince < LOADING_WAIT_MS;
}
