/**
 * The one interface every site adapter implements. The generic HTML5 adapter serves most
 * sites; a site adapter overrides only what differs (see adapters/index.ts for the registry).
 * What an adapter reports (snapshots, events, frame samples) is the sync core's vocabulary.
 */
import type { FrameSample, PlayerEvent, PlayerSnapshot } from '../../core/player';

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
