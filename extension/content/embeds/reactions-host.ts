/**
 * The reactions overlay's iframe, in the frame that owns the tab's video: put over the video when
 * the background says someone reacted, kept there while reactions come, removed a few seconds after
 * the last. It learns only *that* someone reacted: which emoji, and whose, the overlay page gets
 * from the background itself, so nothing about it passes through the page.
 */
import { EmbedFrame } from './embed-frame';
import { overlayBox } from './placement';

/** The overlay stays this long after the last reaction (a float takes 2 s; the frame is not reloaded for each). */
export const OVERLAY_KEEP_MS = 6000;
/** While shown it follows the video (scrolling, resizing, a player that grows) this often. */
const FOLLOW_MS = 200;

export interface ReactionsHostOptions {
  doc: Document;
  /** The extension page's address (runtime.getURL('reactions.html')). */
  src: string;
  signal: AbortSignal;
}

export class ReactionsHost {
  private frame: EmbedFrame | null = null;
  private video: HTMLVideoElement | null = null;
  private follow: ReturnType<typeof setInterval> | null = null;
  private expiry: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: ReactionsHostOptions) {
    options.signal.addEventListener('abort', () => this.hide(), { once: true });
  }

  /** Someone reacted: show the overlay over `video` (or keep it) for OVERLAY_KEEP_MS more. */
  wake(video: HTMLVideoElement): void {
    if (this.options.signal.aborted) return;
    this.video = video;
    this.frame ??= new EmbedFrame(this.options.doc, {
      src: this.options.src,
      title: 'Lockstep reactions',
      pointerEvents: 'none',
      colorScheme: 'normal',
    });
    this.place();
    this.follow ??= setInterval(() => this.place(), FOLLOW_MS);
    if (this.expiry !== null) clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.hide(), OVERLAY_KEEP_MS);
  }

  get shown(): boolean {
    return this.frame?.attached === true;
  }

  private place(): void {
    const win = this.options.doc.defaultView;
    if (this.frame === null || this.video === null || win === null) return;
    if (!this.video.isConnected) return this.hide();
    const r = this.video.getBoundingClientRect();
    const box = overlayBox(
      { width: win.innerWidth, height: win.innerHeight },
      { left: r.left, top: r.top, width: r.width, height: r.height },
    );
    if (box === null || this.frame.covered()) return; // off screen, or a bare fullscreen <video> nothing can draw over
    this.frame.place(box);
  }

  private hide(): void {
    if (this.follow !== null) clearInterval(this.follow);
    if (this.expiry !== null) clearTimeout(this.expiry);
    this.follow = null;
    this.expiry = null;
    this.frame?.remove();
    this.frame = null;
    this.video = null;
  }
}
