/**
 * Drives the pure sync engine (extension/core) for the frame that owns the room's video: feeds
 * it clock samples, timelines, frame samples, player events and snapshots, and carries out its
 * effects on the adapter and towards the background. One shell lives as long as the frame syncs
 * the room, across the elements the page gives the video (`attach`/`detach`): the clock estimate
 * and what the engine learned stay when a player re-creates its <video>. Owns its timers and
 * listeners; `dispose` (or the signal) stops everything.
 *
 * The clock pings (one a second after the first burst) double as the Firefox keep-alive: the
 * event page there is suspended after 30 s without incoming extension messages.
 */
import type { ControlRequest, Timeline } from '../../relay/contract/protocol';
import { createEngine, nextPingDelayMs, step, type EngineEffect, type EngineEvent, type EngineState } from '../core/index';
import type { PlayerAdapter } from './adapters/types';
import type { ContentSend } from './messaging';
import { pageScheduler, type Scheduler } from './scheduler';
import { log } from '../log';

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

type Timer = ReturnType<typeof setTimeout>;

export interface SyncShellOptions {
  adapter: PlayerAdapter;
  send: ContentSend;
  timeline: Timeline;
  signal: AbortSignal;
  scheduler?: Scheduler;
}

export class SyncShell {
  private engine: EngineState = createEngine();
  private adapter: PlayerAdapter | null = null;
  /** Stops listening to the current adapter (events and frame samples). */
  private unhook: (() => void) | null = null;
  private wake: Timer | null = null;
  private pingTimer: Timer | null = null;
  private retryTimer: Timer | null = null;
  private readonly snapshots: ReturnType<typeof setInterval>;
  /** The user action on its way to the room (the latest one wins). */
  private pending: ControlRequest | null = null;
  private readonly send: ContentSend;
  private readonly signal: AbortSignal;
  private readonly clock: Scheduler;

  constructor(options: SyncShellOptions) {
    this.send = options.send;
    this.signal = options.signal;
    this.clock = options.scheduler ?? pageScheduler;
    this.snapshots = this.clock.setInterval(() => this.snapshot(), SNAPSHOT_MS);
    this.signal.addEventListener('abort', () => this.stop(), { once: true });
    this.hook(options.adapter);
    this.run({ type: 'snapshot', snapshot: options.adapter.read() });
    this.run({ type: 'timeline', timeline: options.timeline });
    void this.ping();
  }

  /** The engine's state, for tests and diagnostics. */
  state(): EngineState {
    return this.engine;
  }

  timeline(t: Timeline): void {
    this.run({ type: 'timeline', timeline: t });
  }

  reconnected(): void {
    this.run({ type: 'reconnected' });
  }

  /** Another element (or the same one, back in the page) now shows the video. */
  attach(adapter: PlayerAdapter): void {
    if (this.signal.aborted || adapter === this.adapter) return;
    this.hook(adapter);
    this.run({ type: 'attach', snapshot: adapter.read() });
  }

  /** The element is gone for now; the engine waits (reporting nothing) for the next one. */
  detach(): void {
    if (this.adapter === null) return;
    this.unhook?.();
    this.unhook = null;
    this.adapter = null;
    this.run({ type: 'detach' });
  }

  private hook(adapter: PlayerAdapter): void {
    this.unhook?.();
    this.adapter = adapter;
    const unsubscribe = adapter.subscribe((event) => this.run({ type: 'player', event, snapshot: adapter.read() }));
    const stopFrames = adapter.onFrame((sample) =>
      this.run({
        type: 'frame',
        sample: { ...sample, displayTime: performance.timeOrigin + sample.displayTime },
        snapshot: adapter.read(),
      }),
    );
    this.unhook = () => {
      unsubscribe();
      stopFrames();
    };
  }

  private snapshot(): void {
    if (this.adapter !== null) this.run({ type: 'snapshot', snapshot: this.adapter.read() });
  }

  private run(event: EngineEvent): void {
    if (this.signal.aborted) return;
    const r = step(this.engine, event, this.clock.now());
    this.engine = r.state;
    for (const effect of r.effects) this.carryOut(effect);
  }

  private warn(what: string): (err: unknown) => void {
    return (err) => {
      if (!this.signal.aborted) log.warn(`${what} failed:`, err);
    };
  }

  private carryOut(effect: EngineEffect): void {
    const adapter = this.adapter;
    switch (effect.type) {
      case 'play':
        adapter?.play().catch(this.warn('play'));
        break;
      case 'pause':
        adapter?.pause();
        break;
      case 'seek':
        adapter?.seek(effect.position);
        break;
      case 'set-rate':
        adapter?.setRate(effect.rate);
        break;
      case 'send-control':
        this.sendControl(effect.control, this.clock.now());
        break;
      case 'send-status':
        void this.send('status', effect.status).then((r) => {
          if (!r.ok && !this.signal.aborted) log.debug(`status not sent: ${r.message}`);
        });
        break;
      case 'wake-at':
        if (this.wake !== null) this.clock.clearTimeout(this.wake);
        this.wake = this.clock.setTimeout(
          () => {
            this.wake = null;
            this.run({ type: 'tick' });
          },
          Math.max(0, effect.at - this.clock.now()),
        );
        break;
    }
  }

  /**
   * Sends a user action; one refused for a passing reason is sent again, and meanwhile the engine
   * holds the player as the user left it (the room's older timeline must not undo the action).
   * The engine, not this shell, does the holding: effects it decides are always carried out, so
   * what it believes it asked of the player (a seek under way, the rate) stays true.
   */
  private sendControl(control: ControlRequest, firstAt: number): void {
    this.pending = control;
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const release = (): void => this.run({ type: 'control-pending', until: null });
    void this.send('control', control).then((r) => {
      if (this.signal.aborted || this.pending !== control) return; // torn down, or a newer action took over
      if (r.ok) {
        this.pending = null;
        this.run({ type: 'timeline', timeline: r.data });
        if (this.engine.controlPendingUntil !== null) release();
        return;
      }
      if (RETRYABLE.has(r.error) && this.clock.now() - firstAt < CONTROL_RETRY_FOR_MS) {
        if (this.engine.controlPendingUntil === null) this.run({ type: 'control-pending', until: firstAt + CONTROL_RETRY_FOR_MS });
        this.retryTimer = this.clock.setTimeout(() => this.sendControl(control, firstAt), CONTROL_RETRY_MS);
        return;
      }
      this.pending = null;
      log.info(`the room did not take "${control.action}": ${r.message}`);
      release(); // follow the room again
    });
  }

  private async ping(): Promise<void> {
    this.pingTimer = null;
    if (this.signal.aborted) return;
    const t0 = this.clock.now();
    const r = await this.send('timePing', null);
    const t3 = this.clock.now();
    if (this.signal.aborted) return;
    if (r.ok) this.run({ type: 'clock-sample', sample: { t0, relayTime: r.data.relayTime, t3 } });
    this.pingTimer = this.clock.setTimeout(() => void this.ping(), r.ok ? nextPingDelayMs(this.engine.clock) : PING_RETRY_MS);
  }

  private stop(): void {
    this.unhook?.();
    this.unhook = null;
    this.adapter = null;
    this.clock.clearInterval(this.snapshots);
    if (this.wake !== null) this.clock.clearTimeout(this.wake);
    if (this.pingTimer !== null) this.clock.clearTimeout(this.pingTimer);
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
  }
}
