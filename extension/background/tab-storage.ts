/**
 * What must outlive the worker (MV3 stops it when idle): each tab's frame reports, its owner frame,
 * its room seat (with the room's log), its room panel and its prompt, in storage.session under `tab:<id>`. A restarted worker reads them back with
 * storedTabs(); entries of tabs closed meanwhile are removed as they are found.
 */
import browser from 'webextension-polyfill';
import type { VideoReport } from '../messages';
import type { StoredPanel } from './panels';
import type { Pending } from './prompts';
import type { PersistedRoom } from './tab-room';

export interface StoredTab {
  frames: Array<[number, VideoReport]>;
  owner: number | null;
  room: PersistedRoom | null;
  /** How the room panel shows in the tab, and its unread count (absent: stored before the panel). */
  panel?: StoredPanel | null;
  /** The question or notice the tab's prompt shows (absent: none, or stored before prompts). */
  prompt?: Pending | null;
}

const KEY_PREFIX = 'tab:';

export async function storeTab(tabId: number, tab: StoredTab): Promise<void> {
  await browser.storage.session.set({ [KEY_PREFIX + tabId]: tab });
}

export async function removeStoredTab(tabId: number): Promise<void> {
  await browser.storage.session.remove(KEY_PREFIX + tabId);
}

/** The stored tabs whose tab is still open, one at a time (each tab is checked as it comes). */
export async function* storedTabs(): AsyncGenerator<{ tabId: number; tab: StoredTab }> {
  const stored = await browser.storage.session.get(null);
  for (const [key, value] of Object.entries(stored)) {
    if (!key.startsWith(KEY_PREFIX)) continue;
    const tabId = Number(key.slice(KEY_PREFIX.length));
    const tab = value as StoredTab;
    const exists = await browser.tabs.get(tabId).then(
      () => true,
      () => false,
    );
    if (!exists || !Array.isArray(tab.frames)) {
      await browser.storage.session.remove(key);
      continue;
    }
    yield { tabId, tab };
  }
}
