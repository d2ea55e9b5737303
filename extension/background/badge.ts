/**
 * The toolbar badge of a tab: empty outside a room; in a room, how many members are present,
 * green while connected to the relay, red when it cannot be reached, orange in between.
 */
import browser from 'webextension-polyfill';
import type { Member } from '../../relay/contract/protocol';
import type { ConnectionStatus } from '../messages';
import { log } from '../log';

export interface Badge {
  text: string;
  /** null: the colour is left as it is (no badge to colour). */
  color: string | null;
}

export function badgeFor(room: { members: readonly Member[]; status: ConnectionStatus } | null): Badge {
  if (room === null) return { text: '', color: null };
  const present = room.members.filter((m) => m.connected).length;
  const color = room.status === 'connected' ? '#2e7d32' : room.status === 'unreachable' ? '#c62828' : '#ef6c00';
  return { text: String(present), color };
}

export async function showBadge(tabId: number, badge: Badge): Promise<void> {
  try {
    await browser.action.setBadgeText({ tabId, text: badge.text });
    if (badge.color !== null) await browser.action.setBadgeBackgroundColor({ tabId, color: badge.color });
  } catch (err) {
    log.debug('badge not updated (tab gone?)', err);
  }
}
