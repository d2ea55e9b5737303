/** What the engine's unit tests share: a player snapshot, an engine with its clock in step, and feeding events. */
import { createEngine, step, type EngineEffect, type EngineEvent, type EngineState } from '../../../extension/core';
import type { PlayerSnapshot } from '../../../extension/core/player';

/** A shown, loaded, playing player at 0 s; `over` changes what a test needs. */
export const snapshot = (over: Partial<PlayerSnapshot> = {}): PlayerSnapshot => ({
  paused: false,
  position: 0,
  rate: 1,
  duration: 3600,
  buffering: false,
  seeking: false,
  ad: false,
  ended: false,
  attached: true,
  loading: false,
  ...over,
});

/** An engine whose clock reads the relay's exactly (offset 0, RTT 20 ms). */
export function syncedEngine(): EngineState {
  let s = createEngine();
  for (let i = 0; i < 16; i++)
    s = step(s, { type: 'clock-sample', sample: { t0: i * 30, relayTime: i * 30 + 10, t3: i * 30 + 20 } }, i * 30 + 20).state;
  return s;
}

/** Steps through `events` (each at its local time), collecting every effect. */
export function feed(s0: EngineState, events: Array<[EngineEvent, number]>): { state: EngineState; effects: EngineEffect[] } {
  let s = s0;
  const effects: EngineEffect[] = [];
  for (const [e, now] of events) {
    const r = step(s, e, now);
    s = r.state;
    effects.push(...r.effects);
  }
  return { state: s, effects };
}
