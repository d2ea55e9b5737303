/**
 * NTP-style estimate of the relay's clock from the local one. Pure: samples in, estimate out.
 *
 * One sample = one `time:ping`: t0 (local send), relayTime (relay's answer), t3 (local receive).
 * offset = relayTime - (t0 + t3) / 2 is exact when the two legs take equal time; its error is
 * half the legs' asymmetry. We keep a window of samples; the offset comes from intersecting the
 * bounds the recent samples put on it (see `recentOffset`), and the skew (ppm) from a Theil–Sen
 * fit, which ignores outliers, through one such offset per chunk of the window.
 * Any systematic asymmetry (a slower uplink) biases every member by half of it; no two-way
 * method can see it.
 */

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
}

export const CLOCK = {
  /** Samples taken back to back at connect before refreshing slowly. */
  burstCount: 16,
  burstIntervalMs: 120,
  refreshMs: 1000,
  /** ~2 minutes of refreshes: long enough to see skew, short enough to follow a drifting oscillator. */
  windowSize: 128,
  /** Samples per chunk whose offset becomes one point of the skew fit. */
  bucketSize: 16,
  minBest: 4,
  /** The offset comes from the last `offsetSamples` samples (fallback: median of the `offsetBest` quickest). */
  offsetSamples: 48,
  offsetBest: 6,
  /** Skew is fitted only once samples span this long; shorter spans are dominated by jitter. */
  minSkewSpanMs: 20_000,
  maxSkewPpm: 500,
  /** Answers slower than this are discarded (a stalled tab, a retransmission). */
  maxRttMs: 5_000,
} as const;

export function createClock(): ClockState {
  return { points: [], offsetMs: null, skewPpm: 0, refAt: 0, rttMs: null, minRttMs: null };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** True when the sample is usable: finite numbers and a non-negative, plausible RTT. */
export function isValidSample(s: ClockSample): boolean {
  const finite = Number.isFinite(s.t0) && Number.isFinite(s.t3) && Number.isFinite(s.relayTime);
  return finite && s.t3 >= s.t0 && s.t3 - s.t0 <= CLOCK.maxRttMs;
}

function theilSenSlope(points: readonly Point[]): number | null {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const a = points[i] as Point;
      const b = points[j] as Point;
      const dt = b.at - a.at;
      if (Math.abs(dt) >= CLOCK.minSkewSpanMs / 2) slopes.push((b.offset - a.offset) / dt);
    }
  }
  return slopes.length === 0 ? null : median(slopes);
}

/**
 * One precise offset per run of `bucketSize` consecutive samples (see `recentOffset`), at the run's
 * mean time: the skew is fitted through these, not through single noisy samples.
 */
function chunkOffsets(points: readonly Point[]): Point[] {
  const out: Point[] = [];
  for (let i = 0; i + CLOCK.bucketSize <= points.length; i += CLOCK.bucketSize) {
    const chunk = points.slice(i, i + CLOCK.bucketSize);
    const at = chunk.reduce((a, p) => a + p.at, 0) / chunk.length;
    out.push({ at, offset: recentOffset(chunk, 0, at), rtt: 0 });
  }
  return out;
}

/**
 * The offset from recent samples only, so an error in the skew has little lever on it.
 * Each sample bounds the offset: the request cannot arrive before it was sent
 * (offset <= relayTime - t0) nor the answer before it was given (offset >= relayTime - t3).
 * Intersecting the bounds of many samples uses the quickest outbound and the quickest inbound
 * leg separately, which is far tighter than waiting for one sample with both legs quick.
 * Its midpoint is exact when the two legs' quickest times are equal. When the bounds cross (a
 * clock step, a wrong skew), the median of the quickest samples' midpoints is used instead.
 */
function recentOffset(recent: readonly Point[], skew: number, refAt: number): number {
  let lo = -Infinity;
  let hi = Infinity;
  for (const p of recent) {
    const at = p.offset + skew * (refAt - p.at);
    lo = Math.max(lo, at - p.rtt / 2);
    hi = Math.min(hi, at + p.rtt / 2);
  }
  if (lo <= hi) return (lo + hi) / 2;
  const best = [...recent].sort((a, b) => a.rtt - b.rtt).slice(0, CLOCK.offsetBest);
  return median(best.map((p) => p.offset + skew * (refAt - p.at)));
}

/** Adds one ping result; an invalid sample returns the same state. */
export function addClockSample(state: ClockState, sample: ClockSample): ClockState {
  if (!isValidSample(sample)) return state;
  const point: Point = {
    at: (sample.t0 + sample.t3) / 2,
    offset: sample.relayTime - (sample.t0 + sample.t3) / 2,
    rtt: sample.t3 - sample.t0,
  };
  const points = [...state.points, point].slice(-CLOCK.windowSize);
  const anchors = chunkOffsets(points);
  const span = anchors.length < 2 ? 0 : (anchors[anchors.length - 1] as Point).at - (anchors[0] as Point).at;
  const slope = span >= CLOCK.minSkewSpanMs ? theilSenSlope(anchors) : null;
  const limit = CLOCK.maxSkewPpm / 1e6;
  const skew = slope === null ? 0 : Math.max(-limit, Math.min(limit, slope));
  const refAt = point.at;
  const offsetMs = recentOffset(points.slice(-CLOCK.offsetSamples), skew, refAt);
  const recent = points.slice(-CLOCK.burstCount).map((p) => p.rtt);
  return { points, offsetMs, skewPpm: skew * 1e6, refAt, rttMs: median(recent), minRttMs: Math.min(...points.map((p) => p.rtt)) };
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

/** How long to wait before the next ping: a quick burst first, then slow refreshes. */
export function nextPingDelayMs(state: ClockState): number {
  return state.points.length < CLOCK.burstCount ? CLOCK.burstIntervalMs : CLOCK.refreshMs;
}
