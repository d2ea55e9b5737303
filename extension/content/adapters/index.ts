/**
 * The adapter registry: the first factory whose `matches` fit the frame's URL wins; the generic
 * HTML5 adapter is last and matches everything.
 */
import { matchesUrl } from '../match-pattern';
import { crunchyroll } from './crunchyroll';
import { disney } from './disney';
import { createGenericAdapter } from './generic';
import { netflix } from './netflix';
import { prime } from './prime';
import type { AdapterFactory } from './types';
import { twitch } from './twitch';
import { vimeo } from './vimeo';
import { youtube } from './youtube';

export const generic: AdapterFactory = {
  id: 'generic',
  matches: ['<all_urls>'],
  create: (video, signal) => createGenericAdapter(video, signal),
};

export const ADAPTERS: readonly AdapterFactory[] = [youtube, netflix, crunchyroll, disney, prime, twitch, vimeo, generic];

export function adapterFor(href: string): AdapterFactory {
  return ADAPTERS.find((a) => a.matches.some((m) => matchesUrl(m, href))) ?? generic;
}
