/**
 * The engine's "follow the room" half: given the room timeline, the clock and the player's last
 * state, which effects bring the player in line. Runs after every event (see engine.ts).
 */
import { clockReady, localAt, relayNow } from './clock-sync';
import { coarseOnly, currentError, decide, DRIFT, seeksAllowed } from './drift';
import { expectFor, isPending } from './echo';
import type { EngineEffect, EngineState, StepResult } from './engine';
import { clampRate, type Timeline } from '../../relay/contract/protocol';
import { isHeld, positionAt } from '../../relay/contract/timeline';
import { leaveAlone } from './life-cycle';

/** A player this close to its target (s) is left alone: about a third of a frame at 30 fps. */
const IN_PLACE_S = 0.01;
/** A seek is aimed this much further ahead than the learned latency (ms + share), then waits for the room. */
const AIM_MARGIN_MS = 50;
const AIM_MARGIN_SHARE = 0.25;
/** A wake-up timer may fire a little early; within this (ms) it counts as on time. */
const EARLY_MS = 2;
/**
 * How long a rate the engine did not set may stay unexplained (its 'ratechange' still queued) before
 * the engine follows the room again: the event comes within a task or two, later on a loaded machine.
 */
const FOREIGN_RATE_WAIT_MS = 500;

type Act = { state: EngineState; effects: EngineEffect[] };

function apply(a: Act, effect: EngineEffect, now: number): Act {
  let s = a.state;
  switch (effect.type) {
    case 'play':
    case 'pause':
      s = { ...s, expected: [...s.expected, ...expectFor(effect.type, null, now)] };
      break;
    case 'seek':
      s = {
        ...s,
        expected: [...s.expected, ...expectFor('seek', effect.position, now)],
        seek: { at: now, target: effect.position },
        readings: [],
      };
      break;
    case 'set-rate':
      s = { ...s, expected: [...s.expected, ...expectFor('set-rate', effect.rate, now)], commandedRate: effect.rate, readings: [] };
      break;
    default:
      break;
  }
  return { state: s, effects: [...a.effects, effect] };
}

function clampToPlayer(s: EngineState, position: number): number {
  const d = s.player?.duration ?? null;
  return d !== null && d > 0 ? Math.min(d, Math.max(0, position)) : Math.max(0, position);
}

/** Paused at `target` with the timeline's rate: what held and scheduled timelines want. */
function holdAt(a: Act, target: number, rate: number, now: number): Act {
  const p = a.state.player;
  if (p === null) return a;
  let r = a;
  if (!p.paused && !isPending(r.state.expected, 'pause', now)) r = apply(r, { type: 'pause' }, now);
  if (r.state.seek === null && Math.abs(p.position - target) > IN_PLACE_S) r = apply(r, { type: 'seek', position: target }, now);
  if (Math.abs(r.state.commandedRate - rate) > 1e-6) r = apply(r, { type: 'set-rate', rate }, now);
  return { state: { ...r.state, adjust: 0 }, effects: r.effects };
}

/** Relay time at which a playing (or scheduled) room reaches `position`. */
function reachTime(t: Timeline, position: number): number {
  return t.setAt + ((position - t.position) * 1000) / t.rate;
}

/**
 * Starting from a paused player, for a room that plays or will play: be paused at a position the
 * room has not reached yet, then play exactly when it gets there. A player behind the room (or
 * implausibly far ahead) seeks to where the room will be once the seek is done, with a margin,
 * and then waits the margin out: the start is precise however much the seek's latency varies.
 */
function startFromPause(a0: Act, rn: number, now: number): Act {
  let a = a0;
  const s = a.state;
  const t = s.timeline as Timeline;
  const p = s.player as NonNullable<EngineState['player']>;
  if (!p.paused && !isPending(s.expected, 'pause', now)) a = apply(a, { type: 'pause' }, now);
  if (Math.abs(a.state.commandedRate - t.rate) > 1e-6) a = apply(a, { type: 'set-rate', rate: t.rate }, now);
  a = { state: { ...a.state, adjust: 0 }, effects: a.effects };
  if (s.seek !== null || isPending(s.expected, 'play', now)) return a;
  const aimMs = s.seekLatencyMs * (1 + AIM_MARGIN_SHARE) + AIM_MARGIN_MS;
  const landAt = Math.max(t.setAt, rn + aimMs);
  // While still playing, the snapshot position moves on; judge from where the pause will leave it.
  const reach = reachTime(t, p.position);
  const tooLate = reach < rn - (IN_PLACE_S * 1000) / t.rate;
  const tooEarly = reach > landAt + (IN_PLACE_S * 1000) / t.rate;
  if (tooLate || tooEarly) {
    const target = clampToPlayer(s, t.position + (t.rate * (landAt - t.setAt)) / 1000);
    return apply(a, { type: 'seek', position: target }, now);
  }
  if (!p.paused) return a; // the pause's own event brings us back here
  const start = (localAt(s.clock, reach) as number) - s.startLatencyMs;
  if (now >= start - EARLY_MS) {
    a = apply(a, { type: 'play' }, now);
    return { state: { ...a.state, armedAt: null, started: true, learnStart: true, settleUntil: now + 50 }, effects: a.effects };
  }
  if (a.state.armedAt === start) return a;
  return { state: { ...a.state, armedAt: start }, effects: [...a.effects, { type: 'wake-at', at: start }] };
}

export function follow(s0: EngineState, now: number): StepResult {
  let s = s0;
  const t = s.timeline;
  const p = s.player;
  const none = { state: s, effects: [] };
  if (t === null || p === null || p.ad || leaveAlone(s.life, p, now)) return none;
  if (s.userHold !== null) {
    if (now < s.userHold.until) return none;
    s = { ...s, userHold: null }; // the relay never answered: follow the room again
  }
  if (s.controlPendingUntil !== null) {
    if (now < s.controlPendingUntil) return none;
    s = { ...s, controlPendingUntil: null };
  }
  // A seek whose events never came (player swallowed them): stop waiting so we cannot stall forever.
  if (s.seek !== null && now - s.seek.at > DRIFT.maxSeekLatencyMs + 1000) s = { ...s, seek: null };
  // Seeking, and not on our request: a user's (or the page's) seek whose 'seeking' event is still
  // queued. "Correcting" the position now would undo the seek before we know it was made.
  if (p.seeking && s.seek === null) return none;
  // The same for a rate: setting ours over the user's would make its event read as our own.
  if (s.foreignRateSince !== null && now - s.foreignRateSince < FOREIGN_RATE_WAIT_MS) return none;
  let a: Act = { state: s, effects: [] };

  // A held room stands still, so holding needs no clock: a pause applies at once, also while the
  // clock estimate is still being made (first attach, or after a reconnect, ~0.5-1 s).
  if (isHeld(t)) return holdAt(a, clampToPlayer(s, positionAt(t, t.setAt)), t.rate, now);
  if (!clockReady(s.clock)) return none;
  const rn = relayNow(s.clock, now) as number;

  const scheduled = rn < t.setAt;
  const expectedNow = positionAt(t, rn);
  const roomEnded = t.media?.duration != null && t.media.duration > 0 && expectedNow >= t.media.duration;
  const ownEnded = p.duration !== null && p.duration > 0 && expectedNow >= p.duration - IN_PLACE_S;
  if (!scheduled && (roomEnded || ownEnded)) {
    // The room reached its end, or our cut is shorter: stop at our end, never chase a position we lack.
    if (!p.paused && !p.ended && roomEnded && !isPending(s.expected, 'pause', now)) return apply(a, { type: 'pause' }, now);
    return none;
  }
  // Before setAt the player waits paused, unless this engine has already started it for this
  // start (early by the learned start latency): pausing it again would flap until setAt.
  const waiting = scheduled && !(s.started && !p.paused);
  if (waiting || p.paused) return startFromPause(a, rn, now);
  if (p.buffering || s.seek !== null) return a;
  const error = currentError(s.readings, now);
  const wanted = clampRate(t.rate * (1 + s.adjust));
  if (error === null) {
    return Math.abs(s.commandedRate - wanted) > 1e-6 ? apply(a, { type: 'set-rate', rate: wanted }, now) : a;
  }
  if (s.learnStart) {
    const startLatencyMs = Math.max(0, Math.min(500, s.startLatencyMs - 0.6 * error * 1000));
    a = { state: { ...a.state, startLatencyMs, learnStart: false }, effects: [] };
  }
  const allowed = seeksAllowed(s.recentSeeks, s.cooldownUntil, now);
  // Just after a start, or after another element or source took over (behind by its load time):
  // a seek lands it at once, where rate correction would take seconds.
  const settling = now - (localAt(s.clock, t.setAt) as number) < DRIFT.settlingMs || now - s.life.attachedAt < DRIFT.settlingMs;
  const c = decide(error, s.adjust, allowed, settling ? DRIFT.settlingSeekAboveS : DRIFT.seekAboveS, coarseOnly(s.readings, now));
  if (c.kind === 'seek') {
    const target = clampToPlayer(s, positionAt(t, rn + a.state.seekLatencyMs));
    const recentSeeks = [...s.recentSeeks.filter((x) => now - x < DRIFT.thrashWindowMs), now];
    const cooldownUntil = recentSeeks.length >= DRIFT.thrashSeeks ? now + DRIFT.thrashCooldownMs : s.cooldownUntil;
    const stats = { ...s.stats, correctiveSeeks: s.stats.correctiveSeeks + 1 };
    a = { state: { ...a.state, recentSeeks, cooldownUntil, stats, adjust: 0 }, effects: a.effects };
    a = apply(a, { type: 'seek', position: target }, now);
    if (Math.abs(a.state.commandedRate - t.rate) > 1e-6) a = apply(a, { type: 'set-rate', rate: t.rate }, now);
    return a;
  }
  if (c.kind === 'rate') {
    const rate = clampRate(t.rate * (1 + c.adjust));
    // At 0.25x or 2x there may be no room left in one direction: then there is nothing to set.
    if (Math.abs(rate - s.commandedRate) < 1e-6) return { state: { ...a.state, adjust: c.adjust }, effects: a.effects };
    const stats = { ...s.stats, rateChanges: s.stats.rateChanges + 1 };
    a = { state: { ...a.state, adjust: c.adjust, stats }, effects: a.effects };
    return apply(a, { type: 'set-rate', rate }, now);
  }
  return Math.abs(s.commandedRate - wanted) > 1e-6 ? apply(a, { type: 'set-rate', rate: wanted }, now) : a;
}
