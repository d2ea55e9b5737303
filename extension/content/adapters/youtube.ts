/**
 * YouTube: a single-page app. Opening another video keeps the SAME <video> element (new blob: src,
 * then 'yt-navigate-finish' on document), so "media changed" comes from navigation, not from the
 * element; ads play in that same element while the player container (.html5-video-player) carries
 * the 'ad-showing' class.
 */
import { createEmitter, createGenericAdapter, pageMedia } from './generic';
import type { AdapterFactory, PlayerAdapter } from './types';

const PLAYER_SELECTOR = '.html5-video-player';
const AD_CLASS = 'ad-showing';

/** The watched video's id (?v=, /shorts/ID, /live/ID, /embed/ID), or the path when none. */
export function youtubeVideoId(href: string): string {
  const url = new URL(href);
  return url.searchParams.get('v') ?? /^\/(?:shorts|live|embed)\/([^/?#]+)/.exec(url.pathname)?.[1] ?? url.pathname;
}

export function createYoutubeAdapter(video: HTMLVideoElement, owner: AbortSignal): PlayerAdapter {
  const own = new AbortController();
  const signal = AbortSignal.any([owner, own.signal]);
  const base = createGenericAdapter(video, signal, 'youtube');
  const emitter = createEmitter();
  const container = video.closest(PLAYER_SELECTOR);
  const inAd = (): boolean => container?.classList.contains(AD_CLASS) ?? false;
  let ad = inAd();
  let videoId = youtubeVideoId(location.href);

  // The element's own src changes (ads, quality switches) are not a new video here.
  base.subscribe((event) => {
    if (event !== 'media-change') emitter.emit(event);
  });
  if (container) {
    const observer = new MutationObserver(() => {
      if (inAd() === ad) return;
      ad = inAd();
      emitter.emit(ad ? 'ad-start' : 'ad-end');
    });
    observer.observe(container, { attributes: true, attributeFilter: ['class'] });
    signal.addEventListener('abort', () => observer.disconnect(), { once: true });
  }
  const onNavigate = (): void => {
    const now = youtubeVideoId(location.href);
    if (now === videoId) return;
    videoId = now;
    emitter.emit('media-change');
  };
  document.addEventListener('yt-navigate-finish', onNavigate, { signal });
  window.addEventListener('popstate', onNavigate, { signal });

  return {
    ...base,
    read: () => ({ ...base.read(), ad: inAd() }),
    media: () => {
      const url = new URL(location.href);
      url.searchParams.delete('t');
      return pageMedia(video, url.toString());
    },
    subscribe: emitter.subscribe,
    dispose: () => own.abort(),
  };
}

export const youtube: AdapterFactory = {
  id: 'youtube',
  matches: ['*://*.youtube.com/*', '*://*.youtube-nocookie.com/*'],
  create: createYoutubeAdapter,
};
