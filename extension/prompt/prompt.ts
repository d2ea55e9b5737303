/**
 * The prompt page (prompt.html): an extension page the tab's top-frame content script puts at the
 * top of the page (content/embeds/prompt-host.ts) while the background has a question or a notice
 * for the tab. The page cannot read it (another origin, in a closed shadow root) nor click it (a
 * page's synthetic events do not cross into another origin's document; the buttons take trusted
 * clicks and keys only). What it shows comes from the background over a port; the answer goes back
 * as the prompt's id and yes or no (`answerPrompt`), which the background takes from this page only.
 *
 * Against a page timing a click for us (moving the prompt under the person's pointer, or showing
 * it just as they click elsewhere), the buttons wake up ARM_MS after the prompt shows and the tab
 * is visible; where the browser can tell (IntersectionObserver v2, Chromium) they stay asleep
 * while the page covers the prompt.
 */
import browser from 'webextension-polyfill';
import { log } from '../log';
import { PROMPT_PORT, type PromptMessage, type PromptToBackground, type PromptView } from '../messages';
import { byId, h } from '../ui/dom';
import { messenger } from '../ui/send';
import { promptText } from './prompt-text';

/** Long enough that a click already on its way when the prompt appeared lands on a sleeping button. */
const ARM_MS = 500;
/** A notice closes itself after this long. */
const NOTICE_MS = 8000;

const send = messenger<PromptToBackground>();
const el = {
  card: byId('card', HTMLDivElement),
  title: byId('title', HTMLHeadingElement),
  body: byId('body', HTMLParagraphElement),
  where: byId('where', HTMLParagraphElement),
  accept: byId('accept', HTMLButtonElement),
  decline: byId('decline', HTMLButtonElement),
};

let shown: PromptView | null = null;
let armTimer: ReturnType<typeof setTimeout> | null = null;
let noticeTimer: ReturnType<typeof setTimeout> | null = null;
let armed = false;
/** False while the browser says something of the page's covers the prompt (IntersectionObserver v2). */
let unobstructed = true;

function setArmed(value: boolean): void {
  armed = value;
  el.accept.disabled = el.decline.disabled = !(armed && unobstructed);
}

function arm(): void {
  if (armTimer !== null) clearTimeout(armTimer);
  setArmed(false);
  if (document.visibilityState !== 'visible' || shown === null) return;
  armTimer = setTimeout(() => setArmed(true), ARM_MS);
}

function render(view: PromptView | null): void {
  if (noticeTimer !== null) clearTimeout(noticeTimer);
  noticeTimer = null;
  shown = view;
  el.card.hidden = view === null;
  if (view === null) return;
  const text = promptText(view);
  el.title.textContent = text.title;
  el.body.replaceChildren(...text.body.map((part) => (part.code ? h('span', { class: 'code' }, part.text) : part.text)));
  el.where.hidden = text.where === null;
  el.where.textContent = text.where ?? '';
  if (text.where !== null) el.where.title = text.where;
  el.accept.textContent = text.accept;
  el.decline.hidden = text.decline === null;
  el.decline.textContent = text.decline ?? '';
  arm();
  if (view.kind === 'notice') noticeTimer = setTimeout(() => void answer(view.id, false), NOTICE_MS);
}

async function answer(id: string, accept: boolean): Promise<void> {
  setArmed(false);
  const r = await send('answerPrompt', { id, accept });
  if (r.ok) return;
  log.info(`the answer was not taken: ${r.message}`);
  // Whatever the background shows next comes over the port; until then the person may try again.
  if (shown?.id === id) arm();
}

/** Only a person's own click or key press in this page answers. */
function onPress(accept: boolean) {
  return (event: MouseEvent): void => {
    if (!event.isTrusted || !armed || !unobstructed || shown === null) return;
    void answer(shown.id, accept);
  };
}
el.accept.addEventListener('click', onPress(true));
el.decline.addEventListener('click', onPress(false));
document.addEventListener('visibilitychange', arm);

function isPromptMessage(m: unknown): m is PromptMessage {
  return typeof m === 'object' && m !== null && 'prompt' in m;
}

function connect(): void {
  const port = browser.runtime.connect({ name: PROMPT_PORT });
  port.onMessage.addListener((message: unknown) => {
    if (isPromptMessage(message)) render(message.prompt);
  });
  port.onDisconnect.addListener(() => setTimeout(connect, 500));
}

/** IntersectionObserver v2 where there is one: is the card drawn, unobstructed, as it is? */
function watchOcclusion(): void {
  const Entry = (globalThis as { IntersectionObserverEntry?: { prototype: object } }).IntersectionObserverEntry;
  if (Entry === undefined || !('isVisible' in Entry.prototype)) return;
  const options = { threshold: [1], trackVisibility: true, delay: 100 } as IntersectionObserverInit;
  new IntersectionObserver((entries) => {
    const last = entries.at(-1) as (IntersectionObserverEntry & { isVisible?: boolean }) | undefined;
    if (last?.isVisible === undefined) return;
    unobstructed = last.isVisible;
    setArmed(armed);
  }, options).observe(el.card);
}

watchOcclusion();
connect();
