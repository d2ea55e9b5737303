import { LIMITS } from '../../relay/contract/protocol';

/** Whether two URLs show the same video page (ignoring fragments, where invites travel). */
export function sameVideoPage(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname === y.pathname && x.search === y.search;
  } catch {
    return false; // an unparsable URL is not the page we want to be on
  }
}

/** The URL when it is an http(s) page without credentials (`https://site.example@evil.example/` is not), else null. */
export function webPage(url: string): URL | null {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '' ? u : null;
  } catch {
    return null; // not a URL at all: nothing to open
  }
}

/** The host a URL goes to, as a person should read it (the title a room gives a video can say anything). */
export function hostOf(url: string): string {
  return webPage(url)?.host ?? url.slice(0, 100);
}

export type Follow = 'stay' | 'open' | 'ask' | 'refuse';

/**
 * What to do when the room's video is `mediaUrl` and the tab shows `tabUrl`: stay (already there),
 * open it, ask the page first, or refuse (not a web page; or it must be asked about and no frame
 * can ask). Only http(s) pages are ever opened, and a video on another site than the tab's is
 * always asked about, whatever the room's policy: a room (or its relay) must not send a tab
 * anywhere unasked.
 */
export function followDecision(tabUrl: string | undefined, mediaUrl: string, askPolicy: boolean, canAsk: boolean): Follow {
  const target = webPage(mediaUrl);
  if (target === null) return 'refuse';
  if (tabUrl !== undefined && sameVideoPage(tabUrl, mediaUrl)) return 'stay';
  const current = tabUrl === undefined ? null : webPage(tabUrl);
  if (!askPolicy && current !== null && current.origin === target.origin) return 'open';
  return canAsk ? 'ask' : 'refuse';
}

/** A room video's title: the first candidate that is not empty, cut to the protocol's limit. */
export function mediaTitle(...candidates: Array<string | undefined>): string {
  return (candidates.find((c) => c !== undefined && c !== '') ?? '').slice(0, LIMITS.titleMaxLength);
}
