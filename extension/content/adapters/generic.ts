/**
 * The HTML5 adapter: drives a <video> element directly. Most sites need nothing else; a site
 * adapter spreads this one and overrides only what differs.
 */
import { clampRate } from '../../../relay/contract/protocol';
import type { FrameSample, PlayerEvent, PlayerSnapshot } from '../../core/player';
import { isShown } from '../video-metrics';
import type { MediaInfo, PlayerAdapter } from './types';

const HAVE_METADATA = 1;
const HAVE_CURRENT_DATA = 2;
/** A page restores its position and resumes within this of a new source's metadata (ms). */
const METADATA_GRACE_MS = 1000;
const HAVE_FUTURE_DATA = 3;
const MEDIA_EVENTS = [
  'play',
  'pause',
  'seeking',
  'seeked',
  'ratechange',
  'waiting',
  'playing',
  'ended',
] as const satisfies readonly PlayerEvent[];

/** Listeners of one adapter; `emit` fans an event out to them. */
export function createEmitter(): { subscribe(cb: (e: PlayerEvent) => void): () => void; emit(e: PlayerEvent): void } {
  const listeners = new Set<(e: PlayerEvent) => void>();
  return {
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    emit(e) {
      for (const cb of [...listeners]) cb(e);
    },
  };
}

/** `loading`: the element has shown no frame of its current source yet (see PlayerSnapshot.loading). */
export function readVideo(video: HTMLVideoElement, loading = false): PlayerSnapshot {
  return {
    paused: video.paused,
    position: video.currentTime,
    rate: video.playbackRate,
    duration: Number.isFinite(video.duration) ? video.duration : null,
    buffering: !video.paused && !video.ended && video.readyState < HAVE_FUTURE_DATA,
    seeking: video.seeking,
    ad: false,
    ended: video.ended,
    attached: isShown(video),
    // HAVE_NOTHING: a new load has just begun (the load algorithm resets readyState before 'loadstart').
    loading: video.readyState === 0 || (loading && video.readyState < HAVE_CURRENT_DATA),
  };
}

/** Without a painted frame for this long while playing, positions are read from currentTime. */
const FRAMELESS_AFTER_MS = 300;
/** How often currentTime is read then (a background tab's timers run at most once a second anyway). */
const COARSE_EVERY_MS = 100;

/**
 * Position samples until unsubscribed or aborted: requestVideoFrameCallback's (media time, display
 * time) for every painted frame; where the browser lacks it (Firefox before 132), or while no frame
 * is painted (a background tab), coarse samples from currentTime on a timer and on 'timeupdate'.
 */
export function frameSamples(video: HTMLVideoElement, signal: AbortSignal, cb: (s: FrameSample) => void): () => void {
  const hasFrames = typeof video.requestVideoFrameCallback === 'function';
  let handle = 0;
  let active = true;
  let lastFrameAt = -Infinity;
  const onFrame = (_now: number, meta: VideoFrameCallbackMetadata): void => {
    if (!active || signal.aborted) return;
    lastFrameAt = performance.now();
    cb({ mediaTime: meta.mediaTime, displayTime: meta.expectedDisplayTime });
    handle = video.requestVideoFrameCallback(onFrame);
  };
  if (hasFrames) handle = video.requestVideoFrameCallback(onFrame);
  const coarse = (): void => {
    const now = performance.now();
    if (!active || signal.aborted || video.paused || video.seeking || video.readyState < HAVE_FUTURE_DATA) return;
    if (hasFrames && now - lastFrameAt < FRAMELESS_AFTER_MS) return;
    cb({ mediaTime: video.currentTime, displayTime: now, coarse: true });
  };
  const timer = setInterval(coarse, COARSE_EVERY_MS);
  video.addEventListener('timeupdate', coarse, { signal });
  const stop = (): void => {
    active = false;
    clearInterval(timer);
    video.removeEventListener('timeupdate', coarse);
    if (hasFrames) video.cancelVideoFrameCallback(handle);
  };
  signal.addEventListener('abort', stop, { once: true });
  return stop;
}

export function pageMedia(video: HTMLVideoElement, url = location.href): MediaInfo {
  // A frame without a URL of its own (about:blank, srcdoc, filled by its page) has no title
  // either: '' lets the background name the video after the tab, not "about:blank".
  const fallback = /^https?:/.test(url) ? url : '';
  return { url, title: document.title.trim() || fallback, duration: Number.isFinite(video.duration) ? video.duration : null };
}

export function createGenericAdapter(video: HTMLVideoElement, owner: AbortSignal, id = 'generic'): PlayerAdapter {
  // dispose() ends this adapter's listeners; the owner's abort ends them too.
  const own = new AbortController();
  const signal = AbortSignal.any([owner, own.signal]);
  const emitter = createEmitter();
  for (const type of MEDIA_EVENTS) video.addEventListener(type, () => emitter.emit(type), { signal });
  // A new source in the same element (next episode, SPA navigation, quality switch): 'loadstart'
  // with another currentSrc. Until its first frame the element is loading: see PlayerSnapshot.loading.
  // Loading ends with the first frame, or METADATA_GRACE_MS after the metadata (a paused element
  // with preload=metadata may show no frame until played).
  let source = video.currentSrc || video.src;
  let loading = video.readyState < HAVE_CURRENT_DATA;
  let grace: ReturnType<typeof setTimeout> | undefined;
  const loaded = (): void => {
    clearTimeout(grace);
    loading = false;
  };
  const metadataIn = (): void => {
    clearTimeout(grace);
    if (loading) grace = setTimeout(loaded, METADATA_GRACE_MS);
  };
  if (video.readyState >= HAVE_METADATA) metadataIn();
  signal.addEventListener('abort', () => clearTimeout(grace), { once: true });
  video.addEventListener(
    'loadstart',
    () => {
      clearTimeout(grace);
      loading = true;
      const now = video.currentSrc || video.src;
      if (now !== source && source !== '') emitter.emit('media-change');
      source = now;
    },
    { signal },
  );
  video.addEventListener('loadedmetadata', metadataIn, { signal });
  for (const type of ['loadeddata', 'canplay'] as const) video.addEventListener(type, loaded, { signal });
  video.preservesPitch = true;

  return {
    id,
    read: () => readVideo(video, loading),
    play: () => video.play(),
    pause: () => video.pause(),
    seek: (position) => {
      video.currentTime = Math.max(0, position);
    },
    setRate: (rate) => {
      video.preservesPitch = true;
      video.playbackRate = clampRate(rate);
    },
    media: () => pageMedia(video),
    subscribe: emitter.subscribe,
    onFrame: (cb) => frameSamples(video, signal, cb),
    dispose: () => own.abort(),
  };
}
