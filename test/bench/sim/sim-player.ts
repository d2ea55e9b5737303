/**
 * A simulated HTML5 player in virtual (relay) time. Its media clock runs on the member's skewed
 * hardware clock, seeks take a per-player latency, play() takes a moment to show frames, frame
 * callbacks jitter, and stalls and ads freeze it. Events fire asynchronously, like the DOM's.
 */
import type { FrameSample, PlayerEvent, PlayerSnapshot } from '../../../extension/core/player';
import type { Rng } from './rng';
import type { Scheduler } from './scheduler';

export interface PlayerTraits {
  /** Hardware clock skew: media advances at rate × (1 + skew) in true time. */
  skew: number;
  seekLatencyMs: number;
  startLatencyMs: number;
  duration: number;
  /** Standard deviation of a frame callback's mediaTime error (s). */
  frameJitterS: number;
  /**
   * No requestVideoFrameCallback (Firefox before 132, a background tab): the position is read from
   * currentTime a few times a second instead, with this standard deviation (s) of error.
   */
  coarseJitterS?: number;
}

export class SimPlayer {
  paused = true;
  rate = 1;
  ad = false;
  ended = false;
  private pos = 0;
  private anchor = 0;
  /** Media does not advance before this true time (seeking, starting, stalled). */
  private frozenUntil = 0;
  private stallUntil = 0;
  private seekingUntil = 0;
  /** The element is out of the page (being re-created) / has shown no frame of its source yet. */
  private attached = true;
  private loadingUntil = 0;
  listener: (event: PlayerEvent) => void = () => undefined;
  /** The page's element changes, as the content script's frame session tells its shell. */
  onDetach: () => void = () => undefined;
  onAttach: () => void = () => undefined;

  constructor(
    private readonly sched: Scheduler,
    private readonly rng: Rng,
    readonly traits: PlayerTraits,
  ) {}

  private advancing(t: number): boolean {
    return (
      !this.paused && !this.ad && !this.ended && this.attached && t >= this.loadingUntil && t >= this.frozenUntil && t >= this.stallUntil
    );
  }

  /** True media position at true time `t` (>= the last change). */
  position(t = this.sched.now): number {
    const from = Math.max(this.anchor, this.frozenUntil, this.stallUntil, this.loadingUntil);
    if (!this.advancing(t) || t <= from) return this.pos;
    return Math.min(this.traits.duration, this.pos + (this.rate * (1 + this.traits.skew) * (t - from)) / 1000);
  }

  private settle(): void {
    const t = this.sched.now;
    this.pos = this.position(t);
    this.anchor = t;
    if (this.stallUntil <= t) this.stallUntil = 0;
  }

  private emit(event: PlayerEvent, delayMs = 1): void {
    this.sched.after(delayMs, () => this.listener(event));
  }

  read(): PlayerSnapshot {
    const t = this.sched.now;
    this.checkEnded();
    return {
      paused: this.paused,
      position: this.position(t),
      rate: this.rate,
      duration: this.traits.duration,
      buffering: !this.paused && (t < this.stallUntil || t < this.seekingUntil || t < this.loadingUntil),
      seeking: t < this.seekingUntil,
      ad: this.ad,
      ended: this.ended,
      attached: this.attached,
      loading: t < this.loadingUntil,
    };
  }

  play(): void {
    if (!this.paused && !this.ended) return;
    this.settle();
    this.paused = false;
    this.ended = false;
    const start = this.traits.startLatencyMs * this.rng.uniform(0.7, 1.3);
    this.frozenUntil = Math.max(this.frozenUntil, this.sched.now + start);
    this.emit('play');
    this.emit('playing', start);
  }

  pause(): void {
    if (this.paused) return;
    this.settle();
    this.paused = true;
    this.emit('pause');
  }

  seek(position: number): void {
    this.settle();
    this.pos = Math.max(0, Math.min(this.traits.duration, position));
    this.ended = false;
    const latency = this.traits.seekLatencyMs * this.rng.uniform(0.8, 1.2);
    this.seekingUntil = this.sched.now + latency;
    this.frozenUntil = Math.max(this.frozenUntil, this.seekingUntil);
    this.emit('seeking');
    this.emit('seeked', latency);
  }

  setRate(rate: number): void {
    this.settle();
    this.rate = rate;
    this.emit('ratechange');
  }

  /**
   * The page throws the element away and builds a new one for the same video (quality switch,
   * re-mount): the detached element pauses, the new one appears paused and loads for `loadMs`,
   * and once its metadata is in, the page restores the old position and (`resume`) plays it.
   */
  recreate(loadMs: number, resume: boolean): void {
    const wasPlaying = !this.paused;
    this.settle();
    const position = this.pos;
    this.attached = false;
    if (wasPlaying) {
      this.paused = true;
      this.emit('pause'); // the pause a detached element makes
    }
    // The finder sees the removal within its batch (50 ms); the new element is in the page by then.
    this.sched.after(50, () => {
      this.onDetach();
      this.settle();
      this.attached = true;
      this.pos = 0;
      this.rate = 1;
      this.loadingUntil = this.sched.now + loadMs;
      this.onAttach();
      this.restore(position, wasPlaying && resume, loadMs);
    });
  }

  /** A quality switch: another source in the same element, same video; the page seeks back and resumes. */
  switchSource(loadMs: number): void {
    const wasPlaying = !this.paused;
    this.settle();
    const position = this.pos;
    this.paused = true; // the load algorithm pauses without a 'pause' event
    this.pos = 0;
    this.loadingUntil = this.sched.now + loadMs;
    this.emit('media-change');
    this.restore(position, wasPlaying, loadMs);
  }

  /** The page's own doing once the metadata is in (about halfway through the load). */
  private restore(position: number, play: boolean, loadMs: number): void {
    this.sched.after(loadMs / 2, () => {
      this.seek(position);
      if (play) this.play();
    });
  }

  stall(ms: number): void {
    this.settle();
    this.stallUntil = this.sched.now + ms;
    this.emit('waiting');
    this.emit('playing', ms);
  }

  showAd(ms: number): void {
    this.settle();
    this.ad = true;
    this.emit('ad-start');
    this.sched.after(ms, () => {
      this.settle();
      this.ad = false;
      this.listener('ad-end');
    });
  }

  private checkEnded(): void {
    if (!this.ended && !this.paused && this.position() >= this.traits.duration) {
      this.settle();
      this.paused = true;
      this.ended = true;
      this.emit('pause');
      this.emit('ended');
    }
  }

  /**
   * A requestVideoFrameCallback sample for the frame shown at true time `t` (or, for a player
   * without frame callbacks, a coarse currentTime reading), or null when none is shown.
   */
  frame(t: number, toLocal: (t: number) => number): FrameSample | null {
    this.checkEnded();
    if (!this.advancing(t)) return null;
    const coarse = this.traits.coarseJitterS;
    if (coarse !== undefined) return { mediaTime: this.position(t) + this.rng.normal(coarse), displayTime: toLocal(t), coarse: true };
    const late = this.rng.chance(0.01) ? 0.02 : 0; // an occasional late callback
    return { mediaTime: this.position(t) + this.rng.normal(this.traits.frameJitterS) - late, displayTime: toLocal(t) };
  }
}
