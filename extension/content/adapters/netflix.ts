/**
 * Netflix: never set video.currentTime or call video.play() (the player fails with error M7375).
 * play/pause/seek go to the page's player API through netflix-main.ts in the MAIN world (in ms);
 * reading the element and setting playbackRate are harmless and stay local.
 */
import { COMMAND_EVENT, decodeReply, HELLO_EVENT, randomNonce, READY_EVENT, REPLY_EVENT, toJson, type BridgeOp } from '../netflix-bridge';
import { createGenericAdapter } from './generic';
import type { AdapterFactory, PlayerAdapter } from './types';
import { log } from '../../log';

const REPLY_TIMEOUT_MS = 2000;
/** The hello at document_start and one when the MAIN script announces itself; more are a page's forged READY_EVENTs. */
const MAX_HELLOS = 2;

/**
 * One channel per frame (netflix-bridge.ts), shared by every adapter this frame creates: a frame
 * makes a new adapter for each new <video> (the next episode, browse page → watch page), and the
 * MAIN side answers on the first channel only.
 */
interface Channel {
  nonce: string;
  /** The detached element commands and replies travel on; null until the MAIN side answered the hello. */
  node: Element | null;
  nextId: number;
  /** Settles command `id`'s promise with its reply; the bridge's adapters register here. */
  readonly waiting: Map<number, (ok: boolean, error?: string) => void>;
}

let frameChannel: Channel | null = null;

/**
 * Opens the frame's channel to netflix-main.ts. Call at document_start, before the page's scripts
 * (content-script.ts does, on Netflix pages): the hello goes out at once, and again when the MAIN
 * script announces itself, until the MAIN side answered; nothing the page dispatches later opens it.
 */
export function openNetflixChannel(doc: Document, nonce = randomNonce()): Channel {
  if (frameChannel !== null) return frameChannel;
  const channel: Channel = { nonce, node: null, nextId: 1, waiting: new Map() };
  frameChannel = channel;
  let hellos = 0;
  const hello = (): void => {
    if (channel.node !== null || hellos >= MAX_HELLOS) return;
    hellos++;
    const node = doc.createElement('lockstep-netflix');
    node.addEventListener(REPLY_EVENT, (event) => {
      const reply = decodeReply((event as CustomEvent<unknown>).detail);
      if (reply === null || reply.nonce !== channel.nonce) return;
      if (reply.id === 0) {
        if (channel.node === null) channel.node = node; // the MAIN side took this hello
        doc.removeEventListener(READY_EVENT, hello);
        return;
      }
      const settle = channel.waiting.get(reply.id);
      channel.waiting.delete(reply.id);
      settle?.(reply.ok, reply.error);
    });
    // In the document only for the moment of the hello (the MAIN side reads it as the event's target).
    (doc.documentElement ?? doc).appendChild(node);
    node.dispatchEvent(new CustomEvent(HELLO_EVENT, { bubbles: true, detail: toJson({ nonce: channel.nonce }) }));
    node.remove();
  };
  doc.addEventListener(READY_EVENT, hello);
  hello();
  return channel;
}

export interface NetflixBridge {
  send(op: BridgeOp, ms?: number): Promise<void>;
}

/** The isolated-world end of the bridge for one adapter: numbered commands on the frame's channel, replies matched by id. */
export function createNetflixBridge(signal: AbortSignal, channel: Channel = openNetflixChannel(document)): NetflixBridge {
  const mine = new Map<number, (e: Error) => void>();
  signal.addEventListener(
    'abort',
    () => {
      for (const [id, reject] of mine) {
        channel.waiting.delete(id);
        reject(new Error('Netflix adapter disposed'));
      }
      mine.clear();
    },
    { once: true },
  );
  const send = (op: BridgeOp, ms?: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new Error('Netflix adapter disposed'));
      const node = channel.node;
      if (node === null) return reject(new Error(`Netflix page script is not connected; '${op}' not sent (is netflix-main.js injected?)`));
      const id = channel.nextId++;
      const done = (): void => {
        clearTimeout(timer);
        channel.waiting.delete(id);
        mine.delete(id);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Netflix page script did not answer '${op}'`));
      }, REPLY_TIMEOUT_MS);
      mine.set(id, (e) => (done(), reject(e)));
      channel.waiting.set(id, (ok, error) => {
        done();
        if (ok) resolve();
        else reject(new Error(`Netflix player: ${error ?? 'refused'}`));
      });
      // Not bubbling, on an element outside the document: the page hears nothing of it.
      node.dispatchEvent(
        new CustomEvent(COMMAND_EVENT, { detail: toJson({ nonce: channel.nonce, id, op, ...(ms === undefined ? {} : { ms }) }) }),
      );
    });
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
