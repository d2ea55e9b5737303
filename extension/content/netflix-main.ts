/**
 * Runs in netflix.com's MAIN world (manifest content_scripts "world": "MAIN"): carries out the
 * Netflix adapter's commands through the page's own player API, because touching the <video>
 * (currentTime, play()) from outside breaks playback with error M7375. Positions in ms.
 * Protocol: netflix-bridge.ts. Answers only the first nonce it hears: the content script of this
 * frame, whose adapters all use that nonce (adapters/netflix.ts).
 */
import { COMMAND_EVENT, decodeCommand, REPLY_EVENT, type BridgeCommand, type BridgeReply } from './netflix-bridge';

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
  if (command.op === 'hello') return { ...reply, ok: true };
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

let nonce: string | null = null;
document.addEventListener(COMMAND_EVENT, (event) => {
  const command = decodeCommand((event as CustomEvent<unknown>).detail);
  if (command === null) return;
  nonce ??= command.nonce;
  if (command.nonce !== nonce) return;
  document.dispatchEvent(new CustomEvent(REPLY_EVENT, { detail: JSON.stringify(run(command)) }));
});
