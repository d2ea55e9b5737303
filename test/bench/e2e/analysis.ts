/**
 * Turns recorder output ([wallMs, mediaTime] per presented frame) into the bench's figures.
 *
 * A member's position at wall instant t is the least-squares line through its frames within
 * ±WINDOW_MS of t, evaluated at t. A single frame is a coarse reading: it was decoded for an ideal
 * instant up to one frame (16.7 ms at 60 fps) before it is shown, and headless Firefox paints
 * only ~25 times a second; the fit averages that out. A window with no frames on one side of t,
 * too few frames, or a poor fit (a seek inside it) gives no reading: such instants are skipped.
 */
export type Frame = readonly [wallMs: number, mediaTime: number];

export const WINDOW_MS = 250;
const MIN_FRAMES = 4;
/** Residuals beyond this mean the window holds a jump (seek), not steady playback. */
const MAX_RESIDUAL_MS = 25;

export interface Reading {
  /** Position in ms of media time. */
  positionMs: number;
  /** Media ms per wall ms over the window (≈ the playback rate; 0 when paused). */
  slope: number;
}

/** First index with frames[i][0] >= t (frames sorted by wall time). */
function lowerBound(frames: readonly Frame[], t: number): number {
  let lo = 0;
  let hi = frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((frames[mid]?.[0] ?? Infinity) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function readingAt(frames: readonly Frame[], t: number, windowMs = WINDOW_MS): Reading | null {
  const from = lowerBound(frames, t - windowMs);
  const to = lowerBound(frames, t + windowMs);
  const window = frames.slice(from, to);
  if (window.length < MIN_FRAMES) return null;
  const first = window[0];
  const last = window[window.length - 1];
  if (!first || !last || first[0] > t || last[0] < t) return null;
  const n = window.length;
  let sx = 0;
  let sy = 0;
  for (const [w, m] of window) {
    sx += w - t;
    sy += m * 1000;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const [w, m] of window) {
    sxx += (w - t - mx) ** 2;
    sxy += (w - t - mx) * (m * 1000 - my);
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = my - slope * mx;
  for (const [w, m] of window) {
    if (Math.abs(m * 1000 - (intercept + slope * (w - t))) > MAX_RESIDUAL_MS) return null;
  }
  return { positionMs: intercept, slope };
}

/** |position error| in ms of every pair of members at every `stepMs` instant in [from, to]. */
export function pairwiseErrors(members: readonly (readonly Frame[])[], from: number, to: number, stepMs = 100): number[] {
  const errors: number[] = [];
  for (let t = from; t <= to; t += stepMs) {
    const readings = members.map((frames) => readingAt(frames, t));
    if (readings.some((r) => r === null)) continue;
    for (let i = 0; i < readings.length; i += 1) {
      for (let j = i + 1; j < readings.length; j += 1) {
        errors.push(Math.abs((readings[i]?.positionMs ?? 0) - (readings[j]?.positionMs ?? 0)));
      }
    }
  }
  return errors;
}

/** All members play (slope near 1) within `thresholdMs` of each other at t. */
function together(members: readonly (readonly Frame[])[], t: number, thresholdMs: number): boolean {
  const readings = members.map((frames) => readingAt(frames, t));
  if (readings.some((r) => r === null || r.slope < 0.8)) return false;
  const positions = readings.map((r) => r?.positionMs ?? 0);
  return Math.max(...positions) - Math.min(...positions) <= thresholdMs;
}

/**
 * Ms from `actionAt` until every member plays within `thresholdMs` of the others and stays so
 * for `holdMs`; null if that never happens before `until`.
 */
export function convergenceMs(
  members: readonly (readonly Frame[])[],
  actionAt: number,
  until: number,
  thresholdMs = 100,
  holdMs = 1000,
  stepMs = 20,
): number | null {
  for (let t = actionAt; t + holdMs <= until; t += stepMs) {
    let held = true;
    for (let u = t; u <= t + holdMs; u += 50) {
      if (!together(members, u, thresholdMs)) {
        held = false;
        break;
      }
    }
    if (held) return t - actionAt;
  }
  return null;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  n: number;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
}
