/**
 * Prime Video: a page carries several <video> elements (hover previews, a hidden one left from
 * the last title, ad players); the watched one plays a blob: (MSE) source and is not hidden, so
 * the finder is given `accepts`. Ads show while the web player's ad timer is on screen.
 */
import { createGenericAdapter } from './generic';
import type { AdapterFactory, PlayerAdapter } from './types';

/** Ad countdown of Prime's web player SDK (class as seen in 2024). */
const AD_SELECTOR = '.atvwebplayersdk-ad-timer-text';

export function primeAccepts(video: HTMLVideoElement): boolean {
  const src = video.currentSrc || video.src;
  if (!src.startsWith('blob:')) return false;
  const style = getComputedStyle(video);
  return style.display !== 'none' && style.visibility !== 'hidden';
}

export function createPrimeAdapter(video: HTMLVideoElement, signal: AbortSignal): PlayerAdapter {
  const base = createGenericAdapter(video, signal, 'prime');
  const inAd = (): boolean => {
    const timer = document.querySelector(AD_SELECTOR);
    return timer !== null && (timer.textContent ?? '').trim() !== '';
  };
  return { ...base, read: () => ({ ...base.read(), ad: inAd() }) };
}

export const prime: AdapterFactory = {
  id: 'prime',
  matches: ['*://*.primevideo.com/*', '*://*.amazon.com/*', '*://*.amazon.co.uk/*', '*://*.amazon.de/*'],
  accepts: primeAccepts,
  create: createPrimeAdapter,
};
