/**
 * Crunchyroll: the page (www.crunchyroll.com) holds no video; the player runs in a cross-origin
 * iframe (static.crunchyroll.com) where this content script also runs (all_frames). Inside the
 * iframe the element behaves as plain HTML5; only what is being watched comes from the top
 * page, which the iframe knows through its referrer. The top frame finds no video and so never
 * claims the room's video.
 */
import { createGenericAdapter, pageMedia } from './generic';
import type { AdapterFactory, PlayerAdapter } from './types';

export function createCrunchyrollAdapter(video: HTMLVideoElement, signal: AbortSignal): PlayerAdapter {
  const base = createGenericAdapter(video, signal, 'crunchyroll');
  const inPlayerFrame = window.top !== window && document.referrer !== '';
  return {
    ...base,
    media: () => pageMedia(video, inPlayerFrame ? document.referrer : location.href),
  };
}

export const crunchyroll: AdapterFactory = {
  id: 'crunchyroll',
  matches: ['*://*.crunchyroll.com/*'],
  create: createCrunchyrollAdapter,
};
