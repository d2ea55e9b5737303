/**
 * The room panel's iframe in the tab's top frame: shown, collapsed to a pill or removed as the
 * background says (`panel` messages; the mode is the tab's, kept in the background, so it survives
 * reloads and SPA navigations), and kept beside or over the page's video (placement.ts). This
 * module holds no chat and no names: it sizes and places a frame whose content it cannot see.
 *
 * Cost while shown: one placement check a second (a few getBoundingClientRect calls), and one on
 * each resize, scroll (coalesced to a frame) and fullscreen change; nothing while hidden.
 */
import type { PanelMode } from '../../messages';
import { EmbedFrame } from './embed-frame';
import { panelBox, pillBox, type Box } from './placement';

const TICK_MS = 1000;

export interface PanelHostOptions {
  doc: Document;
  /** The extension page's address (runtime.getURL('panel.html')). */
  src: string;
  /** The element the video plays in, in this document: the video itself, or a player iframe. */
  videoElement: () => Element | null;
  signal: AbortSignal;
}

export class PanelHost {
  private frame: EmbedFrame | null = null;
  private mode: PanelMode = 'hidden';
  private tick: ReturnType<typeof setInterval> | null = null;
  private scheduled = false;
  private listening: AbortController | null = null;

  constructor(private readonly options: PanelHostOptions) {
    options.signal.addEventListener('abort', () => this.show('hidden'), { once: true });
  }

  show(mode: PanelMode): void {
    if (this.options.signal.aborted) mode = 'hidden';
    this.mode = mode;
    if (mode === 'hidden') {
      this.frame?.remove();
      this.frame = null;
      this.stop();
      return;
    }
    this.frame ??= new EmbedFrame(this.options.doc, {
      src: this.options.src,
      title: 'Lockstep room panel',
      pointerEvents: 'auto',
      colorScheme: 'dark',
    });
    this.start();
    this.place();
  }

  /** Whether the panel's frame is on the page now (for tests and diagnostics). */
  get shown(): boolean {
    return this.frame?.attached === true;
  }

  private start(): void {
    if (this.listening !== null) return;
    this.listening = new AbortController();
    const signal = this.listening.signal;
    const win = this.options.doc.defaultView;
    const soon = (): void => this.placeSoon();
    win?.addEventListener('resize', soon, { passive: true, signal });
    win?.addEventListener('scroll', soon, { passive: true, capture: true, signal });
    // Placed at once: the frame must be inside the fullscreen container as it is drawn.
    this.options.doc.addEventListener('fullscreenchange', () => this.place(), { signal });
    // The page may re-render (an SPA removing what it did not create) or move its video.
    this.tick = setInterval(() => this.place(), TICK_MS);
  }

  private stop(): void {
    this.listening?.abort();
    this.listening = null;
    if (this.tick !== null) clearInterval(this.tick);
    this.tick = null;
  }

  private placeSoon(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const win = this.options.doc.defaultView;
    const run = (): void => {
      this.scheduled = false;
      this.place();
    };
    if (win !== null) win.requestAnimationFrame(run);
    else run();
  }

  private place(): void {
    const frame = this.frame;
    const win = this.options.doc.defaultView;
    if (frame === null || win === null || this.mode === 'hidden') return;
    const viewport = { width: win.innerWidth, height: win.innerHeight };
    const fullscreen = this.options.doc.fullscreenElement ?? null;
    // In fullscreen the video fills the screen (or the fullscreen container, which the frame is inside).
    const video = fullscreen !== null ? rectOf(fullscreen) : this.videoBox();
    frame.place(this.mode === 'collapsed' ? pillBox(viewport, video) : panelBox(viewport, video));
  }

  private videoBox(): Box | null {
    const el = this.options.videoElement();
    return el === null || !el.isConnected ? null : rectOf(el);
  }
}

function rectOf(el: Element): Box {
  const r = el.getBoundingClientRect();
  return { left: r.left, top: r.top, width: r.width, height: r.height };
}

/**
 * The page's player when the video plays in a (cross-origin) iframe: the largest visible iframe of
 * at least a small player's size that is not one of ours (ours are in closed shadow roots: not found).
 */
export function largestIframe(doc: Document): HTMLIFrameElement | null {
  let best: HTMLIFrameElement | null = null;
  let bestArea = 200 * 150;
  for (const frame of doc.querySelectorAll('iframe')) {
    const r = frame.getBoundingClientRect();
    const area = r.width * r.height;
    if (area > bestArea) {
      best = frame;
      bestArea = area;
    }
  }
  return best;
}
