/**
 * Background entry (MV3 service worker in Chrome, event page in Firefox): wiring only.
 * Listeners are registered synchronously at top level so a stopped worker is woken by them;
 * each waits for `ready`, the state restored from storage.session, before acting.
 */
import browser from 'webextension-polyfill';
import type { ContentToBackground, PanelToBackground, PopupToBackground, PromptToBackground } from '../messages';
import { log } from '../log';
import { LocalError, PANEL_PORT, POPUP_PORT_PREFIX, PROMPT_PORT, REACTIONS_PORT, TOGGLE_PANEL_COMMAND } from '../messages';
import { onSettingsChanged } from '../settings';
import { contentHandlers } from './content-handlers';
import { failure } from './errors';
import { panelHandlers } from './panel-handlers';
import { popupHandlers } from './popup-handlers';
import { promptHandlers } from './prompt-handlers';
import { Registry } from './registry';
import { classifySender, isEnvelope } from './senders';

const registry = new Registry();
const ready = registry.restore().catch((err: unknown) => log.error('could not restore rooms', err));
const fromPopup = popupHandlers(registry);
const fromContent = contentHandlers(registry);
const fromPanel = panelHandlers(registry);
const fromPrompt = promptHandlers(registry);
const extensionOrigin = browser.runtime.getURL('');

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  if (!isEnvelope(message)) return undefined; // not ours
  const from = classifySender(sender, extensionOrigin);
  return ready.then(async () => {
    if (from.kind === 'extension' && Object.hasOwn(fromPopup, message.type)) {
      const handler = fromPopup[message.type as keyof PopupToBackground] as (p: unknown, c: typeof from) => Promise<unknown>;
      return handler(message.payload, from);
    }
    if (from.kind === 'content' && Object.hasOwn(fromContent, message.type)) {
      const handler = fromContent[message.type as keyof ContentToBackground] as (p: unknown, c: typeof from) => Promise<unknown>;
      return handler(message.payload, from);
    }
    if (from.kind === 'embedded' && from.page === 'panel.html' && Object.hasOwn(fromPanel, message.type)) {
      const handler = fromPanel[message.type as keyof PanelToBackground] as (p: unknown, c: typeof from) => Promise<unknown>;
      return handler(message.payload, from);
    }
    // Only the prompt page answers prompts: a content script (which the page can drive) never does.
    if (from.kind === 'embedded' && from.page === 'prompt.html' && Object.hasOwn(fromPrompt, message.type)) {
      const handler = fromPrompt[message.type as keyof PromptToBackground] as (p: unknown, c: typeof from) => Promise<unknown>;
      return handler(message.payload, from);
    }
    return failure(from.kind === 'unknown' ? LocalError.Forbidden : LocalError.InvalidInput);
  });
});

browser.runtime.onConnect.addListener((port) => {
  const from = classifySender(port.sender ?? {}, extensionOrigin);
  // The panel and the overlay act for the tab they are embedded in: the one the browser names as the sender's.
  if (from.kind === 'embedded') {
    if (port.name === PANEL_PORT && from.page === 'panel.html') void ready.then(() => registry.panelOpened(from.tabId, from.frameId, port));
    else if (port.name === REACTIONS_PORT && from.page === 'reactions.html')
      void ready.then(() => registry.overlayOpened(from.tabId, port));
    else if (port.name === PROMPT_PORT && from.page === 'prompt.html') void ready.then(() => registry.prompts.opened(from.tabId, port));
    else port.disconnect();
    return;
  }
  if (!port.name.startsWith(POPUP_PORT_PREFIX) || from.kind !== 'extension') return;
  const tabId = Number(port.name.slice(POPUP_PORT_PREFIX.length));
  if (!Number.isInteger(tabId)) return port.disconnect();
  void ready.then(() => registry.popupOpened(tabId, port));
});

browser.commands.onCommand.addListener((command, tab) => {
  if (command !== TOGGLE_PANEL_COMMAND) return;
  void ready.then(async () => {
    // Chrome and Firefox 126+ pass the tab the shortcut was pressed in; else the active one.
    const id = tab?.id ?? (await browser.tabs.query({ active: true, currentWindow: true }))[0]?.id;
    if (id !== undefined && id >= 0) registry.togglePanel(id);
  });
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
