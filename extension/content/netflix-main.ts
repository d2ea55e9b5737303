/**
 * Runs in netflix.com's MAIN world (manifest content_scripts "world": "MAIN", document_start):
 * carries out the Netflix adapter's commands through the page's own player API, because touching
 * the <video> (currentTime, play()) from outside breaks playback with error M7375. Positions in ms.
 * Protocol: netflix-bridge.ts. It answers on one channel only: the one the content script of this
 * frame opened before the page's scripts ran (the first hello), with that hello's nonce. It only
 * plays, pauses and seeks the player when asked; it never sends anything unasked.
 */
import { COMMAND_EVENT, decodeCommand, decodeHello, HELLO_EVENT, READY_EVENT, REPLY_EVENT, toJson } from './netflix-bridge';
import type { BridgeCommand, BridgeReply } from './netflix-bridge';

// As they are now, at document_start: the page's scripts may replace them later.
const listen = EventTarget.prototype.addEventListener;
const dispatch = EventTarget.prototype.dispatchEvent;
const Custom = CustomEvent;
const ElementType = Element;

interface NetflixSessionPlayer {
  seek(ms: number): void;
  play(): void;
  pause(): void;
  getCurrentTime(): number;
}

interface NetflixGlobal {
  appContext?: {
    state?: {
      playerApp?: {
        getAPI?: () => {
          videoPlayer?: {
            getAllPlayerSessionIds?: () => string[];
            getVideoPlayerBySessionId?: (id: string) => NetflixSessionPlayer | null | undefined;
          };
        };
      };
    };
  };
}

function sessionPlayer(): NetflixSessionPlayer | null {
  const videoPlayer = (window as unknown as { netflix?: NetflixGlobal }).netflix?.appContext?.state?.playerApp?.getAPI?.().videoPlayer;
  const ids = videoPlayer?.getAllPlayerSessionIds?.() ?? [];
  // The watch session's id starts with 'watch'; previews on the browse page have others.
  const id = ids.find((s) => s.startsWith('watch')) ?? ids.at(-1);
  return id === undefined ? null : (videoPlayer?.getVideoPlayerBySessionId?.(id) ?? null);
}

function run(command: BridgeCommand): BridgeReply {
  const reply = { nonce: command.nonce, id: command.id };
  const player = sessionPlayer();
  if (player === null) return { ...reply, ok: false, error: 'no Netflix player session on this page' };
  try {
    if (command.op === 'seek') player.seek(Math.round(command.ms ?? 0));
    else if (command.op === 'play') player.play();
    else player.pause();
    return { ...reply, ok: true };
  } catch (err) {
    return { ...reply, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

let channel: { node: EventTarget; nonce: string } | null = null;

function answer(node: EventTarget, reply: BridgeReply): void {
  dispatch.call(node, new Custom(REPLY_EVENT, { detail: toJson(reply) }));
}

listen.call(document, HELLO_EVENT, (event: Event) => {
  if (channel !== null) return; // one channel a document: later hellos are the page's
  const hello = decodeHello((event as CustomEvent<unknown>).detail);
  const node = event.target;
  if (hello === null || !(node instanceof ElementType)) return;
  const open = { node, nonce: hello.nonce };
  channel = open;
  listen.call(node, COMMAND_EVENT, (e: Event) => {
    const command = decodeCommand((e as CustomEvent<unknown>).detail);
    if (command === null || command.nonce !== open.nonce) return;
    answer(node, run(command));
  });
  answer(node, { nonce: open.nonce, id: 0, ok: true });
});

// For a content script that ran before this one: open the channel now (still before the page's scripts).
dispatch.call(document, new Custom(READY_EVENT));
