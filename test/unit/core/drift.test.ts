import { currentError, decide, DRIFT, learnSeekLatency, pushReading, seeksAllowed, type Reading } from '../../../extension/core/drift';

describe('drift policy', () => {
  test.each([
    { name: 'small error, idle: leave it', error: 0.008, adjust: 0, want: 'none' },
    { name: 'above entry: slow down when ahead', error: 0.03, adjust: 0, want: 'rate-' },
    { name: 'above entry: speed up when behind', error: -0.03, adjust: 0, want: 'rate+' },
    { name: 'correcting, still outside exit: keep going', error: 0.008, adjust: -0.01, want: 'none' },
    { name: 'correcting, inside exit: stop', error: 0.002, adjust: -0.01, want: 'stop' },
    { name: 'overshot: stop at once', error: -0.006, adjust: -0.01, want: 'stop' },
    { name: 'huge error: seek', error: 0.8, adjust: 0, want: 'seek' },
    { name: 'huge error, seeks suspended: capped rate', error: -0.8, adjust: 0, want: 'rate+', allowed: false },
    { name: '200 ms in steady state: rate', error: 0.2, adjust: 0, want: 'rate-' },
    { name: '200 ms while settling after a start: seek', error: 0.2, adjust: 0, want: 'seek', above: DRIFT.settlingSeekAboveS },
    { name: 'correcting, error grew: stronger rate', error: -0.06, adjust: 0.02, want: 'rate+' },
    { name: 'coarse readings: 20 ms is within their noise', error: 0.02, adjust: 0, want: 'none', coarse: true },
    { name: 'coarse readings: 40 ms is drift', error: -0.04, adjust: 0, want: 'rate+', coarse: true },
    { name: 'coarse readings, correcting: stop inside their wider exit', error: 0.008, adjust: -0.01, want: 'stop', coarse: true },
  ])('$name', ({ error, adjust, want, allowed, above, coarse }) => {
    const c = decide(error, adjust, allowed ?? true, above, coarse);
    const got = c.kind === 'rate' ? (c.adjust === 0 ? 'stop' : c.adjust > 0 ? 'rate+' : 'rate-') : c.kind;
    expect(got).toBe(want);
    if (c.kind === 'rate') expect(Math.abs(c.adjust)).toBeLessThanOrEqual(DRIFT.maxRateAdjust);
  });

  test.each([
    { seeks: [], cooldown: 0, now: 1000, want: true },
    { seeks: [1000, 2000], cooldown: 0, now: 3000, want: true },
    { seeks: [1000, 2000, 3000], cooldown: 0, now: 4000, want: false },
    { seeks: [1000, 2000, 3000], cooldown: 0, now: 1000 + DRIFT.thrashWindowMs + 1, want: true },
    { seeks: [], cooldown: 5000, now: 4000, want: false },
  ])('seeksAllowed($seeks, cooldown $cooldown, now $now) = $want', ({ seeks, cooldown, now, want }) => {
    expect(seeksAllowed(seeks, cooldown, now)).toBe(want);
  });

  test.each([
    { name: 'a slower seek than thought raises it', latency: 150, measured: 350, want: 250 },
    { name: 'a quicker one lowers it', latency: 150, measured: 50, want: 100 },
    { name: 'never above the cap', latency: DRIFT.maxSeekLatencyMs, measured: 60_000, want: DRIFT.maxSeekLatencyMs },
  ])('learnSeekLatency: $name', ({ latency, measured, want }) => {
    expect(learnSeekLatency(latency, measured)).toBe(want);
  });

  test('currentError averages fresh readings, projects them to now and ignores an outlier', () => {
    const r = (at: number, error: number, rateDelta = 0): Reading => ({ at, error, rateDelta });
    expect(currentError([r(0, 0.01), r(10, 0.01)], 20)).toBeNull();
    expect(currentError([r(0, 0.01), r(10, 0.01), r(20, 0.01), r(30, 0.5)], 30)).toBeCloseTo(0.01, 6);
    expect(currentError([r(0, 0.01, 0.1), r(0, 0.01, 0.1), r(0, 0.01, 0.1)], 100)).toBeCloseTo(0.02, 6);
    expect(currentError([r(0, 0.01), r(0, 0.01), r(0, 0.01)], DRIFT.windowMs + 1)).toBeNull();
  });

  test.each([
    {
      name: 'coarse readings 1 s apart (a background tab) still give an error',
      readings: [
        [0, 0.05],
        [1000, 0.05],
        [2000, 0.05],
      ],
      now: 2100,
      want: 0.05,
    },
    {
      name: 'coarse readings older than their window are dropped',
      readings: [
        [0, 0.05],
        [1000, 0.05],
        [2000, 0.05],
      ],
      now: 2000 + DRIFT.coarseWindowMs - 900,
      want: null,
    },
    {
      name: 'fresh frame readings win over coarse ones',
      readings: [
        [0, 0.2, true],
        [100, 0.2, true],
        [200, 0.2, true],
        [300, 0.01, false],
        [310, 0.01, false],
        [320, 0.01, false],
      ],
      now: 330,
      want: 0.01,
    },
  ])('currentError: $name', ({ readings, now, want }) => {
    const list = readings.reduce<Reading[]>(
      (acc, [at, error, coarse = true]) =>
        pushReading(acc, { at: at as number, error: error as number, rateDelta: 0, ...(coarse === true ? { coarse: true } : {}) }),
      [],
    );
    const got = currentError(list, now);
    if (want === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(want, 6);
  });

  test('pushReading keeps coarse readings for the coarse window, frame readings for the frame window', () => {
    const coarse = [0, 1000, 2000, 3000].reduce<Reading[]>((acc, at) => pushReading(acc, { at, error: 0, rateDelta: 0, coarse: true }), []);
    expect(coarse.map((r) => r.at)).toEqual([0, 1000, 2000, 3000]);
    const frames = [0, 100, 200, 500].reduce<Reading[]>((acc, at) => pushReading(acc, { at, error: 0, rateDelta: 0 }), []);
    expect(frames.map((r) => r.at)).toEqual([100, 200, 500]);
  });
});
