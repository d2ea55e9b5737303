/**
 * Who sent a message: an extension page (popup, options), one of the extension's pages embedded in
 * a tab (the room panel, the reactions overlay, the prompt), a content script in a tab's frame, or neither.
 */
import type browser from 'webextension-polyfill';

/** The extension pages a content script embeds in a tab; they act for that tab only (`sender.tab`). */
export const EMBEDDED_PAGES = ['panel.html', 'reactions.html', 'prompt.html'] as const;
export type EmbeddedPage = (typeof EMBEDDED_PAGES)[number];

export type SenderContext =
  | { kind: 'extension'; tabId: number | null; frameId: number | null }
  | { kind: 'embedded'; page: EmbeddedPage; tabId: number; frameId: number }
  | { kind: 'content'; tabId: number; frameId: number }
  | { kind: 'unknown'; tabId: null; frameId: null };

export function classifySender(sender: browser.Runtime.MessageSender, extensionOrigin: string): SenderContext {
  const tabId = sender.tab?.id;
  // Extension pages run on our own origin (also when the popup is opened in a tab with ?tab=).
  if (sender.url !== undefined && sender.url.startsWith(extensionOrigin)) {
    const path = sender.url.slice(extensionOrigin.length).split(/[?#]/)[0];
    const page = EMBEDDED_PAGES.find((p) => p === path);
    // Embedded pages live in a subframe of a web page's tab (Chrome's frameId 0 is the tab's top frame).
    if (page !== undefined && tabId !== undefined && tabId >= 0 && sender.frameId !== undefined && sender.frameId !== 0)
      return { kind: 'embedded', page, tabId, frameId: sender.frameId };
    return { kind: 'extension', tabId: tabId ?? null, frameId: sender.frameId ?? null };
  }
  if (tabId !== undefined && tabId >= 0 && sender.frameId !== undefined) return { kind: 'content', tabId, frameId: sender.frameId };
  return { kind: 'unknown', tabId: null, frameId: null };
}

export function isEnvelope(message: unknown): message is { type: string; payload: unknown } {
  return (
    typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string' && 'payload' in message
  );
}
