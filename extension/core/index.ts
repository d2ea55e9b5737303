/**
 * Public API of the sync core, for the content script (and the background's clock pings).
 *
 * Usage (the shell owns the player adapter, the relay connection and the timers):
 *   let engine = createEngine();
 *   const run = (event: EngineEvent) => {
 *     const r = step(engine, event, performance.timeOrigin + performance.now());
 *     engine = r.state;
 *     for (const e of r.effects) carryOut(e); // play/pause/seek/set-rate on the adapter,
 *   };                                        // send-control → 'playback:control', send-status → 'member:status'
 *                                             // (or 'member:telemetry' when the status is unchanged),
 *                                             // wake-at → setTimeout(() => run({type: 'tick'}), at - now)
 *   - every `time:ping` round trip: run({type: 'clock-sample', sample: {t0, relayTime, t3}}),
 *     next ping after nextPingDelayMs(engine.clock) (a burst, then backing off to CADENCE.clock.steadyMs);
 *   - the page woke (timers stalled, the tab shown after long hidden): run({type: 'wake'}), ping again;
 *   - every `playback:state` and control ack: run({type: 'timeline', timeline});
 *   - adapter.onFrame: run({type: 'frame', sample: {mediaTime, displayTime: performance.timeOrigin + displayTime}, snapshot: adapter.read()});
 *   - adapter.subscribe: run({type: 'player', event, snapshot: adapter.read()});
 *   - a timer every ~250 ms: run({type: 'snapshot', snapshot: adapter.read()});
 *   - after the socket reconnects: run({type: 'reconnected'}) (the clock burst starts over).
 * All times are local ms in the `performance.timeOrigin + performance.now()` base.
 */
export { createEngine, step, offsetMs, engineRelayNow, localTimeOf } from './engine';
export type { EngineEvent, EngineEffect, EngineState, StepResult } from './engine';
export { createClock, addClockSample, clockBurst, relayNow, localAt, clockReady, nextPingDelayMs, CLOCK } from './clock-sync';
export type { ClockSample, ClockState, ClockVerdict } from './clock-sync';
export { CADENCE, STEADY_MEMBER } from './cadence';
export { DRIFT } from './drift';
export * from '../../relay/contract/timeline';
