/**
 * A tab following its room to the room's video (the controller opened another one, or the room
 * moved on while this member was away): open it in the tab, have the page ask first, or refuse.
 * The rules are pages.ts followDecision; the other way round (this tab brings the room to the
 * video it shows) is content-handlers.ts announceMedia.
 */
import browser from 'webextension-polyfill';
import type { Media } from '../../relay/contract/protocol';
import { log } from '../log';
import { followDecision } from './pages';

/** The tab's page, as far as following needs it. */
export interface FollowingPage {
  /** Whether a frame of the tab can ask the person (one owns the tab's video); read once the tab is known. */
  canAsk(): boolean;
  /** Has that frame ask the person whether to open the room's video. */
  ask(media: Media): void;
}

export async function followRoomVideo(tabId: number, media: Media, askPolicy: boolean, page: FollowingPage): Promise<void> {
  const tab = await browser.tabs.get(tabId).catch(() => null);
  if (tab === null) return;
  const decision = followDecision(tab.url, media.url, askPolicy, page.canAsk());
  if (decision === 'open') await browser.tabs.update(tabId, { url: media.url });
  else if (decision === 'ask') page.ask(media);
  else if (decision === 'refuse') log.info("not opening the room's video unasked", media.url.slice(0, 100));
}
