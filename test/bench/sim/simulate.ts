/**
 * Runs a scripted watch session of N simulated members through the room logic in virtual time
 * and measures how well they stay in step. Used by `npm run bench:sync` and by a unit test.
 */
import { engineRelayNow } from '../../../extension/core';
import { isHeld } from '../../../relay/contract/timeline';
import type { WaitPolicy } from '../../../relay/contract/protocol';
import { Rng } from './rng';
import { Scheduler } from './scheduler';
import { RECEIVED, SENT, SimMember, type MemberTraits, type Received, type Sent } from './sim-member';
import { SimRoom } from './sim-room';
import { percentiles, type Percentiles } from './stats';

export type ScriptStep =
  | { at: number; member: number; action: 'play' | 'pause' }
  | { at: number; member: number; action: 'seek' | 'rate'; value: number }
  | { at: number; member: number; action: 'stall' | 'ad' | 'reconnect'; ms: number }
  /** The page's life cycle, no user action: a re-created element (`resume`: the page plays it again) or a quality switch, loading for `ms`. */
  | { at: number; member: number; action: 'recreate'; ms: number; resume: boolean }
  | { at: number; member: number; action: 'quality'; ms: number };

export interface SimOptions {
  members: number;
  seed: number;
  /** Session length (s of virtual time). */
  durationS: number;
  script: ScriptStep[];
  policy: WaitPolicy;
  /** How many members (the last ones) have no frame callbacks and read currentTime instead. */
  coarse?: number;
  /** How many members (the first ones) keep their popup open, watching the others' telemetry, all session. */
  watching?: number;
}

export interface Convergence {
  action: string;
  atS: number;
  /** From the relay applying the change until every pair is within 50 ms, or null if never. */
  ms: number | null;
}

/** Messages per member per minute, between a member and the relay, by kind. */
export interface MessageRates {
  out: number;
  in: number;
  sent: Record<Sent, number>;
  received: Record<Received, number>;
}

export interface SimResult {
  pairwiseMs: Percentiles;
  clockErrorMs: Percentiles;
  /** |estimated - true| relative clock rate (ppm), once the estimate has a skew (the samples span 20 s). */
  skewErrorPpm: Percentiles;
  convergence: Convergence[];
  steadyMinutes: number;
  correctiveSeeksPerMemberMin: number;
  steadySeeksPerMemberMin: number;
  rateChangesPerMemberMin: number;
  /** Controls members sent that no user action explains. */
  echo: number;
  /** User actions that never reached the relay. */
  missedUserActions: number;
  staleDropped: number;
  /** Over the whole session, per member. */
  messages: MessageRates;
  /** In steady state (see STEADY_CADENCE_MS), and over how many member-minutes. */
  steadyMessages: MessageRates;
  steadyMessageMinutes: number;
}

export const CONVERGED_MS = 50;
const SAMPLE_MS = 20;
/** After any disturbance, the session counts as steady again after this long. */
const SETTLE_MS = 3000;
/**
 * A member's messages count as steady state while the session is steady and the member has been
 * connected this long: the clock burst and its back-off after a (re)connect are over.
 */
export const STEADY_CADENCE_MS = 120_000;

export function memberTraits(rng: Rng): MemberTraits {
  return {
    offsetMs: rng.uniform(-10_000, 10_000),
    link: { baseMs: rng.uniform(10, 250), jitterMs: 50, loss: 0.01 },
    player: {
      skew: rng.uniform(-200e-6, 200e-6),
      seekLatencyMs: rng.uniform(80, 400),
      startLatencyMs: rng.uniform(10, 50),
      duration: 3600,
      frameJitterS: 0.002,
    },
  };
}

function userAction(m: SimMember, step: ScriptStep): boolean {
  switch (step.action) {
    case 'play':
      m.player.play();
      return true;
    case 'pause':
      m.player.pause();
      return true;
    case 'seek':
      m.player.seek(step.value);
      return true;
    case 'rate':
      m.player.setRate(step.value);
      return true;
    case 'stall':
      m.player.stall(step.ms);
      return false;
    case 'ad':
      m.player.showAd(step.ms);
      return false;
    case 'reconnect':
      m.disconnect(step.ms);
      return false;
    case 'recreate':
      m.player.recreate(step.ms, step.resume);
      return false;
    case 'quality':
      m.player.switchSource(step.ms);
      return false;
  }
}

interface UserAction {
  member: number;
  at: number;
  action: string;
}

/** How long after a user's action its control may leave (the engine sends at once; a margin for a wake-up). */
const ACTION_TO_CONTROL_MS = 1000;

/**
 * Pairs every control a member sent with the user action of that member that explains it (same
 * kind, sent within ACTION_TO_CONTROL_MS after it), earliest first. A control left over is an echo
 * (the engine sent something nobody did); a user action left over was missed. Counting totals
 * instead would let one echo and one missed action cancel out.
 */
export function matchControls(
  actions: UserAction[],
  sentByMember: { at: number; action: string }[][],
): { unexplained: number; missed: number } {
  let unexplained = 0;
  const open = actions.map((a) => ({ ...a, used: false }));
  sentByMember.forEach((sent, member) => {
    for (const c of sent) {
      const cause = open.find(
        (a) => !a.used && a.member === member && a.action === c.action && c.at >= a.at && c.at - a.at <= ACTION_TO_CONTROL_MS,
      );
      if (cause === undefined) unexplained++;
      else cause.used = true;
    }
  });
  return { unexplained, missed: open.filter((a) => !a.used).length };
}

export function simulate(opts: SimOptions): SimResult {
  const rng = new Rng(opts.seed);
  const sched = new Scheduler();
  const room = new SimRoom(0, opts.policy, 10_000);
  room.after = (ms, run) => sched.after(ms, run);
  const coarseFrom = opts.members - (opts.coarse ?? 0);
  const members = Array.from({ length: opts.members }, (_, i) => {
    const traits = memberTraits(rng);
    // currentTime is read some ms after the frame it describes was decided: tens of ms of error.
    if (i >= coarseFrom) traits.player.coarseJitterS = 0.02;
    return new SimMember(`m${i}`, sched, rng, room, traits);
  });
  for (const m of members.slice(0, opts.watching ?? 0)) room.watchers.add(m.id);
  room.broadcast = (t) => members.forEach((m) => m.receive(t));
  room.notify = (id, what) => members.find((m) => m.id === id)?.notice(what);
  members.forEach((m) => m.start());

  const userActions: UserAction[] = [];
  let lastDisturbance = 0;
  for (const s of opts.script) {
    sched.at(s.at * 1000, () => {
      const m = members[s.member];
      if (m === undefined) throw new Error(`script names member ${s.member} of ${members.length}`);
      if (userAction(m, s)) userActions.push({ member: s.member, at: sched.now, action: s.action });
      lastDisturbance = sched.now + ('ms' in s ? s.ms : 0);
    });
  }
  const roomTicks = (): void => {
    room.tick(sched.now);
    sched.after(250, roomTicks);
  };
  sched.after(250, roomTicks);
  const telemetryTicks = (): void => {
    room.tickTelemetry(sched.now);
    sched.after(room.telemetry.tickMs, telemetryTicks);
  };
  sched.after(room.telemetry.tickMs, telemetryTicks);
  const steadyCounts = { ms: 0, sent: zeros(SENT), received: zeros(RECEIVED) };
  const lastCounts = members.map(() => ({ sent: zeros(SENT), received: zeros(RECEIVED) }));

  const pairwise: number[] = [];
  const clockErrors: number[] = [];
  const skewErrors: number[] = [];
  const pending: { action: string; at: number; ms: number | null; seq: number }[] = [];
  let steadyTicks = 0;
  let steadySeeks = 0;
  let lastSeeks = 0;
  const sample = (): void => {
    const now = sched.now;
    const t = room.timeline;
    const last = room.history[room.history.length - 1];
    // A hold cannot converge while its member is still in the ad or stall that caused it: only the
    // user's changes and the restarts after a hold are timed.
    if (
      last !== undefined &&
      last.action !== 'hold' &&
      (pending.length === 0 || (pending[pending.length - 1]?.seq ?? -1) < last.timeline.seq)
    ) {
      pending.push({ action: last.action, at: last.at, ms: null, seq: last.timeline.seq });
    }
    const pos = members.map((m) => m.player.position(now));
    const pairs: number[] = [];
    for (let i = 0; i < pos.length; i++)
      for (let j = i + 1; j < pos.length; j++) pairs.push(Math.abs((pos[i] as number) - (pos[j] as number)) * 1000);
    const maxPair = Math.max(0, ...pairs);
    const running = !isHeld(t) && now >= t.setAt;
    const allPlaying = members.every((m) => !m.player.paused && !m.player.ad && !m.player.read().buffering);
    const allPaused = members.every((m) => m.player.paused);
    const aligned = maxPair < CONVERGED_MS && (running ? allPlaying : allPaused && isHeld(t));
    for (const p of pending) if (p.ms === null && aligned && p.seq === t.seq) p.ms = now - p.at;
    for (const m of members) {
      const est = engineRelayNow(m.engine, m.local(now));
      if (est !== null) clockErrors.push(Math.abs(est - now));
      if (est !== null && m.engine.clock.skewPpm !== 0) skewErrors.push(Math.abs(m.engine.clock.skewPpm - m.trueSkewPpm));
    }
    const seeks = members.reduce((n, m) => n + m.engine.stats.correctiveSeeks, 0);
    const steady = running && allPlaying && now - Math.max(t.setAt, lastDisturbance, last?.at ?? 0) >= SETTLE_MS;
    if (steady) {
      pairwise.push(...pairs);
      steadyTicks++;
      steadySeeks += seeks - lastSeeks;
    }
    lastSeeks = seeks;
    members.forEach((m, i) => {
      const last = lastCounts[i] as (typeof lastCounts)[number];
      const counted = steady && now - m.connectedAt >= STEADY_CADENCE_MS;
      if (counted) steadyCounts.ms += SAMPLE_MS;
      for (const k of SENT) {
        if (counted) steadyCounts.sent[k] += m.sent[k] - last.sent[k];
        last.sent[k] = m.sent[k];
      }
      for (const k of RECEIVED) {
        if (counted) steadyCounts.received[k] += m.received[k] - last.received[k];
        last.received[k] = m.received[k];
      }
    });
    sched.after(SAMPLE_MS, sample);
  };
  sched.after(SAMPLE_MS, sample);
  sched.runUntil(opts.durationS * 1000);

  const minutes = opts.durationS / 60;
  const steadyMinutes = (steadyTicks * SAMPLE_MS) / 60_000;
  const matched = matchControls(
    userActions,
    members.map((m) => m.controlsSent),
  );
  const total = (k: 'correctiveSeeks' | 'rateChanges' | 'staleDropped'): number => members.reduce((n, m) => n + m.engine.stats[k], 0);
  return {
    pairwiseMs: percentiles(pairwise),
    clockErrorMs: percentiles(clockErrors),
    skewErrorPpm: percentiles(skewErrors),
    convergence: pending.map((p) => ({ action: p.action, atS: p.at / 1000, ms: p.ms })),
    steadyMinutes,
    correctiveSeeksPerMemberMin: total('correctiveSeeks') / members.length / minutes,
    steadySeeksPerMemberMin: steadyMinutes > 0 ? steadySeeks / members.length / steadyMinutes : 0,
    rateChangesPerMemberMin: total('rateChanges') / members.length / minutes,
    echo: matched.unexplained,
    missedUserActions: matched.missed,
    staleDropped: total('staleDropped'),
    messages: rates(sum(members.map((m) => m.sent)), sum(members.map((m) => m.received)), members.length * minutes),
    steadyMessages: rates(steadyCounts.sent, steadyCounts.received, steadyCounts.ms / 60_000),
    steadyMessageMinutes: steadyCounts.ms / 60_000,
  };
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function sum<K extends string>(counts: Record<K, number>[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const c of counts) for (const k of Object.keys(c) as K[]) out[k] = (out[k] ?? 0) + c[k];
  return out;
}

function rates(sent: Record<Sent, number>, received: Record<Received, number>, memberMinutes: number): MessageRates {
  const per = <K extends string>(c: Record<K, number>): Record<K, number> =>
    Object.fromEntries(Object.entries<number>(c).map(([k, n]) => [k, memberMinutes > 0 ? n / memberMinutes : NaN])) as Record<K, number>;
  const total = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
  return { out: total(per(sent)), in: total(per(received)), sent: per(sent), received: per(received) };
}
