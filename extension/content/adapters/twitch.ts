/**
 * Twitch: only VODs (/videos/ID) have a timeline to share. A live stream has no stable position
 * (duration is infinite, seeking jumps to the live edge), so a live page offers no room video
 * (`accepts`), and should the page turn live under an adapter (SPA navigation), seek() does
 * nothing and duration reads as unknown.
 */
import { createGenericAdapter } from './generic';
import type { AdapterFactory, PlayerAdapter } from './types';

export function isTwitchVod(href: string): boolean {
  return /^\/videos\/\d+/.test(new URL(href).pathname);
}

export function createTwitchAdapter(video: HTMLVideoElement, signal: AbortSignal): PlayerAdapter {
  const base = createGenericAdapter(video, signal, 'twitch');
  return {
    ...base,
    read: () => (isTwitchVod(location.href) ? base.read() : { ...base.read(), duration: null }),
    seek: (position) => {
      if (isTwitchVod(location.href)) base.seek(position);
    },
  };
}

export const twitch: AdapterFactory = {
  id: 'twitch',
  matches: ['*://*.twitch.tv/*'],
  accepts: () => isTwitchVod(location.href),
  create: createTwitchAdapter,
};
