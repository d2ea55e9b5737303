/**
 * What the core knows of a player: its state read at a moment, its events and its frame samples.
 * Content adapters (extension/content/adapters) produce these; the core only reads them.
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
  /**
   * The element is in the document and shown. A detached or hidden element (removed, moved to a
   * miniplayer, swapped out for a preloaded twin) is not what a person is watching: its events
   * (the pause the browser makes on removal) are the page's life cycle, never the user's.
   */
  attached: boolean;
  /**
   * The element is loading a source and has shown no frame of it yet (from 'loadstart' until
   * HAVE_CURRENT_DATA): what happens now (the page restoring its position, resuming) is the page's.
   */
  loading: boolean;
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
