/**
 * Drift measurement and the correction policy. Pure functions over small values.
 *
 * Error = local media position - timeline position at the same instant (s, + = ahead).
 * Each frame sample (or snapshot) gives one error reading; readings are projected to "now" with
 * the known rate difference and averaged, because single frame callbacks jitter by a few ms.
 */

export interface Reading {
  /** Local time (ms) the reading refers to. */
  at: number;
  /** Error at `at` (s). */
  error: number;
  /** Local playback rate minus the timeline rate while the reading was taken. */
  rateDelta: number;
  /** Read from currentTime, not a painted frame: averaged over the longer `coarseWindowMs`. */
  coarse?: boolean;
}

export const DRIFT = {
  /** Readings older than this are dropped from the average. */
  windowMs: 400,
  /**
   * Coarse readings (currentTime, ~4-10 a second, jittering by tens of ms) are averaged over a
   * longer window; a background tab's timers run once a second, so this still holds 3 readings.
   */
  coarseWindowMs: 3_200,
  /** Their average still wanders by ~10 ms: wider rate hysteresis, or the rate would flap. */
  coarseRateEnterS: 0.03,
  coarseRateExitS: 0.01,
  /** Fewer readings than this: not enough to act on. */
  minReadings: 3,
  /** Start a rate correction above this error; stop once below `rateExitS` (hysteresis). */
  rateEnterS: 0.012,
  rateExitS: 0.003,
  /** Largest temporary rate change (fraction of the timeline's rate): ±8 % keeps pitch-corrected audio natural. */
  maxRateAdjust: 0.08,
  /** Rate adjust per second of error: the error closes in about 1/gain seconds. */
  gain: 1.5,
  /** Rate adjustments are snapped to this step so the rate is not re-set every frame. */
  rateStep: 0.005,
  /** Seek instead of rate-correcting above this (0.5 s takes > 6 s at 8 %). */
  seekAboveS: 0.5,
  /**
   * Right after a start or seek the picture has just jumped anyway, so a second, better-aimed seek
   * costs less than seconds of sped-up playback: seek above this while settling.
   */
  settlingSeekAboveS: 0.1,
  settlingMs: 5_000,
  /** Thrash guard: this many corrective seeks within `thrashWindowMs` suspends corrective seeks. */
  thrashSeeks: 3,
  thrashWindowMs: 60_000,
  thrashCooldownMs: 60_000,
  /** Initial seek latency guess before the player has been measured (ms). */
  initialSeekLatencyMs: 150,
  maxSeekLatencyMs: 3_000,
} as const;

/** How far back readings count: frame readings' window, or the coarse one while the newest reading is coarse. */
function windowOf(readings: readonly Reading[]): number {
  return readings[readings.length - 1]?.coarse === true ? DRIFT.coarseWindowMs : DRIFT.windowMs;
}

/** True when the error comes from coarse readings only (no fresh frame reading). */
export function coarseOnly(readings: readonly Reading[], now: number): boolean {
  return readings.length > 0 && !readings.some((r) => r.coarse !== true && now - r.at <= DRIFT.windowMs);
}

/** Average error at `now`, or null with too few fresh readings. */
export function currentError(readings: readonly Reading[], now: number): number | null {
  const windowMs = windowOf(readings);
  // Frame readings, when there are any, are the better clock: coarse ones count only without them.
  const precise = !coarseOnly(readings, now);
  const fresh = readings.filter((r) => now - r.at <= windowMs && r.at <= now + 100 && (!precise || r.coarse !== true));
  if (fresh.length < DRIFT.minReadings) return null;
  const projected = fresh.map((r) => r.error + (r.rateDelta * (now - r.at)) / 1000).sort((a, b) => a - b);
  // Trimmed mean: drop the extreme quarter on each side (a late frame callback, a decoder hiccup).
  const cut = Math.floor(projected.length / 4);
  const kept = projected.slice(cut, projected.length - cut);
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}

export function pushReading(readings: readonly Reading[], r: Reading): Reading[] {
  const keep = r.coarse === true ? DRIFT.coarseWindowMs : DRIFT.windowMs;
  return [...readings.filter((x) => r.at - x.at <= keep), r];
}

export type Correction = { kind: 'none' } | { kind: 'rate'; adjust: number } | { kind: 'seek' };

/**
 * What to do about `error` given the adjustment in force (0 = none).
 * Returns 'none' when the current adjustment should simply stay.
 */
export function decide(
  error: number,
  currentAdjust: number,
  seeksAllowed: boolean,
  seekAboveS: number = DRIFT.seekAboveS,
  coarse = false,
): Correction {
  const size = Math.abs(error);
  if (size > seekAboveS && seeksAllowed) return { kind: 'seek' };
  const correcting = currentAdjust !== 0;
  const [enterS, exitS] = coarse ? [DRIFT.coarseRateEnterS, DRIFT.coarseRateExitS] : [DRIFT.rateEnterS, DRIFT.rateExitS];
  if (!correcting && size < enterS) return { kind: 'none' };
  if (correcting && (size < exitS || Math.sign(error) === Math.sign(currentAdjust))) return { kind: 'rate', adjust: 0 };
  const raw = Math.max(-DRIFT.maxRateAdjust, Math.min(DRIFT.maxRateAdjust, -error * DRIFT.gain));
  let adjust = Math.round(raw / DRIFT.rateStep) * DRIFT.rateStep;
  if (adjust === 0) adjust = -Math.sign(error) * DRIFT.rateStep;
  // Once correcting, only ever strengthen the correction: easing off step by step as the error
  // shrinks would cost a rate change per step; the exit threshold ends it instead.
  if (correcting && Math.abs(adjust) <= Math.abs(currentAdjust) + DRIFT.rateStep) return { kind: 'none' };
  return { kind: 'rate', adjust };
}

/** Corrective seeks allowed unless the recent ones look like a loop. */
export function seeksAllowed(recentSeeks: readonly number[], cooldownUntil: number, now: number): boolean {
  return now >= cooldownUntil && recentSeeks.filter((t) => now - t < DRIFT.thrashWindowMs).length < DRIFT.thrashSeeks;
}

/** Learns the player's seek latency from one measured seek (request to 'seeked'), smoothed so one slow seek does not swing it. */
export function learnSeekLatency(latencyMs: number, measuredMs: number): number {
  const next = latencyMs + 0.5 * (measuredMs - latencyMs);
  return Math.max(0, Math.min(DRIFT.maxSeekLatencyMs, next));
}
