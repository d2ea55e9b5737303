/**
 * The player's life cycle in the engine: what the page and the browser do to the element (remove
 * it, hide it, re-create it, load another source into it) is never a room control, the engine
 * brings the new element in line with the room, and the status the others see does not flicker.
 */
import { createEngine, type EngineEffect, type EngineEvent, type EngineState } from '../../../extension/core';
import type { PlayerSnapshot } from '../../../extension/core/player';
import { REPLACE_MAX_MS, RESTORE_WINDOW_MS } from '../../../extension/core/life-cycle';
import type { Timeline } from '../../../relay/contract/protocol';
import { feed, snapshot, syncedEngine } from './engine-kit';

const snap = (over: Partial<PlayerSnapshot> = {}): PlayerSnapshot => snapshot({ position: 10, ...over });
/** The room plays from 0 at local/relay time 0 (so at local time t it is at t / 1000 s). */
const playing: Timeline = {
  media: { url: 'u', title: 't', duration: 3600 },
  paused: false,
  position: 0,
  rate: 1,
  setAt: 0,
  seq: 7,
  waitingFor: [],
  holdUntil: null,
  by: 'x',
};
const held: Timeline = { ...playing, paused: true, position: 10 };
/** The room paused at 10 s, nobody waited for. */
const paused: Timeline = { ...playing, paused: true, position: 10 };

const controls = (effects: EngineEffect[]): EngineEffect[] => effects.filter((e) => e.type === 'send-control');
const statuses = (effects: EngineEffect[]): string[] => effects.flatMap((e) => (e.type === 'send-status' ? [e.status.status] : []));

/** Clock in step with the relay, the room playing, the player playing in step at 10 s (local 10 000 ms). */
function watching(timeline: Timeline = playing): EngineState {
  const s = syncedEngine();
  const position = timeline.paused ? timeline.position : 10;
  return feed(s, [
    [{ type: 'snapshot', snapshot: snap({ position, paused: timeline.paused }) }, 9_990],
    [{ type: 'timeline', timeline }, 10_000],
  ]).state;
}

describe('life-cycle events are never room controls', () => {
  test.each<[string, Timeline, Array<[EngineEvent, number]>]>([
    [
      'the pause a removed element makes',
      playing,
      [[{ type: 'player', event: 'pause', snapshot: snap({ paused: true, attached: false }) }, 10_100]],
    ],
    [
      'the pause of an element the page hid (preloaded twin swapped in)',
      playing,
      [[{ type: 'player', event: 'pause', snapshot: snap({ paused: true, attached: false }) }, 10_100]],
    ],
    [
      'a seek of a detached element',
      playing,
      [[{ type: 'player', event: 'seeking', snapshot: snap({ position: 300, attached: false }) }, 10_100]],
    ],
    [
      'the new element restoring its position and resuming while it loads',
      playing,
      [
        [{ type: 'detach' }, 10_050],
        [{ type: 'attach', snapshot: snap({ paused: true, position: 0, loading: true }) }, 10_100],
        [{ type: 'player', event: 'seeking', snapshot: snap({ paused: true, position: 10, loading: true, seeking: true }) }, 10_300],
        [{ type: 'player', event: 'play', snapshot: snap({ position: 10, loading: true }) }, 10_301],
        [{ type: 'player', event: 'seeked', snapshot: snap({ position: 10, loading: true }) }, 10_400],
      ],
    ],
    [
      'a quality switch: the page seeks back after the new source loads',
      playing,
      [
        [{ type: 'player', event: 'media-change', snapshot: snap({ paused: true, position: 0, loading: true }) }, 10_100],
        [{ type: 'player', event: 'seeking', snapshot: snap({ paused: true, position: 10, loading: true }) }, 10_300],
        [{ type: 'player', event: 'play', snapshot: snap({ position: 10, loading: true }) }, 10_310],
      ],
    ],
    [
      'a restore seek just after the first frame (MSE players seek once data is in)',
      playing,
      [
        [{ type: 'attach', snapshot: snap({ paused: true, position: 0 }) }, 10_100],
        [{ type: 'player', event: 'seeking', snapshot: snap({ paused: true, position: 9.6 }) }, 10_400],
      ],
    ],
    [
      "a new element restoring the room's rate",
      { ...playing, rate: 1.5 },
      [
        [{ type: 'attach', snapshot: snap({ paused: true, position: 0, rate: 1 }) }, 10_100],
        [{ type: 'player', event: 'ratechange', snapshot: snap({ paused: true, position: 0, rate: 1.5 }) }, 10_200],
      ],
    ],
    [
      "the page resuming its re-created element at the paused room's position, after its first frame",
      paused,
      [
        [{ type: 'detach' }, 10_050],
        [{ type: 'attach', snapshot: snap({ paused: true, position: 10 }) }, 10_100],
        [{ type: 'player', event: 'play', snapshot: snap({ position: 10.1 }) }, 10_400],
      ],
    ],
    [
      'the page resuming its re-created element after a slow load (its first frame past REPLACE_MAX_MS)',
      paused,
      [
        [{ type: 'detach' }, 10_050],
        [{ type: 'attach', snapshot: snap({ paused: true, position: 0, loading: true }) }, 10_100],
        [{ type: 'snapshot', snapshot: snap({ paused: true, position: 10 }) }, 10_100 + REPLACE_MAX_MS + 1000],
        [{ type: 'player', event: 'play', snapshot: snap({ position: 10 }) }, 10_100 + REPLACE_MAX_MS + 2000],
      ],
    ],
    [
      'a slow re-creation while the room plays: the page restores where the old element was, the room seconds ahead',
      playing,
      [
        [{ type: 'detach' }, 10_050],
        [{ type: 'attach', snapshot: snap({ paused: true, position: 0, loading: true }) }, 10_100],
        [{ type: 'snapshot', snapshot: snap({ paused: true, position: 0 }) }, 10_100 + REPLACE_MAX_MS + 500],
        [
          { type: 'player', event: 'seeking', snapshot: snap({ paused: true, position: 10, seeking: true }) },
          10_100 + REPLACE_MAX_MS + 600,
        ],
      ],
    ],
    [
      "a very slow re-creation: its first seek, to exactly the old element's position, long after every window",
      playing,
      [
        [{ type: 'detach' }, 10_050],
        [{ type: 'attach', snapshot: snap({ paused: true, position: 0, loading: true }) }, 10_100],
        [{ type: 'snapshot', snapshot: snap({ paused: true, position: 0, loading: true }) }, 10_100 + REPLACE_MAX_MS + 500],
        [
          { type: 'player', event: 'seeking', snapshot: snap({ paused: true, position: 10, seeking: true }) },
          10_100 + REPLACE_MAX_MS + 500 + RESTORE_WINDOW_MS + 1000,
        ],
      ],
    ],
    [
      'the page resuming after a quality switch, the new source loaded, while the room is paused',
      paused,
      [
        [{ type: 'player', event: 'media-change', snapshot: snap({ paused: true, position: 10, loading: true }) }, 10_100],
        [{ type: 'snapshot', snapshot: snap({ paused: true, position: 10 }) }, 10_200],
        [{ type: 'player', event: 'play', snapshot: snap({ position: 10 }) }, 10_300],
      ],
    ],
    [
      "a fresh element's paused state while the room waits for someone",
      held,
      [
        [{ type: 'detach' }, 10_050],
        [{ type: 'attach', snapshot: snap({ paused: true, position: 10, loading: true }) }, 10_100],
        [{ type: 'player', event: 'seeking', snapshot: snap({ paused: true, position: 10, loading: true }) }, 10_200],
      ],
    ],
  ])('%s', (_name, timeline, events) => {
    const r = feed(watching(timeline), events);
    expect(controls(r.effects)).toEqual([]);
  });
});

describe('what a person does still counts', () => {
  test.each<[string, Array<[EngineEvent, number]>, string]>([
    ['a pause on the shown element', [[{ type: 'player', event: 'pause', snapshot: snap({ paused: true }) }, 10_100]], 'pause'],
    [
      "a re-created element's second seek to the old element's position, after every window",
      [
        [{ type: 'detach' }, 10_050],
        [{ type: 'attach', snapshot: snap({ paused: true, position: 0, loading: true }) }, 10_100],
        [{ type: 'player', event: 'seeking', snapshot: snap({ paused: true, position: 10, seeking: true }) }, 10_300],
        [{ type: 'snapshot', snapshot: snap({ paused: true, position: 10 }) }, 10_100 + REPLACE_MAX_MS + 4000],
        [{ type: 'player', event: 'seeking', snapshot: snap({ position: 10, seeking: true }) }, 10_100 + REPLACE_MAX_MS + 4100],
      ],
      'seek',
    ],
    [
      'a seek far from the room just after an attach',
      [
        [{ type: 'attach', snapshot: snap({ position: 10 }) }, 10_100],
        [{ type: 'player', event: 'seeking', snapshot: snap({ position: 300, seeking: true }) }, 10_500],
      ],
      'seek',
    ],
    [
      "a seek to the room's position once the restore window is over",
      [
        [{ type: 'attach', snapshot: snap({ position: 10 }) }, 10_100],
        [
          { type: 'player', event: 'seeking', snapshot: snap({ position: 10 + RESTORE_WINDOW_MS / 1000 + 0.3 + 1, seeking: true }) },
          10_100 + RESTORE_WINDOW_MS + 300,
        ],
      ],
      'seek',
    ],
    [
      'a pause once the new element shows frames',
      [
        [{ type: 'attach', snapshot: snap({ position: 10, loading: true }) }, 10_100],
        [{ type: 'snapshot', snapshot: snap({ position: 10.2 }) }, 10_300],
        [{ type: 'player', event: 'pause', snapshot: snap({ paused: true, position: 10.3 }) }, 10_400],
      ],
      'pause',
    ],
    [
      'a seek whose own snapshot shows the first frame arrived (no step since)',
      [
        [{ type: 'attach', snapshot: snap({ paused: true, position: 0, loading: true }) }, 10_100],
        [{ type: 'player', event: 'seeking', snapshot: snap({ paused: true, position: 200, seeking: true }) }, 10_400],
      ],
      'seek',
    ],
    [
      'a pause on an element that never finishes loading, after REPLACE_MAX_MS',
      [
        [{ type: 'player', event: 'media-change', snapshot: snap({ loading: true }) }, 10_100],
        [{ type: 'snapshot', snapshot: snap({ loading: true, position: 10 + REPLACE_MAX_MS / 1000 }) }, 10_100 + REPLACE_MAX_MS],
        [{ type: 'player', event: 'pause', snapshot: snap({ paused: true, loading: true }) }, 10_200 + REPLACE_MAX_MS],
      ],
      'pause',
    ],
  ])('%s', (_name, events, action) => {
    const r = feed(watching(), events);
    expect(controls(r.effects).map((e) => (e.type === 'send-control' ? e.control.action : ''))).toEqual([action]);
  });

  test.each<[string, Array<[EngineEvent, number]>]>([
    [
      'a play on the first element the frame found, at once',
      [
        [{ type: 'snapshot', snapshot: snap({ paused: true, position: 10 }) }, 10_100],
        [{ type: 'player', event: 'play', snapshot: snap({ position: 10 }) }, 10_200],
      ],
    ],
    [
      'a play on a re-created element once the restore window is over',
      [
        [{ type: 'detach' }, 10_050],
        [{ type: 'attach', snapshot: snap({ paused: true, position: 10 }) }, 10_100],
        [{ type: 'player', event: 'play', snapshot: snap({ position: 10 }) }, 10_100 + RESTORE_WINDOW_MS + 100],
      ],
    ],
    [
      "a play on a re-created element away from the room's position",
      [
        [{ type: 'detach' }, 10_050],
        [{ type: 'attach', snapshot: snap({ paused: true, position: 10 }) }, 10_100],
        [{ type: 'player', event: 'play', snapshot: snap({ position: 200 }) }, 10_400],
      ],
    ],
  ])('the room paused: %s', (_name, events) => {
    const r = feed(watching(paused), events);
    expect(controls(r.effects).map((e) => (e.type === 'send-control' ? e.control.action : ''))).toEqual(['play']);
  });
});

test("the page's resume of a re-created element is not a control, and the engine pauses it back to the room", () => {
  const r = feed(watching(paused), [
    [{ type: 'detach' }, 10_050],
    [{ type: 'attach', snapshot: snap({ paused: true, position: 10 }) }, 10_100],
    [{ type: 'player', event: 'play', snapshot: snap({ position: 10.1 }) }, 10_400],
    [{ type: 'tick' }, 10_500],
  ]);
  expect(controls(r.effects)).toEqual([]);
  expect(r.effects).toContainEqual({ type: 'pause' });
});

describe('the new element is brought in line, the old one is left alone', () => {
  test('a detached element is not commanded; the attached one is started to the room', () => {
    const detached = feed(watching(), [[{ type: 'detach' }, 10_050]]);
    expect(detached.effects.filter((e) => e.type !== 'send-status')).toEqual([]);
    // The fresh element is paused at 0 and has shown its first frame: seek ahead, then play in step.
    const attached = feed(detached.state, [[{ type: 'attach', snapshot: snap({ paused: true, position: 0 }) }, 10_100]]);
    expect(attached.effects.map((e) => e.type)).toContain('seek');
  });

  test('a loading element is left alone until its first frame', () => {
    const r = feed(watching(), [[{ type: 'attach', snapshot: snap({ paused: true, position: 0, loading: true }) }, 10_100]]);
    expect(r.effects.filter((e) => e.type !== 'send-status')).toEqual([]);
  });

  test('the clock estimate and the learned seek latency survive a new element', () => {
    const s = { ...watching(), seekLatencyMs: 321 };
    const r = feed(s, [
      [{ type: 'detach' }, 10_050],
      [{ type: 'attach', snapshot: snap() }, 10_100],
    ]);
    expect(r.state.clock).toBe(s.clock);
    expect(r.state.seekLatencyMs).toBe(321);
  });
});

describe('the status others see does not flicker through "no video" or "paused"', () => {
  test('while the element is gone and the new one loads, nothing but a stall is reported', () => {
    const r = feed(watching(), [
      [{ type: 'detach' }, 10_050],
      [{ type: 'snapshot', snapshot: snap() }, 10_060], // ignored: no element
      [{ type: 'attach', snapshot: snap({ paused: true, position: 0, loading: true }) }, 10_400],
      [{ type: 'snapshot', snapshot: snap({ paused: true, position: 0, loading: true }) }, 10_650],
      [{ type: 'snapshot', snapshot: snap({ paused: false, position: 10.9, buffering: false }) }, 10_900],
      [{ type: 'snapshot', snapshot: snap({ position: 11.5 }) }, 11_500],
    ]);
    expect(statuses(r.effects).filter((s) => s !== 'playing')).toEqual([]);
  });

  test('a player paused briefly by a scheduled start reads as playing; one that stays paused reads as paused', () => {
    const s = watching();
    const brief = feed(s, [
      [{ type: 'snapshot', snapshot: snap({ paused: true }) }, 12_100],
      [{ type: 'snapshot', snapshot: snap({ paused: true }) }, 12_600],
    ]);
    expect(brief.state.status).toBe('playing');
    const stuck = feed(brief.state, [[{ type: 'snapshot', snapshot: snap({ paused: true }) }, 13_200]]);
    expect(stuck.state.status).toBe('paused');
  });
});

test("the page's restore seek on a re-created element while the clock has no estimate (after a reconnect or a jump) is not a control", () => {
  // No clock samples: the engine cannot say where the room is now, only where its timeline put it.
  const s = feed(createEngine(), [
    [{ type: 'snapshot', snapshot: snap({ position: 30, paused: true }) }, 9_990],
    [{ type: 'timeline', timeline: { ...playing, position: 30, setAt: 10_200 } }, 10_000],
  ]).state;
  const r = feed(s, [
    [{ type: 'detach' }, 10_050],
    [{ type: 'attach', snapshot: snap({ paused: true, position: 0 }) }, 10_100],
    [{ type: 'player', event: 'seeking', snapshot: snap({ paused: true, position: 30, seeking: true }) }, 10_400],
  ]);
  expect(controls(r.effects)).toEqual([]);
});
