/**
 * The one interface every site adapter implements. The generic HTML5 adapter serves most
 * sites; a site adapter overrides only what differs (see adapters/index.ts for the registry).
 */

/** What the player shows now. Positions in seconds. */
export interface PlayerSnapshot {
  paused: boolean;
  position: number;
  rate: number;
  /** Seconds, or null while unknown (live streams, metadata not loaded). */
  duration: number | null;
  /** Waiting for data (readyState < HAVE_FUTURE_DATA while meant to play). */
  buffering: boolean;
  /**
   * A seek is under way. Set the moment the position is set, while the 'seeking' event that says
   * so is still queued: a snapshot can show a user's seek before the event does.
   */
  seeking: boolean;
  /** An ad is showing instead of the content. */
  ad: boolean;
  ended: boolean;
}

/**
 * A position sample: `mediaTime` (s) was on screen at `displayTime` (performance.now() ms).
 * Precise from requestVideoFrameCallback; `coarse` when read from `currentTime` instead (a browser
 * without frame callbacks, or a background tab that paints no frames), which jitters by tens of ms.
 */
export interface FrameSample {
  mediaTime: number;
  displayTime: number;
  coarse?: boolean;
}

export type PlayerEvent =
  | 'play'
  | 'pause'
  | 'seeking'
  | 'seeked'
  | 'ratechange'
  | 'waiting'
  | 'playing'
  | 'ended'
  | 'ad-start'
  | 'ad-end'
  /** The element now plays other media (src changed, next episode, SPA navigation). */
  | 'media-change';

export interface MediaInfo {
  url: string;
  title: string;
  duration: number | null;
}

export interface PlayerAdapter {
  readonly id: string;
  read(): PlayerSnapshot;
  /** Resolves when playback has started; rejects with the browser's reason (autoplay policy, ...). */
  play(): Promise<void>;
  pause(): void;
  seek(position: number): void;
  /** Rate in [0.25, 2]; pitch is preserved. */
  setRate(rate: number): void;
  /** What is being watched, for the room's media and invite links. */
  media(): MediaInfo;
  /** Player events; returns an unsubscribe function. */
  subscribe(cb: (event: PlayerEvent) => void): () => void;
  /**
   * Position samples: frame-accurate (requestVideoFrameCallback) where frames are painted, else
   * coarse ones read from currentTime; returns an unsubscribe.
   */
  onFrame(cb: (sample: FrameSample) => void): () => void;
  dispose(): void;
}

export interface AdapterFactory {
  id: string;
  /** Match patterns (manifest syntax) of the pages this adapter is for. */
  matches: readonly string[];
  create(video: HTMLVideoElement, signal: AbortSignal): PlayerAdapter;
}

/** Optional per-site rules beside AdapterFactory (additive). */
export interface AdapterFactory {
  /** Which of a page's videos may be the main one (Prime: blob: sources that are not hidden). */
  accepts?: (video: HTMLVideoElement) => boolean;
}
