/**
 * Drives the pure sync engine (extension/core) for the frame that owns the room's video: feeds
 * it clock samples, timelines, frame samples, player events and snapshots, and carries out its
 * effects on the adapter and towards the background. Owns its timers and listeners; `dispose`
 * (or the signal) stops everything.
 *
 * The clock pings (one a second after the first burst) double as the Firefox keep-alive: the
 * event page there is suspended after 30 s without incoming extension messages.
 */
import type { ControlRequest, Timeline } from '../../relay/contract/protocol';
import { createEngine, nextPingDelayMs, step, type EngineEffect, type EngineEvent, type EngineState } from '../core/index';
import type { PlayerAdapter } from './adapters/types';
import type { ContentSend } from './messaging';

/** How often the player's state is read between events (the engine expects ~4 per second). */
export const SNAPSHOT_MS = 250;
/** After a failed ping (relay down, worker waking) try again this much later. */
export const PING_RETRY_MS = 2000;
/**
 * A user action the room could not take yet (worker being woken, relay reconnecting) is sent again
 * this often, for this long; meanwhile the player is left as the user set it, rather than put back
 * on the room's older timeline (which would undo the action).
 */
export const CONTROL_RETRY_MS = 500;
export const CONTROL_RETRY_FOR_MS = 10_000;
/** Failures that may pass once the worker or the relay connection is back. */
const RETRYABLE: ReadonlySet<string> = new Set(['unavailable', 'internal', 'rate_limited', 'relay_unreachable', 'not_in_room']);

export interface SyncShellOptions {
  adapter: PlayerAdapter;
  send: ContentSend;
  timeline: Timeline;
  signal: AbortSignal;
  /** Local ms in the engine's base; injectable for tests. */
  now?: () => number;
}

export interface SyncShell {
  timeline(t: Timeline): void;
  reconnected(): void;
  /** The engine's state, for tests and diagnostics. */
  state(): EngineState;
}

const nowMs = (): number => performance.timeOrigin + performance.now();

export function startSyncShell(options: SyncShellOptions): SyncShell {
  const { adapter, send, signal } = options;
  const now = options.now ?? nowMs;
  let engine = createEngine();
  let wake: ReturnType<typeof setTimeout> | null = null;
  let pingTimer: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** The user action on its way to the room (the latest one wins). */
  let pending: ControlRequest | null = null;

  const run = (event: EngineEvent): void => {
    if (signal.aborted) return;
    const r = step(engine, event, now());
    engine = r.state;
    for (const effect of r.effects) carryOut(effect);
  };

  const warn = (what: string) => (err: unknown): void => {
    if (!signal.aborted) console.warn(`[lockstep] ${what} failed:`, err);
  };

  function carryOut(effect: EngineEffect): void {
    switch (effect.type) {
      case 'play':
        adapter.play().catch(warn('play'));
        break;
      case 'pause':
        adapter.pause();
        break;
      case 'seek':
        adapter.seek(effect.position);
        break;
      case 'set-rate':
        adapter.setRate(effect.rate);
        break;
      case 'send-control':
        sendControl(effect.control, now());
        break;
      case 'send-status':
        void send('status', effect.status).then((r) => {
          if (!r.ok && !signal.aborted) console.debug(`[lockstep] status not sent: ${r.message}`);
        });
        break;
      case 'wake-at':
        if (wake !== null) clearTimeout(wake);
        wake = setTimeout(() => {
          wake = null;
          run({ type: 'tick' });
        }, Math.max(0, effect.at - now()));
        break;
    }
  }

  /**
   * Sends a user action; one refused for a passing reason is sent again, and meanwhile the engine
   * holds the player as the user left it (the room's older timeline must not undo the action).
   * The engine, not this shell, does the holding: effects it decides are always carried out, so
   * what it believes it asked of the player (a seek under way, the rate) stays true.
   */
  function sendControl(control: ControlRequest, firstAt: number): void {
    pending = control;
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
    const release = (): void => run({ type: 'control-pending', until: null });
    void send('control', control).then((r) => {
      if (signal.aborted || pending !== control) return; // torn down, or a newer action took over
      if (r.ok) {
        pending = null;
        run({ type: 'timeline', timeline: r.data });
        if (engine.controlPendingUntil !== null) release();
        return;
      }
      if (RETRYABLE.has(r.error) && now() - firstAt < CONTROL_RETRY_FOR_MS) {
        if (engine.controlPendingUntil === null) run({ type: 'control-pending', until: firstAt + CONTROL_RETRY_FOR_MS });
        retryTimer = setTimeout(() => sendControl(control, firstAt), CONTROL_RETRY_MS);
        return;
      }
      pending = null;
      console.info(`[lockstep] the room did not take "${control.action}": ${r.message}`);
      release(); // follow the room again
    });
  }

  async function ping(): Promise<void> {
    pingTimer = null;
    if (signal.aborted) return;
    const t0 = now();
    const r = await send('timePing', null);
    const t3 = now();
    if (signal.aborted) return;
    if (r.ok) run({ type: 'clock-sample', sample: { t0, relayTime: r.data.relayTime, t3 } });
    pingTimer = setTimeout(() => void ping(), r.ok ? nextPingDelayMs(engine.clock) : PING_RETRY_MS);
  }

  const unsubscribe = adapter.subscribe((event) => run({ type: 'player', event, snapshot: adapter.read() }));
  const stopFrames = adapter.onFrame((sample) => run({
    type: 'frame',
    sample: { ...sample, displayTime: performance.timeOrigin + sample.displayTime },
    snapshot: adapter.read(),
  }));
  const snapshots = setInterval(() => run({ type: 'snapshot', snapshot: adapter.read() }), SNAPSHOT_MS);
  signal.addEventListener('abort', () => {
    unsubscribe();
    stopFrames();
    clearInterval(snapshots);
    if (wake !== null) clearTimeout(wake);
    if (pingTimer !== null) clearTimeout(pingTimer);
    if (retryTimer !== null) clearTimeout(retryTimer);
  }, { once: true });

  run({ type: 'snapshot', snapshot: adapter.read() });
  run({ type: 'timeline', timeline: options.timeline });
  void ping();

  return {
    timeline: (t) => run({ type: 'timeline', timeline: t }),
    reconnected: () => run({ type: 'reconnected' }),
    state: () => engine,
  };
}
