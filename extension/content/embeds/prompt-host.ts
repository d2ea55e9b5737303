/**
 * The prompt page's iframe in the tab's top frame (prompt.html: "join this room?", "the room moved
 * on: Go / Stay", notices), shown while the background says the tab has a prompt. This module knows
 * only *that* there is one: the question, the room code and the buttons are in the extension page,
 * another origin in a closed shadow root (embed-frame.ts), which the page can neither read nor click
 * into; the answer goes from that page to the background, never through this script or the page.
 *
 * Cost while shown: one placement check a second (the page may remove the frame) and one on each
 * resize and fullscreen change; nothing while hidden.
 */
import { EmbedFrame } from './embed-frame';
import { promptBox } from './placement';

const TICK_MS = 1000;

export interface PromptHostOptions {
  doc: Document;
  /** The extension page's address (runtime.getURL('prompt.html')). */
  src: string;
  signal: AbortSignal;
}

export class PromptHost {
  private frame: EmbedFrame | null = null;
  private listening: AbortController | null = null;

  constructor(private readonly options: PromptHostOptions) {
    options.signal.addEventListener('abort', () => this.show(false), { once: true });
  }

  show(shown: boolean): void {
    if (!shown || this.options.signal.aborted) {
      this.frame?.remove();
      this.frame = null;
      this.listening?.abort();
      this.listening = null;
      return;
    }
    this.frame ??= new EmbedFrame(this.options.doc, {
      src: this.options.src,
      title: 'Lockstep asks',
      pointerEvents: 'auto',
      colorScheme: 'dark',
    });
    if (this.listening === null) {
      this.listening = new AbortController();
      const signal = this.listening.signal;
      const place = (): void => this.place();
      this.options.doc.defaultView?.addEventListener('resize', place, { passive: true, signal });
      this.options.doc.addEventListener('fullscreenchange', place, { signal });
      const tick = setInterval(place, TICK_MS);
      signal.addEventListener('abort', () => clearInterval(tick), { once: true });
    }
    this.place();
  }

  /** Whether the prompt's frame is on the page now (for tests and diagnostics). */
  get shown(): boolean {
    return this.frame?.attached === true;
  }

  private place(): void {
    const win = this.options.doc.defaultView;
    if (this.frame === null || win === null) return;
    this.frame.place(promptBox({ width: win.innerWidth, height: win.innerHeight }));
  }
}
