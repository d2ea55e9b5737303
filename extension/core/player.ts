/**
 * The player as the sync core sees it: what it shows, its events, its position samples. The
 * content script's adapters (content/adapters/types.ts) produce these; the core only reads them,
 * so it needs neither the DOM nor an adapter.
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
