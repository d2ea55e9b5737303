/** Which tab the popup acts on, and its live line to the background for that tab's TabState. */
import browser from 'webextension-polyfill';
import { POPUP_PORT_PREFIX, type TabState } from '../messages';

/** `?tab=<id>` (tests, the popup in its own window), else the active tab; null when there is none. */
export async function resolveTabId(search: string): Promise<number | null> {
  const param = new URLSearchParams(search).get('tab');
  if (param !== null) return /^\d+$/.test(param) ? Number(param) : null;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? null;
}

export function isTabState(data: unknown): data is TabState {
  return typeof data === 'object' && data !== null && 'tabId' in data && 'connection' in data && 'room' in data;
}

/**
 * Calls `onState` with every TabState the background pushes for `tabId`. The port drops when the
 * worker stops (MV3) or the event page unloads (Firefox); it is opened again after a short pause
 * (which also wakes the background), and `onReconnect` lets the caller fetch the state it missed.
 */
export function listenToTab(tabId: number, onState: (state: TabState) => void, onReconnect: () => void): void {
  const port = browser.runtime.connect({ name: POPUP_PORT_PREFIX + tabId });
  port.onMessage.addListener((message: unknown) => {
    if (isTabState(message) && message.tabId === tabId) onState(message);
  });
  port.onDisconnect.addListener(() => {
    setTimeout(() => {
      listenToTab(tabId, onState, onReconnect);
      onReconnect();
    }, 500);
  });
}
