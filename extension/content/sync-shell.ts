/**
 * Drives the pure sync engine (extension/core) for the frame that owns the room's video: feeds
 * it clock samples, timelines, frame samples, player events and snapshots, and carries out its
 * effects on the adapter and towards the background. One shell lives as long as the frame syncs
 * the room, across the elements the page gives the video (`attach`/`detach`): the clock estimate
 * and what the engine learned stay when a player re-creates its <video>. Owns its timers and
 * listeners; `dispose` (or the signal) stops everything.
 *
 * Cadence (extension/core/cadence.ts): the clock pings back off to one every 20 s once the
 * estimate is good, so the shell sends its background something at least every keepAliveMs
 * (a `keepAlive` when nothing else went): Firefox suspends an event page after 30 s without
 * extension events, open WebSocket or not, and a runtime message from a content script is one.
 * It also tells the engine when the page woke (timers stalled, the local clock slipped against
 * the wall clock, the tab shown after long hidden): the clock samples in a burst again.
 */
import type { ControlRequest, Timeline } from '../../relay/contract/protocol';
import {
  CADENCE,
  createEngine,
  nextPingDelayMs,
  relayNow,
  step,
  type EngineEffect,
  type EngineEvent,
  type EngineState,
} from '../core/index';
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
/**
 * The page slept: the snapshot timer (every SNAPSHOT_MS) did not run for this long (longer than
 * Chrome's one-minute timer alignment for long-hidden tabs), or the local clock and the wall
 * clock disagree by this much about the time since the last run (a machine suspended under a
 * local clock that stopped).
 */
export const WAKE_GAP_MS = 90_000;
export const WAKE_SLIP_MS = 1000;
/** How bench:e2e finds the clock lines in a page's console (after the log prefix): `clock sample {json}`. */
export const CLOCK_LOG_LINE = 'clock sample';

/** Failures that may pass once the worker or the relay connection is back. */
const RETRYABLE: ReadonlySet<string> = new Set(['unavailable', 'internal', 'rate_limited', 'relay_unreachable', 'not_in_room']);

type Timer = ReturnType<typeof setTimeout>;

export interface SyncShellOptions {
  adapter: PlayerAdapter;
  send: ContentSend;
  timeline: Timeline;
  /** The relay makes members follow new timelines (FrameSync.follows). */
  follows?: boolean;
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
  private keepAliveTimer: Timer | null = null;
  /** Local time of the last message to the background (see CADENCE.keepAliveMs). */
  private lastSentAt: number;
  /** Local and wall time of the last snapshot tick, to see the page wake. */
  private lastTick: { local: number; wall: number };
  private hiddenSince: number | null = null;
  private readonly snapshots: ReturnType<typeof setInterval>;
  /** The user action on its way to the room (the latest one wins). */
  private pending: ControlRequest | null = null;
  private readonly post: ContentSend;
  private readonly signal: AbortSignal;
  private readonly clock: Scheduler;

  constructor(options: SyncShellOptions) {
    this.post = options.send;
    this.signal = options.signal;
    this.clock = options.scheduler ?? pageScheduler;
    this.lastSentAt = this.clock.now();
    this.lastTick = { local: this.clock.now(), wall: Date.now() };
    this.snapshots = this.clock.setInterval(() => this.snapshot(), SNAPSHOT_MS);
    this.signal.addEventListener('abort', () => this.stop(), { once: true });
    this.watchVisibility();
    this.keepAlive();
    this.hook(options.adapter);
    this.run({ type: 'snapshot', snapshot: options.adapter.read() });
    this.run({ type: 'timeline', timeline: options.timeline, follows: options.follows === true });
    void this.ping();
  }

  /** The engine's state, for tests and diagnostics. */
  state(): EngineState {
    return this.engine;
  }

  /** A new timeline; `follows` when the room's relay says anew whether it makes members follow (a resume). */
  timeline(t: Timeline, follows?: boolean): void {
    this.run({ type: 'timeline', timeline: t, ...(follows === undefined ? {} : { follows }) });
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

  /** Every message to the background goes through here: it counts for the keep-alive. */
  private readonly send: ContentSend = (type, payload) => {
    this.lastSentAt = this.clock.now();
    return this.post(type, payload);
  };

  /** Sends a `keepAlive` whenever nothing else went to the background for CADENCE.keepAliveMs. */
  private keepAlive(): void {
    if (this.signal.aborted) return;
    const due = this.lastSentAt + CADENCE.keepAliveMs - this.clock.now();
    if (due <= 0) {
      void this.send('keepAlive', null).then((r) => {
        if (!r.ok && !this.signal.aborted) log.debug(`keep-alive: ${r.message}`);
      });
    }
    this.keepAliveTimer = this.clock.setTimeout(() => this.keepAlive(), due <= 0 ? CADENCE.keepAliveMs : due);
  }

  private watchVisibility(): void {
    const doc = globalThis.document as Document | undefined;
    doc?.addEventListener(
      'visibilitychange',
      () => {
        if (doc.visibilityState === 'hidden') this.hiddenSince = this.clock.now();
        else if (this.hiddenSince !== null) {
          const hidden = this.clock.now() - this.hiddenSince;
          this.hiddenSince = null;
          if (hidden >= WAKE_GAP_MS) this.wakeUp();
        }
      },
      { signal: this.signal },
    );
  }

  private snapshot(): void {
    const tick = { local: this.clock.now(), wall: Date.now() };
    const gap = tick.local - this.lastTick.local;
    const slip = Math.abs(tick.wall - this.lastTick.wall - gap);
    this.lastTick = tick;
    if (gap >= WAKE_GAP_MS || slip >= WAKE_SLIP_MS) this.wakeUp();
    if (this.adapter !== null) this.run({ type: 'snapshot', snapshot: this.adapter.read() });
  }

  /** The page woke: the clock samples in a burst, from now (not after the long wait it had set). */
  private wakeUp(): void {
    this.run({ type: 'wake' });
    if (this.pingTimer === null) return; // a ping is in flight: its answer schedules the burst
    this.clock.clearTimeout(this.pingTimer);
    this.pingTimer = this.clock.setTimeout(() => void this.ping(), 0);
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
    if (r.ok) {
      this.run({ type: 'clock-sample', sample: { t0, relayTime: r.data.relayTime, t3 } });
      if (typeof __LOCKSTEP_CLOCK_LOG__ !== 'undefined' && __LOCKSTEP_CLOCK_LOG__) this.logClock(t0, r.data.relayTime, t3);
    }
    this.pingTimer = this.clock.setTimeout(() => void this.ping(), r.ok ? nextPingDelayMs(this.engine.clock) : PING_RETRY_MS);
  }

  /** bench:e2e's build only (__LOCKSTEP_CLOCK_LOG__): the sample and the estimate after it (relay − local at t3, ms). */
  private logClock(t0: number, relayTime: number, t3: number): void {
    const relay = relayNow(this.engine.clock, t3);
    log.debug(CLOCK_LOG_LINE, JSON.stringify({ t0, relayTime, t3, estimateMs: relay === null ? null : relay - t3 }));
  }

  private stop(): void {
    this.unhook?.();
    this.unhook = null;
    this.adapter = null;
    this.clock.clearInterval(this.snapshots);
    if (this.wake !== null) this.clock.clearTimeout(this.wake);
    if (this.pingTimer !== null) this.clock.clearTimeout(this.pingTimer);
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    if (this.keepAliveTimer !== null) this.clock.clearTimeout(this.keepAliveTimer);
  }
}
