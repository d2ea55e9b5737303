/**
 * The members' clock estimates held against the truth, for `bench:e2e` and `bench:clock-replay`.
 *
 * Every member runs on the bench's machine, so the relay's clock (relay/clock.ts: this process's
 * `performance.timeOrigin + performance.now()`) and a browser's (the same expression in its page)
 * read one system clock, apart by what `wallOffsetMs` measures (well under a millisecond here). So
 * the true offset (relay − local) is known, and the error of each estimate with it. An extension
 * built with LOCKSTEP_CLOCK_LOG=1 logs every sample and the estimate after it to the page console
 * (extension/content/sync-shell.ts); the bench keeps those lines, and the replay puts the same
 * samples through the estimator again, with other settings.
 */
import { LOG_PREFIX } from '../../../extension/log';
import { CLOCK_LOG_LINE } from '../../../extension/content/sync-shell';
import { addClockSample, createClock, relayNow, CLOCK, type ClockSample } from '../../../extension/core/clock-sync';
import { relayNow as relayClock } from '../../../relay/clock';
import type { MemberPage } from '../../support/browsers';
import { percentiles } from './analysis';

export interface LoggedSample extends ClockSample {
  /** The member's estimate of relay − local at t3, after this sample (null before its first). */
  estimateMs: number | null;
}

export interface MemberClockLog {
  name: string;
  /** The true relay − local offset of this member's page clock (ms). */
  truthMs: number;
  samples: LoggedSample[];
}

const LINE_START = `${LOG_PREFIX} ${CLOCK_LOG_LINE} `;
/** Errors count from the last sample of the connect burst on (before it the estimate is still forming). */
const FIRST_COUNTED = CLOCK.burstCount - 1;

/** A console line of the logging build, or null for any other line (or one that does not parse). */
export function parseClockLine(text: string): LoggedSample | null {
  if (!text.startsWith(LINE_START)) return null;
  try {
    const s = JSON.parse(text.slice(LINE_START.length)) as Partial<LoggedSample>;
    const finite = [s.t0, s.relayTime, s.t3].every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!finite || (s.estimateMs !== null && typeof s.estimateMs !== 'number')) return null;
    return { t0: s.t0!, relayTime: s.relayTime!, t3: s.t3!, estimateMs: s.estimateMs as number | null };
  } catch {
    return null;
  }
}

/**
 * The page's clock minus the relay's (relay/clock.ts, run in this process), in ms: the page's reading
 * in the quickest of `tries` round trips against the middle of it (good to half that round trip).
 */
export async function wallOffsetMs(page: MemberPage, tries = 40): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < tries; i++) {
    const before = relayClock();
    const at = await page.run<number>('performance.timeOrigin + performance.now()');
    const after = relayClock();
    if (after - before < best.rtt) best = { rtt: after - before, offset: at - (before + after) / 2 };
  }
  return best.offset;
}

/** Estimate − truth (ms) for each sample from the end of the connect burst on: the live estimates as logged. */
export function loggedErrors(log: MemberClockLog): number[] {
  return log.samples.slice(FIRST_COUNTED).flatMap((s) => (s.estimateMs === null ? [] : [s.estimateMs - log.truthMs]));
}

/**
 * The CLOCK settings that shape the estimate. The others set when pings go, and the recorded samples
 * went when they went: changing those in a replay would change nothing.
 */
export const ESTIMATOR_SETTINGS = [
  'windowSize',
  'windowMs',
  'offsetSamples',
  'minBest',
  'minSkewSpanMs',
  'trustSkewSpanMs',
  'maxSkewPpm',
  'maxRttMs',
  'fitSteps',
  'fitToleranceMs',
  'jumpMs',
] as const satisfies ReadonlyArray<keyof typeof CLOCK>;
export type EstimatorSetting = (typeof ESTIMATOR_SETTINGS)[number];

/**
 * The same samples through the estimator again, with `overrides` of its settings in force:
 * estimate − truth (ms) after each, from the end of the connect burst on. One estimator runs
 * through all of them, where the engine starts afresh after a reconnect: a member that reconnected
 * during the run is replayed differently from what it logged.
 */
export function replayedErrors(log: MemberClockLog, overrides: Partial<Record<EstimatorSetting, number>> = {}): number[] {
  const settings = CLOCK as unknown as Record<string, number>;
  const saved = Object.fromEntries(Object.keys(overrides).map((k) => [k, settings[k]]));
  Object.assign(settings, overrides);
  try {
    let clock = createClock();
    const errors: number[] = [];
    log.samples.forEach((s, i) => {
      clock = addClockSample(clock, s);
      const relay = relayNow(clock, s.t3);
      if (i >= FIRST_COUNTED && relay !== null) errors.push(relay - s.t3 - log.truthMs);
    });
    return errors;
  } finally {
    Object.assign(settings, saved);
  }
}

const signed = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;

/** `|error| p50 … p95 … max …, mean ±… (n=…)`, or a note when there is nothing to describe. */
export function describeErrors(errors: readonly number[]): string {
  if (errors.length === 0) return 'no estimates logged (was the extension built with LOCKSTEP_CLOCK_LOG=1?)';
  const p = percentiles(errors.map(Math.abs));
  const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
  return `|error| p50 ${p.p50.toFixed(1)}  p95 ${p.p95.toFixed(1)}  max ${p.max.toFixed(1)}  mean ${signed(mean)}  (n=${p.n})`;
}
