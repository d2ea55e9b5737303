/**
 * NTP-style estimate of the relay's clock from the local one, and when to sample it. Pure:
 * samples in, estimate and next delay out.
 *
 * One sample = one `time:ping`: t0 (local send), relayTime (relay's answer), t3 (local receive).
 * Each sample bounds the offset (relay - local) at its mid time: the request cannot arrive before
 * it was sent (offset <= relayTime - t0), nor the answer before it was given (offset >=
 * relayTime - t3). The clocks run at slightly different rates, so the offset is a line,
 * offset(t) = a + k (t - ref), and every sample's bounds must hold along it. For a given skew k,
 * the bounds leave an interval of intercepts a (the hull of the tight-bound, lowest-RTT samples
 * both ways). Its width is at most the quickest outbound plus the quickest inbound leg, reached
 * at the true k; any other k tilts the line out of some sample's bounds. So k is the middle of
 * the skews whose width is (nearly) the widest (leaning to the one nearest 0 while the samples span
 * under a minute). The offset is the middle of the interval the last 48 samples leave at that k:
 * the whole window pins the skew, these keep its lever short. Exact when the quickest legs both
 * ways are equal. A fitted skew keeps the error flat between sparse
 * samples, so once estimates agree the cadence backs off to one sample every CADENCE.clock.steadyMs.
 * Any systematic asymmetry (a slower uplink) biases every member by half of it; no two-way
 * method can see it.
 *
 * Cadence (numbers in cadence.ts):
 *   burst (16 × 120 ms) ─▶ dense: 1 s until the samples span denseForMs ─▶ back-off while they
 *        ▲                 agree (within agreeMs): 10 s, 20 s (steadyMs); a sample that differs halves it
 *        └── a wake (clockBurst), a reconnect (createClock), a jump (> jumpMs; a step drops the old
 *            samples), an RTT off the median by rttJumpMs twice in a row (once: confirm in 1 s)
 */
import { CADENCE } from './cadence';

export interface ClockSample {
  /** Local time the ping was sent (ms, `performance.timeOrigin + performance.now()` base). */
  t0: number;
  /** The relay's clock when it answered (ms). */
  relayTime: number;
  /** Local time the answer arrived (ms). */
  t3: number;
}

interface Point {
  /** Local mid time of the round trip. */
  at: number;
  offset: number;
  rtt: number;
}

/** Why the last sample set the cadence it did (for tests and diagnostics). */
export type ClockVerdict = 'first' | 'burst' | 'agree' | 'differ' | 'jump' | 'rtt-suspect' | 'rtt-jump';

export interface ClockState {
  readonly points: readonly Point[];
  /** relay - local at local time `refAt` (ms); null until the first sample. */
  readonly offsetMs: number | null;
  /** Relay clock rate minus local clock rate, parts per million. */
  readonly skewPpm: number;
  readonly refAt: number;
  /** Median RTT of the recent samples (ms), what scheduling leads should budget for. */
  readonly rttMs: number | null;
  /** Smallest RTT seen in the window (ms). */
  readonly minRttMs: number | null;
  /** Pings still to take back to back. */
  readonly burstLeft: number;
  /** The refresh interval once the burst is over (ms). */
  readonly intervalMs: number;
  /** The last sample's RTT was off the median: the next one confirms or clears it. */
  readonly rttSuspect: boolean;
  readonly verdict: ClockVerdict;
}

export const CLOCK = {
  ...CADENCE.clock,
  /** Samples kept: with the steady cadence, ~40 minutes; at least the whole connect burst and back-off. */
  windowSize: 256,
  /** …and no older than this: a longer straight line would not follow a drifting oscillator. */
  windowMs: 30 * 60_000,
  /**
   * The offset comes from the bounds of the last this many samples, carried to now by the skew
   * fitted over the whole window: while the skew is still loose, its lever stays short.
   */
  offsetSamples: 48,
  /** Samples before the estimate is used. */
  minBest: 4,
  /** Skew is fitted only once samples span this long; shorter spans are dominated by jitter. */
  minSkewSpanMs: 20_000,
  /**
   * …and until they span this long it leans to the skew nearest 0 that they allow, not the middle
   * of that range: with the middle from 20 s on, real browsers on one machine (true skew 0) got
   * estimates loose enough to put a 150 ms member 17 ms off at p95 in bench:e2e.
   */
  trustSkewSpanMs: 60_000,
  maxSkewPpm: 500,
  /** Answers slower than this are discarded (a stalled tab, a retransmission). */
  maxRttMs: 5_000,
  /** Search steps of the skew fit (golden section over ±maxSkewPpm: far below 0.01 ppm). */
  fitSteps: 60,
  /**
   * The skew is the middle of the range whose width is within this (ms) of the widest: the peak
   * itself leans to whichever end the tightest cluster pins (bench:sync: 2 ms halves the p99 of 0.01).
   */
  fitToleranceMs: 2,
} as const;

export function createClock(): ClockState {
  return {
    points: [],
    offsetMs: null,
    skewPpm: 0,
    refAt: 0,
    rttMs: null,
    minRttMs: null,
    burstLeft: CLOCK.burstCount,
    intervalMs: CLOCK.firstRefreshMs,
    rttSuspect: false,
    verdict: 'first',
  };
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** True when the sample is usable: finite numbers and a non-negative, plausible RTT. */
export function isValidSample(s: ClockSample): boolean {
  const finite = Number.isFinite(s.t0) && Number.isFinite(s.t3) && Number.isFinite(s.relayTime);
  return finite && s.t3 >= s.t0 && s.t3 - s.t0 <= CLOCK.maxRttMs;
}

/** The intercepts (offset at `ref`) every sample's bounds allow for skew k; lo > hi when they cross. */
function intercepts(points: readonly Point[], k: number, ref: number): { lo: number; hi: number } {
  let lo = -Infinity;
  let hi = Infinity;
  for (const p of points) {
    const at = p.offset - k * (p.at - ref);
    lo = Math.max(lo, at - p.rtt / 2);
    hi = Math.min(hi, at + p.rtt / 2);
  }
  return { lo, hi };
}

/**
 * The skew at which the bounds leave the widest interval (the width is concave in k: a minimum
 * of lines minus a maximum of lines), by golden-section search; a flat top is split in the middle.
 */
function fitSkew(points: readonly Point[], ref: number): { lo: number; hi: number } {
  const limit = CLOCK.maxSkewPpm / 1e6;
  const width = (k: number): number => {
    const i = intercepts(points, k, ref);
    return i.hi - i.lo;
  };
  const g = (Math.sqrt(5) - 1) / 2;
  let a = -limit;
  let b = limit;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let wc = width(c);
  let wd = width(d);
  for (let i = 0; i < CLOCK.fitSteps; i++) {
    if (wc >= wd) {
      b = d;
      d = c;
      wd = wc;
      c = b - g * (b - a);
      wc = width(c);
    } else {
      a = c;
      c = d;
      wc = wd;
      d = a + g * (b - a);
      wd = width(d);
    }
  }
  const peak = (a + b) / 2;
  const top = width(peak);
  // The ends of the top (within fitToleranceMs), by bisection on each side (the width is concave).
  const edge = (outside: number): number => {
    let inside = peak;
    let out = outside;
    if (width(out) >= top - CLOCK.fitToleranceMs) return out;
    for (let i = 0; i < 40; i++) {
      const mid = (inside + out) / 2;
      if (width(mid) >= top - CLOCK.fitToleranceMs) inside = mid;
      else out = mid;
    }
    return inside;
  };
  return { lo: edge(-limit), hi: edge(limit) };
}

/** Offset and skew of the window, at reference time `ref`. */
function fit(points: readonly Point[], ref: number): { offset: number; skew: number } {
  const first = points[0] as Point;
  const last = points[points.length - 1] as Point;
  const span = last.at - first.at;
  let skew = 0;
  if (span >= CLOCK.minSkewSpanMs) {
    // A short span pins the skew loosely: from the skew nearest 0 the samples allow (at
    // minSkewSpanMs) to the middle of that range (at trustSkewSpanMs and after), gradually.
    const { lo, hi } = fitSkew(points, ref);
    const w = Math.min(1, (span - CLOCK.minSkewSpanMs) / (CLOCK.trustSkewSpanMs - CLOCK.minSkewSpanMs));
    skew = w * ((lo + hi) / 2) + (1 - w) * Math.min(hi, Math.max(lo, 0));
  }
  const { lo, hi } = intercepts(points.slice(-CLOCK.offsetSamples), skew, ref);
  return { offset: (lo + hi) / 2, skew };
}

function predicted(state: ClockState, at: number): number | null {
  if (state.offsetMs === null) return null;
  return state.offsetMs + (state.skewPpm / 1e6) * (at - state.refAt);
}

/** Adds one ping result; an invalid sample returns the same state. */
export function addClockSample(state: ClockState, sample: ClockSample): ClockState {
  if (!isValidSample(sample)) return state;
  const point: Point = {
    at: (sample.t0 + sample.t3) / 2,
    offset: sample.relayTime - (sample.t0 + sample.t3) / 2,
    rtt: sample.t3 - sample.t0,
  };
  const before = predicted(state, point.at);
  // A sample whose bounds exclude the old line by more than jumpMs: one of the clocks stepped (a
  // wake, an NTP correction). The old samples describe the old clock: start again from this one.
  const outside = before === null ? 0 : Math.max(point.offset - point.rtt / 2 - before, before - (point.offset + point.rtt / 2));
  const stepped = outside > CLOCK.jumpMs;
  const kept = stepped ? [] : state.points.filter((p) => point.at - p.at <= CLOCK.windowMs);
  const points = [...kept, point].slice(-CLOCK.windowSize);
  const { offset, skew } = fit(points, point.at);
  const recent = points.slice(-CLOCK.burstCount).map((p) => p.rtt);
  const rttMs = median(recent);
  const next = {
    points,
    offsetMs: offset,
    skewPpm: skew * 1e6,
    refAt: point.at,
    rttMs,
    minRttMs: Math.min(...points.map((p) => p.rtt)),
  };
  return { ...next, ...cadence(state, points, point, before, offset, stepped) };
}

/** The next cadence after a sample: still bursting, backing off, holding, or bursting again. */
function cadence(
  state: ClockState,
  points: readonly Point[],
  point: Point,
  before: number | null,
  offset: number,
  stepped: boolean,
): Pick<ClockState, 'burstLeft' | 'intervalMs' | 'rttSuspect' | 'verdict'> {
  const burst = (verdict: ClockVerdict): Pick<ClockState, 'burstLeft' | 'intervalMs' | 'rttSuspect' | 'verdict'> => ({
    burstLeft: Math.max(state.burstLeft - 1, CLOCK.reburstCount),
    intervalMs: CLOCK.firstRefreshMs,
    rttSuspect: false,
    verdict,
  });
  // While bursting, each sample may still narrow the estimate a lot: only a step counts then.
  const settled = state.burstLeft === 0 && before !== null;
  if (stepped || (settled && Math.abs(offset - before) > CLOCK.jumpMs)) return burst('jump');
  if (state.burstLeft > 1) return { burstLeft: state.burstLeft - 1, intervalMs: CLOCK.firstRefreshMs, rttSuspect: false, verdict: 'burst' };
  if (state.burstLeft === 1 || before === null)
    return { burstLeft: 0, intervalMs: CLOCK.firstRefreshMs, rttSuspect: false, verdict: 'burst' };
  const typical = state.rttMs;
  const rttOff = typical !== null && Math.abs(point.rtt - typical) > CLOCK.rttJumpMs;
  if (rttOff && state.rttSuspect) return burst('rtt-jump');
  if (rttOff) return { burstLeft: 0, intervalMs: state.intervalMs, rttSuspect: true, verdict: 'rtt-suspect' };
  // Until the samples span denseForMs the skew is not known well enough to leave long gaps.
  const dense = point.at - (points[0] as Point).at < CLOCK.denseForMs;
  if (Math.abs(offset - before) <= CLOCK.agreeMs) {
    const intervalMs = dense ? CLOCK.firstRefreshMs : Math.min(CLOCK.steadyMs, Math.max(CLOCK.backOffFromMs, state.intervalMs * 2));
    return { burstLeft: 0, intervalMs, rttSuspect: false, verdict: 'agree' };
  }
  return { burstLeft: 0, intervalMs: Math.max(CLOCK.firstRefreshMs, state.intervalMs / 2), rttSuspect: false, verdict: 'differ' };
}

/** A wake (the machine slept, the page was frozen): sample in a burst again, keeping the window. */
export function clockBurst(state: ClockState): ClockState {
  if (state.burstLeft >= CLOCK.reburstCount) return state;
  return { ...state, burstLeft: CLOCK.reburstCount, intervalMs: CLOCK.firstRefreshMs, rttSuspect: false, verdict: 'burst' };
}

export function clockReady(state: ClockState): boolean {
  return state.offsetMs !== null && state.points.length >= CLOCK.minBest;
}

/** The relay's time at local time `localNow`, or null before the first sample. */
export function relayNow(state: ClockState, localNow: number): number | null {
  if (state.offsetMs === null) return null;
  return localNow + state.offsetMs + (state.skewPpm / 1e6) * (localNow - state.refAt);
}

/** Local time at which the relay's clock reads `relayTime`, or null before the first sample. */
export function localAt(state: ClockState, relayTime: number): number | null {
  if (state.offsetMs === null) return null;
  const k = state.skewPpm / 1e6;
  return (relayTime - state.offsetMs + k * state.refAt) / (1 + k);
}

/** How long after the last answer to send the next ping. */
export function nextPingDelayMs(state: ClockState): number {
  if (state.burstLeft > 0) return CLOCK.burstIntervalMs;
  if (state.rttSuspect) return CLOCK.confirmMs;
  return state.intervalMs;
}
