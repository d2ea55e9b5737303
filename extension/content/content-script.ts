/**
 * Content script entry (every frame, document_start): wiring only.
 * - takes an invite out of the URL before the page reads it, and hands it to the background;
 * - runs the frame session (video finder, owner-frame sync) until the page goes away or the
 *   extension context is invalidated (reload/update/removal), then tears everything down;
 * - places the extension's own iframes: the room panel and the prompt (top frame only) and, in the
 *   frame that owns the video, the reactions overlay (content/embeds/).
 * Nothing here asks the person anything or shows anything of the room in the page's DOM, and
 * nothing here navigates: questions are the prompt page's, following the room the background's.
 */
import browser from 'webextension-polyfill';
import { adapterFor } from './adapters/index';
import { openNetflixChannel } from './adapters/netflix';
import { largestIframe, PanelHost } from './embeds/panel-host';
import { PromptHost } from './embeds/prompt-host';
import { ReactionsHost } from './embeds/reactions-host';
import { takeInvite } from './invite-landing';
import { createSender } from './messaging';
import { startFrameSession } from './frame-session';
import { log } from '../log';

const life = new AbortController();
// Now, at document_start, before the page's scripts can listen (netflix-bridge.ts).
if (adapterFor(location.href).id === 'netflix') openNetflixChannel(document);
const send = createSender(() => life.abort());

// The background asks the person in the tab's prompt before joining anything (and says there why not).
const invite = takeInvite(window);
if (invite !== null)
  void send('inviteLanding', { invite }).then((r) => {
    if (!r.ok) log.info(`the invite was not taken: ${r.message}`);
  });

let session: AbortController | null = null;
function start(): void {
  session?.abort();
  session = new AbortController();
  const signal = AbortSignal.any([life.signal, session.signal]);
  // How the tab's panel shows and whether it has a prompt (both outlive this document) are asked
  // below; a change told meanwhile is newer.
  let told = false;
  let toldPrompt = false;
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
  const prompt = window.top === window ? new PromptHost({ doc: document, src: browser.runtime.getURL('prompt.html'), signal }) : null;
  const frame = startFrameSession({
    win: window,
    factory: adapterFor(location.href),
    send,
    signal,
    onReactions: (video) => reactions.wake(video),
    ...(panel === null ? {} : { onPanelMode: (mode) => ((told = true), panel.show(mode)) }),
    ...(prompt === null ? {} : { onPrompt: (shown) => ((toldPrompt = true), prompt.show(shown)) }),
  });
  if (panel !== null)
    void send('panelMode', null).then((r) => {
      if (r.ok && !signal.aborted && !told) panel.show(r.data);
    });
  if (prompt !== null)
    void send('promptShown', null).then((r) => {
      if (r.ok && !signal.aborted && !toldPrompt) prompt.show(r.data);
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
