/**
 * Echo suppression by expected-event bookkeeping. Every change the engine makes to the player
 * registers the event(s) it will cause, with the value it will carry; a player event that matches
 * a pending expectation (same kind, same value) is the engine's own and is consumed. Anything else
 * is the user's, even in the middle of a correction: a user seeking elsewhere or picking another
 * rate carries a value the engine did not ask for.
 */
import type { PlayerEvent, PlayerSnapshot } from './player';

export interface Expectation {
  event: PlayerEvent;
  /** Seek target (s) or rate for 'seeking'/'seeked'/'ratechange'; null when the event carries none. */
  value: number | null;
  /** Local time after which the expectation is dropped (the player never sent the event). */
  until: number;
}

/** Players fire their events within a frame or two; a slow seek may take a second or more. */
export const EXPECT_MS = { play: 1500, pause: 1500, seek: 4000, rate: 1500 } as const;
/** A seek lands within this of its target (players snap to keyframes or frame boundaries). */
const SEEK_TOLERANCE_S = 0.05;
export const RATE_TOLERANCE = 0.001;

export function expectFor(effect: 'play' | 'pause' | 'seek' | 'set-rate', value: number | null, now: number): Expectation[] {
  switch (effect) {
    case 'play':
      return [{ event: 'play', value: null, until: now + EXPECT_MS.play }];
    case 'pause':
      return [{ event: 'pause', value: null, until: now + EXPECT_MS.pause }];
    case 'seek':
      return [
        { event: 'seeking', value, until: now + EXPECT_MS.seek },
        { event: 'seeked', value, until: now + EXPECT_MS.seek },
      ];
    case 'set-rate':
      return [{ event: 'ratechange', value, until: now + EXPECT_MS.rate }];
  }
}

function matches(e: Expectation, event: PlayerEvent, snap: PlayerSnapshot): boolean {
  if (e.event !== event) return false;
  if (e.value === null) return true;
  if (event === 'ratechange') return Math.abs(snap.rate - e.value) < RATE_TOLERANCE;
  return Math.abs(snap.position - e.value) < SEEK_TOLERANCE_S;
}

/**
 * Consumes the first pending expectation matching the event. Returns whether the event was
 * the engine's own, and the remaining (unexpired) expectations.
 */
export function consume(
  pending: readonly Expectation[],
  event: PlayerEvent,
  snap: PlayerSnapshot,
  now: number,
): { own: boolean; pending: Expectation[] } {
  const live = pending.filter((e) => e.until >= now);
  const i = live.findIndex((e) => matches(e, event, snap));
  if (i < 0) return { own: false, pending: live };
  return { own: true, pending: [...live.slice(0, i), ...live.slice(i + 1)] };
}

export function isPending(pending: readonly Expectation[], event: PlayerEvent, now: number): boolean {
  return pending.some((e) => e.event === event && e.until >= now);
}
