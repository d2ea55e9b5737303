import {
  addClockSample,
  CLOCK,
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
    expect(nextPingDelayMs(clock)).toBe(CLOCK.refreshMs);
  });
});
