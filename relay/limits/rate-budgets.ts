/**
 * The per-connection rate budgets, one per class of event. A budget is a token bucket as
 * rate-limiter-flexible builds one: a steady rate (`points` per `duration` s) plus a burst pool
 * (`burst.points` per `burst.duration` s, BurstyRateLimiter) that is drawn on only when the steady
 * rate is used up and refills slowly, so a short burst (a clock burst, scrubbing) passes while a
 * sustained flood does not. An event over budget is refused with `rate_limited`; each refusal is a
 * strike, and a connection that collects `strikes.points` strikes within `strikes.duration` s is
 * disconnected (relay/limits/rate-limits.ts applies them).
 */
import type { ClientToServerEvents } from '../contract/protocol';

export type LimitClass = 'control' | 'chat' | 'reaction' | 'join' | 'status' | 'telemetry' | 'ping' | 'other' | 'strikes';

/** A steady rate and, optionally, a burst pool on top of it. */
export interface Budget {
  points: number;
  duration: number;
  burst?: { points: number; duration: number };
}

/** Overrides per class; an override without `burst` is a plain fixed window. */
export type LimitBudgets = Partial<Record<LimitClass, Budget>>;

/**
 * Budgets sized for people, not scripts: scrubbing sends a burst of seeks; the engine reports
 * status on change (more around a stall) and telemetry only when it moved (extension/core/cadence.ts);
 * the clock sends a burst of 16 pings after a (re)connect, one a second for the first ~2 minutes,
 * then backs off to one every 10–20 s (extension/core/clock-sync.ts), bursting again after a wake.
 */
export const DEFAULT_BUDGETS: Record<LimitClass, Budget> = {
  control: { points: 4, duration: 1, burst: { points: 16, duration: 10 } },
  chat: { points: 1, duration: 1, burst: { points: 9, duration: 10 } },
  // A tap on an emoji row: a short flurry is fine, a stream of them is not.
  reaction: { points: 1, duration: 1, burst: { points: 5, duration: 10 } },
  join: { points: 5, duration: 60, burst: { points: 5, duration: 60 } },
  status: { points: 4, duration: 1, burst: { points: 16, duration: 10 } },
  telemetry: { points: 2, duration: 1, burst: { points: 10, duration: 10 } },
  ping: { points: 10, duration: 1, burst: { points: 30, duration: 10 } },
  other: { points: 1, duration: 1, burst: { points: 9, duration: 10 } },
  // A count of refusals, not a rate: no burst.
  strikes: { points: 20, duration: 10 },
};

export const EVENT_CLASS: Record<keyof ClientToServerEvents, Exclude<LimitClass, 'strikes'>> = {
  'room:create': 'join',
  'room:join': 'join',
  'room:resume': 'join',
  'room:leave': 'join',
  'room:settings': 'other',
  'room:transfer-host': 'other',
  'member:profile': 'other',
  'member:status': 'status',
  'member:telemetry': 'telemetry',
  'members:watch': 'other',
  'playback:control': 'control',
  'chat:send': 'chat',
  'reaction:send': 'reaction',
  'time:ping': 'ping',
};
