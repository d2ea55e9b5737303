/**
 * Netflix: never set video.currentTime or call video.play() (the player fails with error M7375).
 * play/pause/seek go to the page's player API through netflix-main.ts in the MAIN world (in ms);
 * reading the element and setting playbackRate are harmless and stay local.
 */
import { COMMAND_EVENT, decodeReply, randomNonce, REPLY_EVENT, type BridgeOp } from '../netflix-bridge';
import { createGenericAdapter } from './generic';
import type { AdapterFactory, PlayerAdapter } from './types';
import { log } from '../../log';

const REPLY_TIMEOUT_MS = 2000;

/**
 * One nonce and one command numbering per frame, shared by every adapter this frame creates:
 * netflix-main.ts answers only the first nonce it hears, and a frame makes a new adapter for each
 * new <video> (the next episode, browse page → watch page), which must still be answered.
 */
const FRAME_NONCE = randomNonce();
let nextId = 1;

export interface NetflixBridge {
  send(op: BridgeOp, ms?: number): Promise<void>;
}

/** The isolated-world end of the bridge: the frame's nonce, numbered commands, replies matched by id. */
export function createNetflixBridge(signal: AbortSignal, nonce = FRAME_NONCE): NetflixBridge {
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  document.addEventListener(
    REPLY_EVENT,
    (event) => {
      const reply = decodeReply((event as CustomEvent<unknown>).detail);
      if (reply === null || reply.nonce !== nonce) return;
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.ok) waiter?.resolve();
      else waiter?.reject(new Error(`Netflix player: ${reply.error ?? 'refused'}`));
    },
    { signal },
  );
  signal.addEventListener(
    'abort',
    () => {
      for (const waiter of pending.values()) waiter.reject(new Error('Netflix adapter disposed'));
      pending.clear();
    },
    { once: true },
  );
  const send = (op: BridgeOp, ms?: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(new Error('Netflix adapter disposed'));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`Netflix page script did not answer '${op}' (is netflix-main.js injected?)`));
      }, REPLY_TIMEOUT_MS);
      pending.set(id, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      document.dispatchEvent(
        new CustomEvent(COMMAND_EVENT, { detail: JSON.stringify({ nonce, id, op, ...(ms === undefined ? {} : { ms }) }) }),
      );
    });
  void send('hello').catch((err: unknown) => log.warn('the Netflix bridge did not answer hello:', err));
  return { send };
}

export function createNetflixAdapter(video: HTMLVideoElement, owner: AbortSignal): PlayerAdapter {
  const own = new AbortController();
  const signal = AbortSignal.any([owner, own.signal]);
  const base = createGenericAdapter(video, signal, 'netflix');
  const bridge = createNetflixBridge(signal);
  const report =
    (op: string) =>
    (err: unknown): void =>
      log.warn(`Netflix ${op} failed:`, err);
  return {
    ...base,
    play: () => bridge.send('play'),
    pause: () => void bridge.send('pause').catch(report('pause')),
    seek: (position) => void bridge.send('seek', Math.max(0, position) * 1000).catch(report('seek')),
    dispose: () => own.abort(),
  };
}

export const netflix: AdapterFactory = {
  id: 'netflix',
  matches: ['*://*.netflix.com/*'],
  create: createNetflixAdapter,
};
