/**
 * The sync engine: a pure state machine `step(state, event, now) => {state, effects}`.
 * `now` is local time in ms (`performance.timeOrigin + performance.now()`); every time in an
 * event uses the same base (frame `displayTime` must be converted by the shell).
 *
 *            timeline held
 *   ┌──────▶ HOLD: pause, seek to the room position
 *   │
 *   │        room plays (or will, setAt ahead) and the player is paused or the start is ahead
 *   │──────▶ ARMED: paused at a position P the room has not reached (seek to it if not:
 *   │        setAt's position, or where the room is once a seek lands + margin); wake-at the
 *   │        moment the room reaches P (less the learned start latency), then play: started
 *   │                                                    │
 *   │                                                    ▼
 *   │                                     FOLLOW: drift correction on frame samples
 *   │                                        |e| > 12 ms: rate ±≤8 % until |e| < 3 ms
 *   └──── pause / stall / ad / ended ◀────── |e| > 0.5 s (0.1 s just after a start): seek ahead
 *                                            by the learned seek latency; 3 in 60 s: seeks off
 * The player may change under the engine (another element, another source, detached for a while:
 * see life-cycle.ts): the clock, the learned latencies and the room stay, what it knew of the old
 * element goes, and the page's doing meanwhile is never taken for a person's.
 * A user action (a player event no expectation explains) becomes a control request; the engine
 * then leaves the player alone until the relay's answer (a newer timeline; after several quick
 * actions, the answer to the last) or a timeout, or, while
 * the shell sends the action again ('control-pending'), until the shell says it is over.
 */
import { clampRate, type ControlRequest, type MemberStatus, type StatusReport, type Timeline } from '../../relay/contract/protocol';
import type { FrameSample, PlayerEvent, PlayerSnapshot } from './player';
import { addClockSample, clockBurst, clockReady, createClock, localAt, relayNow, type ClockSample, type ClockState } from './clock-sync';
import { currentError, DRIFT, learnSeekLatency, pushReading, type Reading } from './drift';
import { consume, RATE_TOLERANCE, type Expectation } from './echo';
import { follow } from './engine-follow';
import { CADENCE } from './cadence';
import { attached, detached, initialLifeCycle, observe, pageMade, restoring, resuming, sourceChanged, type LifeCycle } from './life-cycle';
import { followedStatus, isHeld, positionAt } from '../../relay/contract/timeline';

export type EngineEvent =
  /** A `time:ping` round trip. */
  | { type: 'clock-sample'; sample: ClockSample }
  /**
   * A `playback:state` broadcast or a control's ack; older seqs are dropped. `follows`: the relay
   * takes a member that was playing or paused to follow it (relay/contract/timeline.ts
   * followedStatus), so such a member reports only a status that differs; absent keeps what the
   * last timeline said.
   */
  | { type: 'timeline'; timeline: Timeline; follows?: boolean }
  /** A precise sample from requestVideoFrameCallback (`displayTime` in the engine's time base). */
  | { type: 'frame'; sample: FrameSample; snapshot: PlayerSnapshot }
  /** The player's state read now (on a timer, ~4 per second, and after each effect). */
  | { type: 'snapshot'; snapshot: PlayerSnapshot }
  /** A player event, with the player's state read when it fired. */
  | { type: 'player'; event: PlayerEvent; snapshot: PlayerSnapshot }
  /** An element (another one, or the same one back in the page) now shows the room's video. */
  | { type: 'attach'; snapshot: PlayerSnapshot }
  /** The element left the page (or was hidden) and no other has taken its place yet. */
  | { type: 'detach' }
  /** A timer fired (a `wake-at` effect or the shell's periodic tick). */
  | { type: 'tick' }
  /**
   * The relay connection came back (possibly to another relay node, with its own clock): the clock
   * estimate starts over with a fresh burst; the timeline stays until the room view arrives.
   */
  | { type: 'reconnected' }
  /**
   * The shell saw the page wake (timers stalled for long, the local clock jumped against the wall
   * clock, the tab shown again after a long time hidden): the clock samples in a burst again.
   */
  | { type: 'wake' }
  /**
   * A user action the relay could not take yet is being sent again (worker waking, relay
   * reconnecting): leave the player as the user left it until `until`, whatever timelines arrive
   * meanwhile. `until: null` once that is over (taken or given up): follow the room again.
   */
  | { type: 'control-pending'; until: number | null };

export type EngineEffect =
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'seek'; position: number }
  | { type: 'set-rate'; rate: number }
  | { type: 'send-control'; control: ControlRequest }
  | { type: 'send-status'; status: StatusReport }
  /** Deliver a `tick` at this local time (ms); a later wake-at replaces an earlier one. */
  | { type: 'wake-at'; at: number };

export interface EngineState {
  clock: ClockState;
  timeline: Timeline | null;
  player: PlayerSnapshot | null;
  readings: Reading[];
  /** Rate adjustment in force (fraction of the timeline rate), 0 when none. */
  adjust: number;
  /** The rate the engine last set on the player. */
  commandedRate: number;
  expected: Expectation[];
  /** A seek the engine issued and has not seen land: {at: issued, target, corrective}. */
  seek: { at: number; target: number } | null;
  /** After a scheduled start, the first error reading teaches how long play() takes to show frames. */
  learnStart: boolean;
  startLatencyMs: number;
  /** Readings before this local time are ignored (the player is settling after a jump). */
  settleUntil: number;
  seekLatencyMs: number;
  recentSeeks: number[];
  cooldownUntil: number;
  /** Local time of the scheduled start being waited for, or null. */
  armedAt: number | null;
  /**
   * The engine has played the player for the current timeline's start. It does so up to the
   * learned start latency before `setAt`, so until then the room still reads as "scheduled":
   * this says the player is meant to be playing already.
   */
  started: boolean;
  /**
   * After user actions: leave the player alone until `awaiting` more timeline changes have come
   * (the relay's answers to them: each control it takes moves `seq` on by one) or until `until`.
   */
  userHold: { awaiting: number; until: number } | null;
  /** A user action is being sent again: leave the player alone until this local time (or the shell says). */
  controlPendingUntil: number | null;
  /**
   * Local time the player was first seen at a rate the engine did not set (a user's change whose
   * 'ratechange' is still queued), null when its rate is the engine's.
   */
  foreignRateSince: number | null;
  status: MemberStatus;
  /** The element's life cycle (attached, replaced, detached): see life-cycle.ts. */
  life: LifeCycle;
  /** Local time the player was first seen paused (or ended), null while it plays. */
  pausedSince: number | null;
  /** Local time the player started buffering, null when it is not. */
  bufferingSince: number | null;
  /**
   * What the relay holds for this member: the last report, its status followed through the
   * timelines since when the relay does that (`follows`).
   */
  lastReport: { at: number; offsetMs: number | null; rttMs: number | null; status: MemberStatus } | null;
  /** The relay makes members follow new timelines (EngineEvent 'timeline'). */
  follows: boolean;
  /** Local time the current timeline arrived. */
  timelineAt: number;
  /** Counters for telemetry and the benchmark. */
  stats: { correctiveSeeks: number; rateChanges: number; userActions: number; staleDropped: number };
}

export interface StepResult {
  state: EngineState;
  effects: EngineEffect[];
}

export function createEngine(): EngineState {
  return {
    clock: createClock(),
    timeline: null,
    player: null,
    readings: [],
    adjust: 0,
    commandedRate: 1,
    expected: [],
    seek: null,
    learnStart: false,
    startLatencyMs: 0,
    settleUntil: 0,
    seekLatencyMs: DRIFT.initialSeekLatencyMs,
    recentSeeks: [],
    cooldownUntil: 0,
    armedAt: null,
    started: false,
    userHold: null,
    controlPendingUntil: null,
    foreignRateSince: null,
    status: 'no_video',
    life: initialLifeCycle,
    pausedSince: null,
    bufferingSince: null,
    lastReport: null,
    follows: false,
    timelineAt: 0,
    stats: { correctiveSeeks: 0, rateChanges: 0, userActions: 0, staleDropped: 0 },
  };
}

/** Relay time now, or null before the clock has enough samples. */
export function engineRelayNow(s: EngineState, now: number): number | null {
  return clockReady(s.clock) ? relayNow(s.clock, now) : null;
}

/** Signed offset of the player from the room timeline (ms, + = ahead), or null when unknown. */
export function offsetMs(s: EngineState, now: number): number | null {
  const rn = engineRelayNow(s, now);
  if (rn === null || s.timeline === null || s.player === null) return null;
  const precise = currentError(s.readings, now); // frame-accurate when playing
  return Math.round((precise ?? s.player.position - positionAt(s.timeline, rn)) * 1000);
}

function withReading(s: EngineState, at: number, mediaTime: number, coarse: boolean): EngineState {
  if (s.timeline === null || at < s.settleUntil || s.seek !== null) return s;
  const rn = engineRelayNow(s, at);
  if (rn === null || isHeld(s.timeline) || rn < s.timeline.setAt) return s;
  const error = mediaTime - positionAt(s.timeline, rn);
  const rateDelta = s.commandedRate - s.timeline.rate;
  return { ...s, readings: pushReading(s.readings, coarse ? { at, error, rateDelta, coarse } : { at, error, rateDelta }) };
}

/** Buffering shorter than this is not reported: a seek's own reload is not a stall worth holding a room for. */
export const REPORT_BUFFERING_AFTER_MS = 500;
/**
 * A player paused for less than this while the room plays is being started (a scheduled start, a
 * new element brought in line): it is reported as playing, so the others see no flicker.
 */
export const REPORT_PAUSED_AFTER_MS = 1000;

function statusOf(s: EngineState, now: number): MemberStatus {
  const p = s.player;
  if (p === null) return 'no_video';
  if (p.ad) return 'ad';
  // Buffering caused by our own seek is not a stall; a stall that began before it still is.
  const stalled = s.bufferingSince !== null && (s.seek === null || s.bufferingSince < s.seek.at);
  if (stalled && now - (s.bufferingSince as number) >= REPORT_BUFFERING_AFTER_MS) return 'buffering';
  if (!p.paused && !p.ended) return 'playing';
  const t = s.timeline;
  if (t === null || isHeld(t)) return 'paused';
  const brief = s.pausedSince !== null && now - s.pausedSince < REPORT_PAUSED_AFTER_MS;
  // A scheduled start still ahead (or only just past) is the room playing: this member is about to.
  const rn = engineRelayNow(s, now);
  const starting = rn !== null && rn < t.setAt + REPORT_PAUSED_AFTER_MS;
  return brief || starting ? 'playing' : 'paused';
}

/**
 * The relay holds `held` for this member (the status a new timeline implied), the player reads
 * `status`, and the engine told the player to make `held` true a moment ago and has not seen it do
 * so yet: that difference is the engine's own transient. Bounded by the event's expectation and
 * FOLLOW_GRACE_MS after the timeline, so a player that does not obey is reported.
 */
function followPending(s: EngineState, held: MemberStatus, status: MemberStatus, now: number): boolean {
  const awaited = held === 'paused' ? 'pause' : held === 'playing' ? 'play' : null;
  if (awaited === null || (status !== 'playing' && status !== 'paused') || now - s.timelineAt >= FOLLOW_GRACE_MS) return false;
  return s.expected.some((e) => e.event === awaited && e.until >= now);
}

/** How long after a new timeline a player may take to follow it before the difference is reported. */
export const FOLLOW_GRACE_MS = 2000;

/** A new timeline: what the relay holds for this member follows it, when the relay does that. */
function followed(s: EngineState, t: Timeline, follows: boolean): Pick<EngineState, 'follows' | 'lastReport'> {
  const last = s.lastReport;
  if (!follows || last === null) return { follows, lastReport: last };
  const status = followedStatus(last.status, t);
  return { follows, lastReport: status === last.status ? last : { ...last, status } };
}

/** Where the room is now (s), or null before the clock allows saying. */
function roomPosition(s: EngineState, now: number): number | null {
  const t = s.timeline;
  if (t === null) return null;
  if (isHeld(t)) return positionAt(t, t.setAt);
  const rn = engineRelayNow(s, now);
  return rn === null ? null : positionAt(t, Math.max(rn, t.setAt));
}

function userControl(s: EngineState, event: PlayerEvent, snap: PlayerSnapshot, now: number): ControlRequest | null {
  const t = s.timeline;
  const held = t === null || isHeld(t);
  if (pageMade(s.life, snap, now)) return null;
  switch (event) {
    case 'play':
      if (t !== null && !t.paused) return null; // already what the room does
      if (t !== null && resuming(s.life, snap.position, t.position, now)) return null;
      return t !== null && Math.abs(snap.position - t.position) < 0.25 ? { action: 'play' } : { action: 'play', position: snap.position };
    case 'pause':
      return t === null || t.paused || snap.ended ? null : { action: 'pause', position: snap.position };
    case 'seeking':
      if (held && t !== null && Math.abs(snap.position - t.position) < 0.05) return null;
      {
        // Without a clock estimate (after a reconnect, or a jump that dropped the samples), the timeline's own position stands in for the room's.
        const room = roomPosition(s, now) ?? t?.position ?? null;
        if (room !== null && restoring(s.life, snap.position, room, now)) return null;
      }
      return { action: 'seek', position: snap.position };
    case 'ratechange':
      if (Math.abs(snap.rate - s.commandedRate) < 0.001) return null;
      if (t !== null && Math.abs(snap.rate - t.rate) < 0.001) return null; // the room's rate already (a new element's restored one)
      return { action: 'rate', rate: clampRate(snap.rate) };
    default:
      return null;
  }
}

function onPlayerEvent(s: EngineState, event: PlayerEvent, snap: PlayerSnapshot, now: number): StepResult {
  const { own, pending } = consume(s.expected, event, snap, now);
  let next: EngineState = { ...s, expected: pending, player: snap };
  // Whichever seek finished (ours, or a user's on top of ours), the player is no longer mid-seek.
  if (event === 'seeked' && s.seek !== null) {
    // Our own seeks teach the player's seek latency: the time from the request to 'seeked'.
    const seekLatencyMs = own ? learnSeekLatency(s.seekLatencyMs, now - s.seek.at) : s.seekLatencyMs;
    next = { ...next, seek: null, settleUntil: now + 100, readings: [], seekLatencyMs };
  }
  if (event === 'media-change') next = { ...forgetElement(next, snap), life: sourceChanged(next.life, now, s.player?.position) };
  if (own || s.timeline === null) return { state: next, effects: [] };
  const control = userControl(next, event, snap, now);
  // Only a replacement's first seek (not the engine's own) may be the page's restore.
  if (event === 'seeking' && next.life.restorePending) next = { ...next, life: { ...next.life, restorePending: false } };
  if (control === null) return { state: next, effects: [] };
  next = {
    ...next,
    // A quick second action (seek, then play) is still unanswered when the first one's answer comes.
    userHold: { awaiting: (s.userHold !== null && now < s.userHold.until ? s.userHold.awaiting : 0) + 1, until: now + 2000 },
    readings: [],
    armedAt: null,
    started: false,
    adjust: 0,
    commandedRate: control.action === 'rate' ? snap.rate : next.commandedRate,
    stats: { ...next.stats, userActions: next.stats.userActions + 1 },
  };
  return { state: next, effects: [{ type: 'send-control', control }] };
}

/** What the engine knew of the element it drove: dropped when another element or source takes its place. */
function forgetElement(s: EngineState, player: PlayerSnapshot | null): EngineState {
  return {
    ...s,
    player,
    expected: [],
    seek: null,
    readings: [],
    armedAt: null,
    started: false,
    adjust: 0,
    settleUntil: 0,
    commandedRate: player?.rate ?? s.commandedRate,
    foreignRateSince: null,
    bufferingSince: null,
    pausedSince: null,
  };
}

function report(s: EngineState, now: number): StepResult {
  const none = { state: s, effects: [] };
  // No element: nothing to say (the frame reports a video lost for good to the background).
  if (s.life.detached) return none;
  const last = s.lastReport;
  let status = statusOf(s, now);
  if (s.life.replacingSince !== null && last !== null) {
    // Another element or source is being brought in: only a stall or an ad is news meanwhile.
    if (status !== 'buffering' && status !== 'ad') status = last.status;
    if (status === last.status) return { state: { ...s, status }, effects: [] };
  }
  if (s.follows && last !== null && status !== last.status && followPending(s, last.status, status, now)) {
    // The room moved, the relay holds the status it implies, and the player is told to follow:
    // until it has (its 'play' or 'pause' seen), the difference is the engine's own transient.
    return { state: { ...s, status }, effects: [] };
  }
  const off = offsetMs(s, now);
  const rtt = s.clock.rttMs === null ? null : Math.round(s.clock.rttMs);
  // While the engine is bringing the player in line (a seek landing, a rate correction, a start
  // armed), the offset is a transient: a move is reported once it is over.
  const correcting = s.seek !== null || s.adjust !== 0 || s.armedAt !== null;
  const due = reportDue(last, status, off, rtt, now);
  const onlyMoved = last !== null && last.status === status && now - last.at < CADENCE.telemetry.heartbeatMs;
  if (!due || (correcting && onlyMoved)) return { state: { ...s, status }, effects: [] };
  return {
    state: { ...s, status, lastReport: { at: now, offsetMs: off, rttMs: rtt, status } },
    effects: [
      { type: 'send-status', status: { status, offsetMs: off, rttMs: rtt, ...(s.timeline === null ? {} : { seq: s.timeline.seq }) } },
    ],
  };
}

/**
 * A status change goes at once. Otherwise a report (telemetry: the relay batches it to the room)
 * goes only when the offset or the RTT moved enough to matter (CADENCE.telemetry, which says why
 * those steps), at most every minGapMs, and at the slow heartbeat whatever happened.
 */
export function reportDue(
  last: EngineState['lastReport'],
  status: MemberStatus,
  off: number | null,
  rtt: number | null,
  now: number,
): boolean {
  if (last === null || last.status !== status) return true;
  const t = CADENCE.telemetry;
  const elapsed = now - last.at;
  if (elapsed >= t.heartbeatMs) return true;
  if (elapsed < t.minGapMs) return false;
  const moved = (a: number | null, b: number | null, step: number): boolean =>
    a === null || b === null ? a !== b : Math.abs(a - b) >= step;
  return moved(off, last.offsetMs, t.offsetStepMs) || moved(rtt, last.rttMs, t.rttStepMs);
}

/**
 * A player at a rate that is neither the one the engine set nor one it is about to see: the user
 * changed it and the 'ratechange' saying so is still queued (a frame callback can run first).
 */
function noteForeignRate(s: EngineState, now: number): EngineState {
  const rate = s.player?.rate ?? s.commandedRate;
  const ours = (r: number | null): boolean => r !== null && Math.abs(rate - r) < RATE_TOLERANCE;
  const foreign = !ours(s.commandedRate) && !s.expected.some((e) => e.event === 'ratechange' && e.until >= now && ours(e.value));
  if (!foreign) return s.foreignRateSince === null ? s : { ...s, foreignRateSince: null };
  return s.foreignRateSince === null ? { ...s, foreignRateSince: now } : s;
}

/** The user hold after a newer timeline: kept while answers to later user actions are still to come. */
function stillHeld(s: EngineState, t: Timeline): EngineState['userHold'] {
  if (s.userHold === null) return null;
  const awaiting = s.userHold.awaiting - (s.timeline === null ? 1 : t.seq - s.timeline.seq);
  return awaiting > 0 ? { ...s.userHold, awaiting } : null;
}

/** The one entry point: apply `event` at local time `now`. */
export function step(s: EngineState, event: EngineEvent, now: number): StepResult {
  let r: StepResult;
  switch (event.type) {
    case 'clock-sample':
      return { state: { ...s, clock: addClockSample(s.clock, event.sample) }, effects: [] };
    case 'timeline':
      if (s.timeline !== null && event.timeline.seq < s.timeline.seq) {
        return { state: { ...s, stats: { ...s.stats, staleDropped: s.stats.staleDropped + 1 } }, effects: [] };
      }
      if (s.timeline !== null && event.timeline.seq === s.timeline.seq) {
        // The same timeline again (a resume's answer), maybe from a relay that says anew whether it makes members follow.
        const follows = event.follows ?? s.follows;
        return { state: follows === s.follows ? s : { ...s, follows }, effects: [] };
      }
      r = {
        state: {
          ...s,
          ...followed(s, event.timeline, event.follows ?? s.follows),
          timeline: event.timeline,
          timelineAt: now,
          userHold: stillHeld(s, event.timeline),
          readings: [],
          armedAt: null,
          started: false,
          adjust: 0,
        },
        effects: [],
      };
      break;
    case 'frame':
      r = {
        state: withReading(
          { ...s, player: event.snapshot },
          event.sample.displayTime,
          event.sample.mediaTime,
          event.sample.coarse === true,
        ),
        effects: [],
      };
      break;
    case 'snapshot':
      r = { state: { ...s, player: event.snapshot }, effects: [] };
      break;
    case 'player':
      r = onPlayerEvent(s, event.event, event.snapshot, now);
      break;
    case 'attach':
      r = {
        state: { ...forgetElement(s, event.snapshot), life: attached(s.life, s.player !== null, now, s.player?.position) },
        effects: [],
      };
      break;
    case 'detach':
      r = { state: { ...forgetElement(s, null), life: detached(s.life, now, s.player?.position) }, effects: [] };
      break;
    case 'tick':
      r = { state: s, effects: [] };
      break;
    case 'reconnected':
      r = { state: { ...s, clock: createClock(), readings: [] }, effects: [] };
      break;
    case 'wake':
      r = { state: { ...s, clock: clockBurst(s.clock) }, effects: [] };
      break;
    case 'control-pending':
      r = { state: { ...s, controlPendingUntil: event.until }, effects: [] };
      break;
  }
  const p = r.state.player;
  const buffering = p !== null && p.buffering;
  if (buffering !== (r.state.bufferingSince !== null)) r = { ...r, state: { ...r.state, bufferingSince: buffering ? now : null } };
  const paused = p !== null && (p.paused || p.ended);
  if (paused !== (r.state.pausedSince !== null)) r = { ...r, state: { ...r.state, pausedSince: paused ? now : null } };
  r = { ...r, state: { ...r.state, life: observe(r.state.life, p, now) } };
  r = { ...r, state: noteForeignRate(r.state, now) };
  const f = follow(r.state, now);
  const rep = report(f.state, now);
  return { state: rep.state, effects: [...r.effects, ...f.effects, ...rep.effects] };
}

/** Local time of a relay time, for the shell's displays; null before clock sync. */
export function localTimeOf(s: EngineState, relayTime: number): number | null {
  return clockReady(s.clock) ? localAt(s.clock, relayTime) : null;
}
