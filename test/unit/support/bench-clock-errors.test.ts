/** bench:e2e's clock lines and their replay (test/bench/e2e/clock-errors.ts). */
import { CLOCK } from '../../../extension/core/clock-sync';
import { loggedErrors, parseClockLine, replayedErrors, type LoggedSample, type MemberClockLog } from '../../bench/e2e/clock-errors';

describe('parseClockLine', () => {
  test.each([
    [
      'a clock line',
      'Lockstep: clock sample {"t0":10,"relayTime":25.5,"t3":40,"estimateMs":0.5}',
      { t0: 10, relayTime: 25.5, t3: 40, estimateMs: 0.5 },
    ],
    [
      'a first sample, before any estimate',
      'Lockstep: clock sample {"t0":1,"relayTime":2,"t3":3,"estimateMs":null}',
      { t0: 1, relayTime: 2, t3: 3, estimateMs: null },
    ],
    ["another of the extension's lines", 'Lockstep: status not sent: not connected', null],
    ["the page's own line", 'clock sample {"t0":1,"relayTime":2,"t3":3,"estimateMs":0}', null],
    ['not JSON', 'Lockstep: clock sample {t0: 1', null],
    ['a time that is not a number', 'Lockstep: clock sample {"t0":"1","relayTime":2,"t3":3,"estimateMs":0}', null],
    ['a time missing', 'Lockstep: clock sample {"t0":1,"t3":3,"estimateMs":0}', null],
    ['an estimate that is not a number', 'Lockstep: clock sample {"t0":1,"relayTime":2,"t3":3,"estimateMs":"0"}', null],
  ])('%s', (_name, line, want) => {
    expect(parseClockLine(line)).toEqual(want);
  });
});

/** A member 5 ms behind the relay (relay − local = +5), pinged every second, legs of 20 + 0..9 ms each way. */
function member(count: number): MemberClockLog {
  const samples: LoggedSample[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = 1_000_000 + i * 1000;
    const up = 20 + ((i * 7) % 10);
    const down = 20 + ((i * 3) % 10);
    samples.push({ t0, relayTime: t0 + up + 5, t3: t0 + up + down, estimateMs: i < 3 ? null : 5 + (i % 2 === 0 ? 1 : -2) });
  }
  return { name: 'M', truthMs: 5, samples };
}

test('the logged errors start at the end of the connect burst and skip samples without an estimate', () => {
  const log = member(CLOCK.burstCount + 4);
  expect(loggedErrors(log)).toHaveLength(5);
  expect(loggedErrors(log).every((e) => e === 1 || e === -2)).toBe(true);
  // One after the burst without an estimate (a clock started afresh): skipped, not counted as an error.
  const samples = log.samples.map((x, i) => (i === CLOCK.burstCount ? { ...x, estimateMs: null } : x));
  expect(loggedErrors({ ...log, samples })).toHaveLength(4);
});

test('a replay finds the true offset of samples whose quickest legs are equal, and leaves the settings as they were', () => {
  const log = member(60);
  const errors = replayedErrors(log);
  expect(errors).toHaveLength(60 - CLOCK.burstCount + 1);
  expect(Math.max(...errors.map(Math.abs))).toBeLessThan(0.5);
  const before = { ...CLOCK };
  // A variant that keeps only the last 4 samples' bounds: looser, and still within half the legs' spread.
  const loose = replayedErrors(log, { offsetSamples: 4 });
  expect(Math.max(...loose.map(Math.abs))).toBeGreaterThan(Math.max(...errors.map(Math.abs)));
  expect(Math.max(...loose.map(Math.abs))).toBeLessThan(5);
  expect({ ...CLOCK }).toEqual(before);
});
