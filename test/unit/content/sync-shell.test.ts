/**
 * The shell's cadence towards the background, on jest's fake timers with a fake `send`: the clock
 * burst and back-off, the keep-alive when nothing else went, and each wake (the local clock slipped
 * against the wall clock, timers stalled, the tab shown after long hidden) bursting the clock again.
 */
import type { Timeline } from '../../../relay/contract/protocol';
import { CADENCE, CLOCK } from '../../../extension/core';
import type { PlayerAdapter } from '../../../extension/content/adapters/types';
import type { ContentSend } from '../../../extension/content/messaging';
import type { Scheduler } from '../../../extension/content/scheduler';
import { SyncShell, WAKE_GAP_MS, WAKE_SLIP_MS } from '../../../extension/content/sync-shell';
import { snapshot } from '../core/engine-kit';
import { parseClockLine } from '../../bench/e2e/clock-errors';

const timeline: Timeline = {
  seq: 1,
  paused: true,
  position: 0,
  rate: 1,
  setAt: 0,
  by: null,
  hold: null,
  media: null,
} as unknown as Timeline;

function adapter(): PlayerAdapter {
  return {
    id: 'stub',
    read: () => snapshot({ paused: true, duration: 600 }),
    play: () => Promise.resolve(),
    pause: () => undefined,
    seek: () => undefined,
    setRate: () => undefined,
    media: () => ({ url: 'https://example.test/v', title: 'v', duration: 600 }),
    subscribe: () => () => undefined,
    onFrame: () => () => undefined,
    dispose: () => undefined,
  } as unknown as PlayerAdapter;
}

let sent: Array<{ type: string; at: number }>;
let life: AbortController;
/** Added to the shell's local clock: a jump the wall clock does not see. */
let slipMs: number;
let pingsHang: boolean;

const scheduler: Scheduler = {
  now: () => Date.now() + slipMs,
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (h) => clearTimeout(h),
  setInterval: (run, ms) => setInterval(run, ms),
  clearInterval: (h) => clearInterval(h),
};

const send = ((type: string) => {
  sent.push({ type, at: Date.now() });
  if (type === 'timePing') {
    if (pingsHang) return new Promise(() => undefined);
    // The relay's clock: 5 s ahead of the wall clock, answered at once (the RTT is 0).
    return Promise.resolve({ ok: true, data: { relayTime: Date.now() + slipMs + 5000 } });
  }
  return Promise.resolve({ ok: true, data: null });
}) as unknown as ContentSend;

const count = (type: string, from = 0, to = Infinity): number => sent.filter((m) => m.type === type && m.at >= from && m.at < to).length;

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000_000 });
  sent = [];
  slipMs = 0;
  pingsHang = false;
  life = new AbortController();
});
afterEach(() => {
  life.abort();
  jest.useRealTimers();
});

function start(): SyncShell {
  return new SyncShell({ adapter: adapter(), send, timeline, signal: life.signal, scheduler });
}

test('pings in a burst at connect, then backs off to one every steadyMs', async () => {
  const t0 = Date.now();
  start();
  await jest.advanceTimersByTimeAsync(CLOCK.burstCount * CLOCK.burstIntervalMs);
  expect(count('timePing')).toBeGreaterThanOrEqual(CLOCK.burstCount);
  await jest.advanceTimersByTimeAsync(10 * 60_000);
  // Minutes 5 to 10: the steady cadence, 3 a minute.
  const steady = count('timePing', t0 + 5 * 60_000, t0 + 10 * 60_000);
  expect(steady).toBeGreaterThanOrEqual(14);
  expect(steady).toBeLessThanOrEqual(16);
});

test('something goes to the background at least every keepAliveMs: a keepAlive when nothing else did', async () => {
  start();
  await jest.advanceTimersByTimeAsync(10 * 60_000);
  const gaps = (): number[] => sent.slice(1).map((m, i) => m.at - (sent[i] as { at: number }).at);
  expect(Math.max(...gaps())).toBeLessThanOrEqual(CADENCE.keepAliveMs);
  // Between two steady pings (20 s apart), one keepAlive; none during the 1 s pings before.
  expect(count('keepAlive', 0, 1_000_000 + 100_000)).toBe(0);
  expect(count('keepAlive', 1_000_000 + 5 * 60_000, 1_000_000 + 10 * 60_000)).toBeGreaterThanOrEqual(10);
  pingsHang = true; // a ping that is never answered: no further pings
  await jest.advanceTimersByTimeAsync(CLOCK.steadyMs + 1000);
  const from = Date.now();
  await jest.advanceTimersByTimeAsync(5 * CADENCE.keepAliveMs);
  expect(count('keepAlive', from)).toBe(5);
  expect(Math.max(...gaps())).toBeLessThanOrEqual(CADENCE.keepAliveMs);
});

test('the local clock slipping against the wall clock (a wake) bursts the clock at once', async () => {
  const shell = start();
  await jest.advanceTimersByTimeAsync(5 * 60_000);
  expect(shell.state().clock.intervalMs).toBe(CLOCK.steadyMs);
  // Just after a steady ping, so the next one is ~20 s away.
  const before = count('timePing');
  while (count('timePing') === before) await jest.advanceTimersByTimeAsync(100);
  await jest.advanceTimersByTimeAsync(1000);
  const from = Date.now();
  slipMs = WAKE_SLIP_MS + 500;
  await jest.advanceTimersByTimeAsync(300);
  expect(count('timePing', from)).toBeGreaterThanOrEqual(1);
  await jest.advanceTimersByTimeAsync(2000);
  expect(count('timePing', from)).toBeGreaterThanOrEqual(CLOCK.reburstCount);
});

/** Waits until just after a steady ping, so the next one is ~steadyMs away. */
async function justAfterSteadyPing(shell: SyncShell): Promise<void> {
  await jest.advanceTimersByTimeAsync(5 * 60_000);
  expect(shell.state().clock.intervalMs).toBe(CLOCK.steadyMs);
  const before = count('timePing');
  while (count('timePing') === before) await jest.advanceTimersByTimeAsync(100);
  await jest.advanceTimersByTimeAsync(1000);
}

test('timers that stalled for WAKE_GAP_MS (a suspended machine, a frozen tab) burst the clock at once', async () => {
  const shell = start();
  await justAfterSteadyPing(shell);
  // Both clocks move on and no timer ran meanwhile: the next snapshot tick sees the gap.
  jest.setSystemTime(Date.now() + WAKE_GAP_MS + 5000);
  const from = Date.now();
  await jest.advanceTimersByTimeAsync(2000);
  expect(count('timePing', from)).toBeGreaterThanOrEqual(CLOCK.reburstCount);
});

describe('the tab shown again', () => {
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState });
  const show = (state: DocumentVisibilityState): void => {
    doc.visibilityState = state;
    doc.dispatchEvent(new Event('visibilitychange'));
  };
  beforeEach(() => Object.assign(globalThis, { document: doc }));
  afterEach(() => {
    delete (globalThis as { document?: unknown }).document;
    doc.visibilityState = 'visible';
  });

  test.each([
    ['after WAKE_GAP_MS hidden bursts the clock at once', WAKE_GAP_MS + 5000, true],
    ['after a short while hidden keeps the steady cadence', 30_000, false],
  ])('%s', async (_, hiddenMs, bursts) => {
    const shell = start();
    await justAfterSteadyPing(shell);
    show('hidden');
    await jest.advanceTimersByTimeAsync(hiddenMs);
    // Again just after a steady ping, so only a burst can send several in the next 2 s.
    const before = count('timePing');
    while (count('timePing') === before) await jest.advanceTimersByTimeAsync(100);
    await jest.advanceTimersByTimeAsync(1000);
    const from = Date.now();
    show('visible');
    await jest.advanceTimersByTimeAsync(2000);
    if (bursts) expect(count('timePing', from)).toBeGreaterThanOrEqual(CLOCK.reburstCount);
    else expect(count('timePing', from)).toBe(0);
  });
});

test('stops pinging and keeping alive once disposed', async () => {
  start();
  await jest.advanceTimersByTimeAsync(60_000);
  life.abort();
  const n = sent.length;
  await jest.advanceTimersByTimeAsync(5 * 60_000);
  expect(sent.length).toBe(n);
});

describe("bench:e2e's clock lines (__LOCKSTEP_CLOCK_LOG__)", () => {
  const flag = globalThis as { __LOCKSTEP_CLOCK_LOG__?: boolean };
  afterEach(() => {
    delete flag.__LOCKSTEP_CLOCK_LOG__;
    jest.restoreAllMocks();
  });
  /** What the shell wrote with console.debug, each call as the console shows it (arguments joined by a space). */
  const debugLines = (): string[] => {
    const lines: string[] = [];
    jest.spyOn(console, 'debug').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    return lines;
  };

  test('in the logging build: one line per sample, which the bench reads back, with the estimate after it', async () => {
    flag.__LOCKSTEP_CLOCK_LOG__ = true;
    const lines = debugLines();
    start();
    await jest.advanceTimersByTimeAsync(4 * CLOCK.burstIntervalMs);
    const samples = lines.map(parseClockLine);
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(samples.every((s) => s !== null)).toBe(true);
    // The relay is 5 s ahead and answers at once: every estimate says so.
    for (const s of samples) expect(s?.estimateMs).toBeCloseTo(5000, 3);
  });

  test('in any other build: no clock lines', async () => {
    const lines = debugLines();
    start();
    await jest.advanceTimersByTimeAsync(4 * CLOCK.burstIntervalMs);
    expect(lines.filter((l) => parseClockLine(l) !== null)).toEqual([]);
  });
});
