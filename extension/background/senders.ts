/** Who sent a message: an extension page (popup, options), a content script in a tab's frame, or neither. */
import type browser from 'webextension-polyfill';

export type SenderContext =
  | { kind: 'extension'; tabId: number | null; frameId: number | null }
  | { kind: 'content'; tabId: number; frameId: number }
  | { kind: 'unknown'; tabId: null; frameId: null };

export function classifySender(sender: browser.Runtime.MessageSender, extensionOrigin: string): SenderContext {
  // Extension pages run on our own origin (also when the popup is opened in a tab with ?tab=).
  if (sender.url !== undefined && sender.url.startsWith(extensionOrigin))
    return { kind: 'extension', tabId: sender.tab?.id ?? null, frameId: sender.frameId ?? null };
  if (sender.tab?.id !== undefined && sender.tab.id >= 0 && sender.frameId !== undefined)
    return { kind: 'content', tabId: sender.tab.id, frameId: sender.frameId };
  return { kind: 'unknown', tabId: null, frameId: null };
}

export function isEnvelope(message: unknown): message is { type: string; payload: unknown } {
  return (
    typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string' && 'payload' in message
  );
}
