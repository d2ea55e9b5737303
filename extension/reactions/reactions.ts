/**
 * The reactions overlay (reactions.html): an extension page the owner frame's content script puts
 * over the video for a moment (content/embeds/reactions-host.ts), pointer-events none. Which
 * reaction to float, and whose, comes from the background over a port: never through the page,
 * which only ever sees an empty iframe come and go.
 */
import browser from 'webextension-polyfill';
import { REACTIONS_PORT, type FloatingReaction, type OverlayMessage } from '../messages';
import { h } from '../ui/dom';
import { safeColor } from '../panel/view-model';

/** The float animation's length (reactions.css), and how many float at once at most. */
const FLOAT_MS = 2000;
const MAX_FLOATING = 24;

const stage = document.getElementById('stage') as HTMLDivElement;
const shown = new Set<string>();

function float(r: FloatingReaction): void {
  if (shown.has(r.id)) return; // a reconnect may send one again
  shown.add(r.id);
  while (stage.childElementCount >= MAX_FLOATING) stage.firstElementChild?.remove();
  const who = h('span', { class: 'who' }, r.name);
  who.style.background = `${safeColor(r.color)}cc`;
  const el = h('div', { class: 'float' }, h('span', { class: 'emoji' }, r.emoji), who);
  // Spread across the middle of the picture, away from the player's edges.
  el.style.left = `${15 + Math.random() * 70}%`;
  stage.append(el);
  setTimeout(() => {
    el.remove();
    shown.delete(r.id);
  }, FLOAT_MS + 100);
}

function isOverlayMessage(m: unknown): m is OverlayMessage {
  return typeof m === 'object' && m !== null && Array.isArray((m as { reactions?: unknown }).reactions);
}

function connect(): void {
  const port = browser.runtime.connect({ name: REACTIONS_PORT });
  port.onMessage.addListener((message: unknown) => {
    if (isOverlayMessage(message)) for (const r of message.reactions) float(r);
  });
  port.onDisconnect.addListener(() => setTimeout(connect, 500));
}

connect();
