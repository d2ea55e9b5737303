/**
 * The content script's typed line to the background worker, and the inbound message handlers.
 * A reloaded or removed extension leaves its content scripts running with a dead runtime
 * ("Extension context invalidated"): every send then throws. `send` turns that into a call of
 * `onInvalidated` (the frame tears itself down) and a failed result, never an unhandled error.
 */
import browser from 'webextension-polyfill';
import { ErrorCode } from '../../relay/contract/protocol';
import type { BackgroundToContent, ContentToBackground, Envelope, ExtResult } from '../messages';
import { log } from '../log';

type Response<K extends keyof ContentToBackground> = ContentToBackground[K]['response'];
export type ContentSend = <K extends keyof ContentToBackground>(
  type: K,
  payload: ContentToBackground[K]['payload'],
) => Promise<Response<K>>;

/** True when the extension this script belongs to was reloaded, updated or removed. */
export function contextInvalidated(err?: unknown): boolean {
  if (err instanceof Error && /context invalidated|Extension context/i.test(err.message)) return true;
  try {
    return browser.runtime.id === undefined;
  } catch (inner) {
    // Reading runtime.id itself throws in some Chrome versions once the context is gone.
    return inner instanceof Error;
  }
}

export function createSender(onInvalidated: () => void): ContentSend {
  let dead = false;
  return async (type, payload) => {
    if (dead || contextInvalidated()) {
      if (!dead) {
        dead = true;
        onInvalidated();
      }
      return gone(type);
    }
    try {
      const answer = (await browser.runtime.sendMessage({ type, payload })) as Response<typeof type> | undefined;
      return answer ?? noAnswer(type, 'no answer');
    } catch (err: unknown) {
      if (contextInvalidated(err)) {
        dead = true;
        onInvalidated();
        return gone(type);
      }
      return noAnswer(type, err instanceof Error ? err.message : String(err));
    }
  };
}

function gone<K extends keyof ContentToBackground>(type: K): Response<K> {
  return { ok: false, error: ErrorCode.Internal, message: `Lockstep was reloaded or removed; "${type}" not sent.` } as Response<K>;
}

function noAnswer<K extends keyof ContentToBackground>(type: K, why: string): Response<K> {
  const result: ExtResult<never> = {
    ok: false,
    error: ErrorCode.Internal,
    message: `Lockstep's background did not take "${type}" (${why}).`,
  };
  return result as Response<K>;
}

export type ContentHandlers = { [K in keyof BackgroundToContent]: (payload: BackgroundToContent[K]['payload']) => void };

/** Every message the background sends a frame (a Record, so a new one in messages.ts does not compile without its line). */
const TYPES_SET: Record<keyof BackgroundToContent, true> = {
  sync: true,
  timeline: true,
  reconnected: true,
  report: true,
  panel: true,
  prompt: true,
  reactions: true,
};
const TYPES = Object.keys(TYPES_SET) as ReadonlyArray<keyof BackgroundToContent>;

/** Narrows an unknown message to one of ours; anything else is left to other listeners. */
export function isBackgroundMessage(message: unknown): message is Envelope<BackgroundToContent> {
  if (typeof message !== 'object' || message === null) return false;
  const type = (message as { type?: unknown }).type;
  return typeof type === 'string' && (TYPES as readonly string[]).includes(type) && 'payload' in message;
}

/**
 * Listens for the background's messages until `signal` aborts. Answers `null` to each (Chrome
 * rejects the sender's promise when no listener answers, and the background would take that for
 * a frame that is gone).
 */
export function listenToBackground(handlers: ContentHandlers, signal: AbortSignal): void {
  const listener = (message: unknown): Promise<null> | undefined => {
    if (signal.aborted || !isBackgroundMessage(message)) return undefined;
    const handler = handlers[message.type] as (payload: unknown) => void;
    handler(message.payload);
    return Promise.resolve(null);
  };
  browser.runtime.onMessage.addListener(listener);
  signal.addEventListener(
    'abort',
    () => {
      try {
        browser.runtime.onMessage.removeListener(listener);
      } catch (err) {
        // The runtime is already gone (context invalidated): the listener died with it.
        log.debug('removing the message listener failed:', err);
      }
    },
    { once: true },
  );
}
