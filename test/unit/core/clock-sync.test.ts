import {
  addClockSample,
  CLOCK,
  clockBurst,
  clockReady,
  createClock,
  localAt,
  nextPingDelayMs,
  relayNow,
  type ClockState,
} from '../../../extension/core/clock-sync';
import { Rng } from '../../bench/sim/rng';

/** Pings a relay whose clock reads t (true time); local = t * (1 + skew) + offset. */
function run(opts: { offsetMs: number; skewPpm: number; baseMs: number; jitterMs: number; seconds: number; seed: number }): {
  clock: ClockState;
  local: (t: number) => number;
} {
  const rng = new Rng(opts.seed);
  const skew = opts.skewPpm / 1e6;
  const local = (t: number): number => t * (1 + skew) + opts.offsetMs;
  let clock = createClock();
  let t = 1000;
  while (t < opts.seconds * 1000) {
    const up = Math.max(1, opts.baseMs + rng.uniform(-opts.jitterMs, opts.jitterMs));
    const down = Math.max(1, opts.baseMs + rng.uniform(-opts.jitterMs, opts.jitterMs));
    clock = addClockSample(clock, { t0: local(t), relayTime: t + up, t3: local(t + up + down) });
    t += up + down + nextPingDelayMs(clock);
  }
  return { clock, local };
}

describe('clock sync', () => {
  test.each([
    { name: 'no jitter, offset only', offsetMs: 5000, skewPpm: 0, baseMs: 40, jitterMs: 0, seconds: 5, boundMs: 0.5 },
    { name: 'negative offset, light jitter', offsetMs: -9000, skewPpm: 0, baseMs: 100, jitterMs: 10, seconds: 30, boundMs: 5 },
    { name: 'heavy jitter, fast clock', offsetMs: 10_000, skewPpm: 200, baseMs: 200, jitterMs: 50, seconds: 180, boundMs: 25 },
    { name: 'heavy jitter, slow clock', offsetMs: -10_000, skewPpm: -200, baseMs: 20, jitterMs: 50, seconds: 180, boundMs: 25 },
  ])('$name: relay time within $boundMs ms', ({ offsetMs, skewPpm, baseMs, jitterMs, seconds, boundMs }) => {
    const { clock, local } = run({ offsetMs, skewPpm, baseMs, jitterMs, seconds, seed: 7 });
    expect(clockReady(clock)).toBe(true);
    for (const t of [seconds * 1000, seconds * 1000 + 5000]) {
      expect(Math.abs((relayNow(clock, local(t)) as number) - t)).toBeLessThan(boundMs);
    }
  });

  test('skew is estimated once the samples span minutes', () => {
    const { clock } = run({ offsetMs: 0, skewPpm: 150, baseMs: 30, jitterMs: 5, seconds: 120, seed: 3 });
    // relay minus local drifts at -skew.
    expect(clock.skewPpm).toBeGreaterThan(-150 - 40);
    expect(clock.skewPpm).toBeLessThan(-150 + 40);
  });

  test('reports RTT from recent samples', () => {
    const { clock } = run({ offsetMs: 0, skewPpm: 0, baseMs: 60, jitterMs: 0, seconds: 5, seed: 1 });
    expect(clock.rttMs).toBeCloseTo(120, 3);
    expect(clock.minRttMs).toBeCloseTo(120, 3);
  });

  test.each([
    { name: 'negative rtt', sample: { t0: 100, relayTime: 50, t3: 90 } },
    { name: 'NaN', sample: { t0: Number.NaN, relayTime: 50, t3: 90 } },
    { name: 'infinite relay time', sample: { t0: 0, relayTime: Infinity, t3: 90 } },
    { name: 'rtt beyond the limit', sample: { t0: 0, relayTime: 50, t3: CLOCK.maxRttMs + 1 } },
  ])('rejects $name and keeps the state', ({ sample }) => {
    const before = addClockSample(createClock(), { t0: 0, relayTime: 1000, t3: 20 });
    expect(addClockSample(before, sample)).toBe(before);
  });

  test('relayNow and localAt are inverses, and null before any sample', () => {
    expect(relayNow(createClock(), 5)).toBeNull();
    expect(localAt(createClock(), 5)).toBeNull();
    const { clock } = run({ offsetMs: 1234, skewPpm: 80, baseMs: 30, jitterMs: 5, seconds: 60, seed: 2 });
    for (const local of [0, 50_000, 1e6]) expect(localAt(clock, relayNow(clock, local) as number)).toBeCloseTo(local, 6);
  });

  test('pings in a burst first, then at the refresh interval', () => {
    let clock = createClock();
    expect(nextPingDelayMs(clock)).toBe(CLOCK.burstIntervalMs);
    for (let i = 0; i < CLOCK.burstCount; i++) clock = addClockSample(clock, { t0: i * 100, relayTime: i * 100 + 10, t3: i * 100 + 20 });
    expect(nextPingDelayMs(clock)).toBe(CLOCK.firstRefreshMs);
  });
});

/** A steady link (40 ms each way, ±jitter) to a relay whose clock is local × (1 - skew) + offset; pings as the clock asks. */
function pinger(opts: { skewPpm: number; jitterMs: number; seed: number }) {
  const rng = new Rng(opts.seed);
  const skew = opts.skewPpm / 1e6;
  let clock = createClock();
  let t = 0;
  let stepMs = 0;
  let extraRttMs = 0;
  const relay = (tt: number): number => tt * (1 - skew) + 5000 + stepMs;
  return {
    get clock() {
      return clock;
    },
    get t() {
      return t;
    },
    /** One ping now, then wait the delay the clock asks for; returns that delay. */
    ping(): number {
      const up = 40 + extraRttMs / 2 + rng.uniform(-opts.jitterMs, opts.jitterMs);
      const down = 40 + extraRttMs / 2 + rng.uniform(-opts.jitterMs, opts.jitterMs);
      clock = addClockSample(clock, { t0: t, relayTime: relay(t + up), t3: t + up + down });
      const delay = nextPingDelayMs(clock);
      t += up + down + delay;
      return delay;
    },
    error(): number {
      return (relayNow(clock, t) as number) - relay(t);
    },
    stepRelayClock(ms: number): void {
      stepMs += ms;
    },
    slowPath(ms: number): void {
      extraRttMs = ms;
    },
    wake(): void {
      clock = clockBurst(clock);
    },
  };
}

describe('clock cadence: burst, then back off while the estimates agree', () => {
  test('reaches the steady interval within a few minutes, with the skew fitted', () => {
    const p = pinger({ skewPpm: 150, jitterMs: 10, seed: 4 });
    let pings = 0;
    while (p.t < 5 * 60_000) {
      p.ping();
      pings++;
    }
    expect(p.clock.intervalMs).toBe(CLOCK.steadyMs);
    // 16 burst + ~110 dense + a short back-off + steady ones: nowhere near one a second.
    expect(pings).toBeLessThan(170);
    // relay - local drifts at -skew.
    expect(Math.abs(p.clock.skewPpm + 150)).toBeLessThan(10);
    expect(Math.abs(p.error())).toBeLessThan(3);
  });

  test('a 45-minute quiet stretch at the steady cadence keeps the error small: the skew carries it', () => {
    const p = pinger({ skewPpm: -180, jitterMs: 20, seed: 9 });
    let worst = 0;
    while (p.t < 45 * 60_000) {
      const delay = p.ping();
      if (p.t > 5 * 60_000) {
        expect(delay).toBeGreaterThanOrEqual(CLOCK.firstRefreshMs);
        worst = Math.max(worst, Math.abs(p.error()));
      }
    }
    expect(worst).toBeLessThan(5);
    expect(p.clock.intervalMs).toBe(CLOCK.steadyMs);
  });

  test('a step of the relay clock is a jump: the old samples go and a burst follows', () => {
    const p = pinger({ skewPpm: 0, jitterMs: 5, seed: 2 });
    while (p.t < 4 * 60_000) p.ping();
    expect(p.clock.intervalMs).toBe(CLOCK.steadyMs);
    p.stepRelayClock(500);
    expect(p.ping()).toBe(CLOCK.burstIntervalMs);
    expect(p.clock.verdict).toBe('jump');
    expect(p.clock.points).toHaveLength(1);
    for (let i = 0; i < CLOCK.reburstCount; i++) p.ping();
    expect(Math.abs(p.error())).toBeLessThan(5);
  });

  test('an RTT jump is confirmed once, then answered with a burst', () => {
    const p = pinger({ skewPpm: 0, jitterMs: 5, seed: 3 });
    while (p.t < 4 * 60_000) p.ping();
    p.slowPath(400);
    expect(p.ping()).toBe(CLOCK.confirmMs);
    expect(p.clock.verdict).toBe('rtt-suspect');
    expect(p.ping()).toBe(CLOCK.burstIntervalMs);
    expect(p.clock.verdict).toBe('rtt-jump');
  });

  test('one slow answer (a retransmission) costs one quick confirmation, not a burst', () => {
    const p = pinger({ skewPpm: 0, jitterMs: 5, seed: 5 });
    while (p.t < 4 * 60_000) p.ping();
    p.slowPath(400);
    expect(p.ping()).toBe(CLOCK.confirmMs);
    p.slowPath(0);
    expect(p.ping()).toBe(p.clock.intervalMs);
    expect(p.clock.verdict).not.toBe('rtt-jump');
    expect(p.clock.burstLeft).toBe(0);
  });

  test('a wake bursts again and keeps the samples', () => {
    const p = pinger({ skewPpm: 50, jitterMs: 5, seed: 6 });
    while (p.t < 4 * 60_000) p.ping();
    const kept = p.clock.points.length;
    p.wake();
    expect(nextPingDelayMs(p.clock)).toBe(CLOCK.burstIntervalMs);
    expect(p.clock.points).toHaveLength(kept);
    for (let i = 0; i < CLOCK.reburstCount; i++)
      expect(p.ping()).toBe(i < CLOCK.reburstCount - 1 ? CLOCK.burstIntervalMs : CLOCK.firstRefreshMs);
  });
});
