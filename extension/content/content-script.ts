/**
 * Content script entry (every frame, document_start): wiring only.
 * - takes an invite out of the URL before the page reads it, and hands it to the background;
 * - runs the frame session (video finder, owner-frame sync) until the page goes away or the
 *   extension context is invalidated (reload/update/removal), then tears everything down;
 * - places the extension's own iframes: the room panel (top frame only) and, in the frame that
 *   owns the video, the reactions overlay (content/embeds/).
 */
import browser from 'webextension-polyfill';
import { adapterFor } from './adapters/index';
import { largestIframe, PanelHost } from './embeds/panel-host';
import { ReactionsHost } from './embeds/reactions-host';
import { takeInvite } from './invite-landing';
import { createSender } from './messaging';
import { askToUseRelay, showToast } from './page-ui';
import { startFrameSession } from './frame-session';

const life = new AbortController();
const send = createSender(() => life.abort());

function whenBody(run: () => void): void {
  if (document.body) run();
  else document.addEventListener('DOMContentLoaded', run, { once: true, signal: life.signal });
}

/** Hands the invite to the background; asks in the page first when it names a relay not chosen yet. */
async function land(invite: string, confirmedRelay?: string): Promise<void> {
  const r = await send('inviteLanding', { invite, ...(confirmedRelay === undefined ? {} : { confirmedRelay }) });
  if (life.signal.aborted) return;
  if (!r.ok) return whenBody(() => showToast(document, 'could not join the room', r.message, life.signal));
  if (r.data.kind !== 'confirm-relay') return;
  const { relayUrl } = r.data;
  whenBody(() => {
    void askToUseRelay(document, relayUrl, life.signal).then((yes) => {
      if (yes) void land(invite, relayUrl);
    });
  });
}

const invite = takeInvite(window);
if (invite !== null) void land(invite);

let session: AbortController | null = null;
function start(): void {
  session?.abort();
  session = new AbortController();
  const signal = AbortSignal.any([life.signal, session.signal]);
  // How the tab's panel shows (it outlives this document) is asked below; a change told meanwhile is newer.
  let told = false;
  const reactions = new ReactionsHost({ doc: document, src: browser.runtime.getURL('reactions.html'), signal });
  // The panel goes beside the page's video: the top frame's own, or the player iframe it plays in.
  const panel =
    window.top === window
      ? new PanelHost({
          doc: document,
          src: browser.runtime.getURL('panel.html'),
          videoElement: () => frame.finder.current()?.video ?? largestIframe(document),
          signal,
        })
      : null;
  const frame = startFrameSession({
    win: window,
    factory: adapterFor(location.href),
    send,
    signal,
    onReactions: (video) => reactions.wake(video),
    ...(panel === null ? {} : { onPanelMode: (mode) => ((told = true), panel.show(mode)) }),
  });
  if (panel !== null)
    void send('panelMode', null).then((r) => {
      if (r.ok && !signal.aborted && !told) panel.show(r.data);
    });
}

start();
// Leaving the page (or entering the back/forward cache) ends the session; coming back from the
// cache starts a new one.
window.addEventListener('pagehide', () => session?.abort(), { signal: life.signal });
window.addEventListener(
  'pageshow',
  (event) => {
    if (event.persisted) start();
  },
  { signal: life.signal },
);
