/**
 * The toolbar badge of a tab: empty outside a room; in a room, how many members are present,
 * green while connected to the relay, red when it cannot be reached, orange in between. Chat the
 * person has not seen (the room panel closed, collapsed or out of sight) takes its place: the
 * unread count on blue, until it is read; the title says both.
 */
import browser from 'webextension-polyfill';
import type { Member } from '../../relay/contract/protocol';
import type { ConnectionStatus } from '../messages';
import { log } from '../log';

export interface Badge {
  text: string;
  /** null: the colour is left as it is (no badge to colour). */
  color: string | null;
  /** The toolbar button's tooltip. */
  title: string;
}

export const UNREAD_COLOR = '#1565c0';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

export function badgeFor(room: { members: readonly Member[]; status: ConnectionStatus; unread?: number } | null): Badge {
  if (room === null) return { text: '', color: null, title: 'Lockstep' };
  const present = room.members.filter((m) => m.connected).length;
  const unread = room.unread ?? 0;
  const members = plural(present, 'member', 'members');
  if (unread > 0)
    return {
      text: unread > 99 ? '99+' : String(unread),
      color: UNREAD_COLOR,
      title: `Lockstep: ${plural(unread, 'unread message', 'unread messages')}, ${members}`,
    };
  const color = room.status === 'connected' ? '#2e7d32' : room.status === 'unreachable' ? '#c62828' : '#ef6c00';
  return { text: String(present), color, title: `Lockstep: ${members}` };
}

export async function showBadge(tabId: number, badge: Badge): Promise<void> {
  try {
    await browser.action.setBadgeText({ tabId, text: badge.text });
    await browser.action.setTitle({ tabId, title: badge.title });
    if (badge.color !== null) await browser.action.setBadgeBackgroundColor({ tabId, color: badge.color });
  } catch (err) {
    log.debug('badge not updated (tab gone?)', err);
  }
}
