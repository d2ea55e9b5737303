/**
 * Vimeo: on other sites the player is a cross-origin iframe (player.vimeo.com/video/ID); the
 * content script runs inside it, and what is being watched is the embedding page (its referrer),
 * or the vimeo.com page itself.
 */
import { createGenericAdapter, pageMedia } from './generic';
import type { AdapterFactory, PlayerAdapter } from './types';

export function createVimeoAdapter(video: HTMLVideoElement, signal: AbortSignal): PlayerAdapter {
  const base = createGenericAdapter(video, signal, 'vimeo');
  const embedded = location.hostname === 'player.vimeo.com' && window.top !== window && document.referrer !== '';
  return { ...base, media: () => pageMedia(video, embedded ? document.referrer : location.href) };
}

export const vimeo: AdapterFactory = {
  id: 'vimeo',
  matches: ['*://*.vimeo.com/*'],
  create: createVimeoAdapter,
};
