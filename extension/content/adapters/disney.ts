/**
 * Disney+: the <video> sits inside the open shadow root of the <disney-web-player> element (the
 * finder walks shadow roots), and document.title stays "Disney+" while the episode's name is only
 * in the player's title overlay, so media() reads the overlay.
 */
import { createGenericAdapter, pageMedia } from './generic';
import type { AdapterFactory, PlayerAdapter } from './types';

/** Title overlay of the Disney+ web player (class names as seen in 2024; falls back to document.title). */
const TITLE_SELECTORS = ['.title-field', '[data-testid="title-field"]'];

export function createDisneyAdapter(video: HTMLVideoElement, signal: AbortSignal): PlayerAdapter {
  const base = createGenericAdapter(video, signal, 'disney');
  return {
    ...base,
    media: () => {
      const info = pageMedia(video);
      const overlay = TITLE_SELECTORS.map((s) => document.querySelector(s)?.textContent?.trim()).find((t) => t);
      return overlay ? { ...info, title: overlay } : info;
    },
  };
}

export const disney: AdapterFactory = {
  id: 'disney',
  matches: ['*://*.disneyplus.com/*'],
  create: createDisneyAdapter,
};
