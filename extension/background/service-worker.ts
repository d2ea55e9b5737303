/**
 * Background entry (MV3 service worker in Chrome, event page in Firefox): wiring only.
 * Listeners are registered synchronously at top level so a stopped worker is woken by them;
 * each waits for `ready`, the state restored from storage.session, before acting.
 */
import browser from 'webextension-polyfill';
import type { ContentToBackground, PopupToBackground } from '../messages';
import { log } from '../log';
import { LocalError, POPUP_PORT_PREFIX } from '../messages';
import { onSettingsChanged } from '../settings';
import { contentHandlers } from './content-handlers';
import { failure } from './errors';
import { popupHandlers } from './popup-handlers';
import { Registry } from './registry';
import { classifySender, isEnvelope } from './senders';

const registry = new Registry();
const ready = registry.restore().catch((err: unknown) => log.error('could not restore rooms', err));
const fromPopup = popupHandlers(registry);
const fromContent = contentHandlers(registry);
const extensionOrigin = browser.runtime.getURL('');

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  if (!isEnvelope(message)) return undefined; // not ours
  const from = classifySender(sender, extensionOrigin);
  return ready.then(async () => {
    if (from.kind === 'extension' && message.type in fromPopup) {
      const handler = fromPopup[message.type as keyof PopupToBackground] as (p: unknown, c: typeof from) => Promise<unknown>;
      return handler(message.payload, from);
    }
    if (from.kind === 'content' && message.type in fromContent) {
      const handler = fromContent[message.type as keyof ContentToBackground] as (p: unknown, c: typeof from) => Promise<unknown>;
      return handler(message.payload, from);
    }
    return failure(from.kind === 'unknown' ? LocalError.Forbidden : LocalError.InvalidInput);
  });
});

browser.runtime.onConnect.addListener((port) => {
  if (!port.name.startsWith(POPUP_PORT_PREFIX) || classifySender(port.sender ?? {}, extensionOrigin).kind !== 'extension') return;
  const tabId = Number(port.name.slice(POPUP_PORT_PREFIX.length));
  if (!Number.isInteger(tabId)) return port.disconnect();
  void ready.then(() => registry.popupOpened(tabId, port));
});

browser.tabs.onUpdated.addListener((tabId, change) => {
  if (change.url === undefined && change.status !== 'loading') return;
  // Only the event's own URL is the new page's: Firefox sends a navigation's 'loading' before its
  // URL change, and `tabs.get` still gives the old page's URL then (a reload changes no URL).
  void ready.then(() => registry.navigated(tabId, change.url ?? null, change.status === 'loading'));
});

browser.tabs.onRemoved.addListener((tabId) => {
  void ready.then(async () => {
    await registry.drop(tabId, true);
    registry.forgetTab(tabId);
  });
});

onSettingsChanged(() => void ready.then(() => registry.settingsChanged()));
