/**
 * The room panel (panel.html): an extension page the tab's top-frame content script embeds beside
 * the video (content/embeds/panel-host.ts). The page cannot read or click into it: it is another
 * origin. Everything shown comes from the background over a port (PanelView, pushed on every
 * change); chat and reactions go to the background with runtime messages, which the background
 * pins to this page's own tab (`sender.tab`). This file only wires the page to both.
 */
import browser from 'webextension-polyfill';
import { REACTIONS } from '../../relay/contract/protocol';
import { log } from '../log';
import { PANEL_PORT, type PanelMode, type PanelView } from '../messages';
import { renderMembers } from '../popup/members-list';
import { connectionText } from '../popup/view-model';
import type { FeedEntry } from '../room-feed';
import { byId, h } from '../ui/dom';
import { sendFromPanel as send } from '../ui/send';
import { renderLog } from './chat-log';
import { chatCounter, chatProblem, logLine, pillText, refusalText } from './view-model';

const el = {
  pill: byId('pill', HTMLButtonElement),
  pillMembers: byId('pill-members', HTMLSpanElement),
  pillUnread: byId('pill-unread', HTMLSpanElement),
  heading: byId('heading', HTMLDivElement),
  lock: byId('room-lock', HTMLSpanElement),
  connection: byId('connection', HTMLParagraphElement),
  connectionText: byId('connection-text', HTMLSpanElement),
  collapse: byId('collapse', HTMLButtonElement),
  hide: byId('hide', HTMLButtonElement),
  main: byId('main', HTMLElement),
  notInRoom: byId('not-in-room', HTMLParagraphElement),
  notice: byId('room-notice', HTMLParagraphElement),
  members: byId('members', HTMLUListElement),
  log: byId('log', HTMLDivElement),
  reactions: byId('reactions', HTMLDivElement),
  composer: byId('composer', HTMLFormElement),
  message: byId('message', HTMLTextAreaElement),
  counter: byId('counter', HTMLSpanElement),
  error: byId('chat-error', HTMLParagraphElement),
};

/** The draft outlives a reload of this frame (an iframe moved into a fullscreen player may reload). */
const DRAFT_KEY = 'lockstep-draft';
const WAIT_TICK_MS = 1000;

let view: PanelView | null = null;
let entries: FeedEntry[] = [];
let waitTicker: ReturnType<typeof setInterval> | null = null;
let reportedVisible: boolean | null = null;

function showError(text: string | null): void {
  el.error.hidden = text === null;
  el.error.textContent = text ?? '';
}

function renderFeed(): void {
  const now = Date.now();
  const lines = entries.map((e) => logLine(e, now));
  renderLog(el.log, lines);
  const live = lines.some((l) => l.live);
  if (live && waitTicker === null) waitTicker = setInterval(renderFeed, WAIT_TICK_MS);
  if (!live && waitTicker !== null) {
    clearInterval(waitTicker);
    waitTicker = null;
  }
}

function render(next: PanelView): void {
  view = next;
  document.body.dataset.mode = next.mode;
  const collapsed = next.mode === 'collapsed';
  el.pill.hidden = !collapsed;
  el.heading.hidden = collapsed;
  el.collapse.hidden = collapsed;
  el.main.hidden = collapsed;

  const pill = pillText(next.room, next.unread);
  el.pillMembers.textContent = pill.members;
  el.pillUnread.hidden = pill.unread === null;
  el.pillUnread.textContent = pill.unread ?? '';
  el.pill.title = pill.label;

  const conn = connectionText(next.connection);
  el.connection.dataset.tone = conn.tone;
  el.connectionText.textContent = next.room === null ? 'Not in a room' : conn.text;
  el.notInRoom.hidden = next.room !== null;
  el.lock.hidden = next.room?.private !== true;
  el.notice.hidden = next.notice === null;
  el.notice.textContent = next.notice ?? '';
  if (next.room === null) el.members.replaceChildren();
  else renderMembers(el.members, next.room, (memberId) => void send('transferHost', { memberId }));

  if (next.feed !== null) {
    entries = next.feed.entries;
    renderFeed();
  }
  reportVisibility();
}

/** Tells the background whether this panel can be seen: messages arriving meanwhile are read. */
function reportVisibility(force = false): void {
  const visible = view?.mode === 'open' && document.visibilityState === 'visible';
  if (!force && visible === reportedVisible) return;
  reportedVisible = visible;
  void send('panelVisible', { visible });
}

function setMode(mode: PanelMode): void {
  void send('setPanelMode', { mode }).then((r) => {
    if (!r.ok) showError(r.message);
  });
}

function updateCounter(): void {
  const counter = chatCounter(el.message.value);
  el.counter.textContent = counter.text;
  el.counter.dataset.over = String(counter.over);
  el.message.setAttribute('aria-invalid', String(counter.over));
  try {
    sessionStorage.setItem(DRAFT_KEY, el.message.value);
  } catch (err) {
    log.debug('the draft is not kept across reloads', err);
  }
}

let sending = false;
async function sendMessage(): Promise<void> {
  const text = el.message.value;
  if (sending || text.trim() === '') return;
  const problem = chatProblem(text);
  if (problem !== null) return showError(problem);
  sending = true;
  try {
    const r = await send('sendChat', { text: text.trim() });
    if (!r.ok) return showError(refusalText(r, 'chat'));
    showError(null);
    // Only what was sent is cleared: a person may have typed on meanwhile.
    el.message.value = el.message.value === text ? '' : el.message.value;
    updateCounter();
  } finally {
    sending = false;
  }
}

function wire(): void {
  el.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    void sendMessage();
  });
  el.message.addEventListener('keydown', (event) => {
    // Enter sends, Shift+Enter is a new line; Enter that ends an IME composition is not a send.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    void sendMessage();
  });
  el.message.addEventListener('input', () => {
    updateCounter();
    if (!el.error.hidden && chatProblem(el.message.value) === null) showError(null);
  });
  for (const emoji of REACTIONS) {
    const button = h('button', { type: 'button', class: 'reaction', 'aria-label': `React ${emoji}`, title: `React ${emoji}` }, emoji);
    button.addEventListener('click', () => {
      void send('sendReaction', { emoji }).then((r) => showError(r.ok ? null : refusalText(r, 'reaction')));
    });
    el.reactions.append(button);
  }
  el.collapse.addEventListener('click', () => setMode('collapsed'));
  el.pill.addEventListener('click', () => setMode('open'));
  el.hide.addEventListener('click', () => setMode('hidden'));
  document.addEventListener('visibilitychange', () => reportVisibility());
}

/**
 * Receives the panel's view over a port. The port drops when the worker stops (MV3) or the event
 * page unloads (Firefox): it is opened again after a short pause, which also wakes the background.
 */
function connect(): void {
  const port = browser.runtime.connect({ name: PANEL_PORT });
  let first = true;
  port.onMessage.addListener((message: unknown) => {
    if (typeof message !== 'object' || message === null || !('mode' in message)) return;
    render(message as PanelView);
    // A new port starts unseen in the background: say where this panel stands.
    if (first) reportVisibility(true);
    first = false;
  });
  port.onDisconnect.addListener(() => setTimeout(connect, 500));
}

function main(): void {
  wire();
  try {
    el.message.value = sessionStorage.getItem(DRAFT_KEY) ?? '';
  } catch (err) {
    log.debug('no draft to restore', err);
  }
  updateCounter();
  connect();
}

main();
