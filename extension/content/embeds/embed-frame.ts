/**
 * One of the extension's pages in an iframe on the site's page (the room panel, the reactions
 * overlay, the prompt). The page is hostile: it can read and click anything in its DOM, open shadow roots
 * included. So the iframe sits in a CLOSED shadow root (the page cannot reach the element, nor
 * read its src, the extension's address), its host is styled inline with !important (the site's
 * CSS cannot restyle it), and what the iframe shows is another origin's document the page can
 * neither read nor script. This module only creates, sizes and moves it; it never knows what the
 * page inside shows.
 *
 * The page may also navigate the frame elsewhere (a parent may navigate its child frames, whatever
 * their origin) to put a look-alike in its place: every load the frame did not expect (its first,
 * and one after each re-insertion) sends it back to the extension's page.
 *
 * Fullscreen: sites fullscreen a container (YouTube's player, Netflix's), which is drawn alone in
 * the top layer; the frame moves into `document.fullscreenElement` meanwhile (with `moveBefore`
 * where the browser has it, so the frame keeps its state; else re-inserted, which reloads it) and
 * back after. A bare fullscreen <video> (or <iframe>) can hold no children: nothing can draw over it.
 */
import { log } from '../../log';
import type { Box } from './placement';

const Z_TOP = '2147483647';
/** Elements that cannot hold a child that is drawn (a fullscreen one hides the frame). */
const REPLACED = new Set(['VIDEO', 'IFRAME', 'IMG', 'CANVAS', 'OBJECT', 'EMBED', 'AUDIO']);

export interface EmbedOptions {
  /** The extension page's address (runtime.getURL: Chrome's per-session address where use_dynamic_url is set). */
  src: string;
  title: string;
  /** The overlay lets every click through to the video. */
  pointerEvents: 'auto' | 'none';
  /** The embedded page's color-scheme: an iframe whose scheme differs from its document's gets an opaque backdrop. */
  colorScheme: 'dark' | 'normal';
}

type MovableParent = Element & { moveBefore?: (node: Node, child: Node | null) => void };

export class EmbedFrame {
  private readonly host: HTMLDivElement;
  private readonly frame: HTMLIFrameElement;
  private shownBox: Box | null = null;
  /** Loads of our own page still to come (its first; one after a move that reloads it). */
  private expectedLoads = 1;
  /** Navigations the page forced on the frame that were undone (for tests and diagnostics). */
  restored = 0;

  constructor(
    private readonly doc: Document,
    options: EmbedOptions,
  ) {
    this.host = doc.createElement('div');
    const root = this.host.attachShadow({ mode: 'closed' });
    const style = doc.createElement('style');
    style.textContent = `iframe { display: block; width: 100%; height: 100%; border: 0; margin: 0; padding: 0;
      background: transparent; color-scheme: ${options.colorScheme}; pointer-events: ${options.pointerEvents}; }`;
    this.frame = doc.createElement('iframe');
    this.frame.title = options.title;
    this.frame.setAttribute('referrerpolicy', 'no-referrer');
    this.frame.src = options.src;
    this.frame.addEventListener('load', () => {
      if (this.expectedLoads > 0) return void this.expectedLoads--;
      // Not a load we caused: the page navigated the frame. Back to our page, which loads once more.
      log.warn('the page navigated an extension frame away; it is put back');
      this.restored++;
      this.expectedLoads = 1;
      this.frame.src = options.src;
    });
    root.append(style, this.frame);
    this.set('all', 'initial');
    this.set('position', 'fixed');
    this.set('z-index', Z_TOP);
    this.set('display', 'block');
    this.set('pointer-events', options.pointerEvents);
    this.set('color-scheme', options.colorScheme);
  }

  private set(property: string, value: string): void {
    this.host.style.setProperty(property, value, 'important');
  }

  /** Where the frame should live now: inside the fullscreen container, else the document's root element. */
  private parent(): Element | null {
    const fullscreen = this.doc.fullscreenElement ?? null;
    if (fullscreen !== null && !REPLACED.has(fullscreen.tagName)) return fullscreen;
    return this.doc.documentElement;
  }

  /** True while a bare fullscreen element (a <video>) covers everything: the frame cannot be seen. */
  covered(): boolean {
    const fullscreen = this.doc.fullscreenElement ?? null;
    return fullscreen !== null && REPLACED.has(fullscreen.tagName);
  }

  /** Puts the frame at `box` (viewport px), in the right parent (re-attached if the page removed it). */
  place(box: Box): void {
    const parent = this.parent();
    if (parent !== null && this.host.parentNode !== parent) {
      const movable = parent as MovableParent;
      if (this.host.isConnected && typeof movable.moveBefore === 'function' && this.host.ownerDocument === parent.ownerDocument) {
        try {
          movable.moveBefore(this.host, null);
        } catch (err) {
          // moveBefore refuses some moves (into another shadow tree, say): a plain move, which reloads the frame.
          log.debug('the frame could not keep its state while moving', err);
          this.insert(parent);
        }
      } else this.insert(parent);
    }
    if (this.shownBox !== null && sameBox(this.shownBox, box)) return;
    this.shownBox = box;
    this.set('left', `${Math.round(box.left)}px`);
    this.set('top', `${Math.round(box.top)}px`);
    this.set('width', `${Math.round(box.width)}px`);
    this.set('height', `${Math.round(box.height)}px`);
  }

  /** Inserts the host (first time, or again after the page removed it): the frame loads its page anew. */
  private insert(parent: Element): void {
    if (this.host.isConnected || this.everInserted) this.expectedLoads = 1;
    this.everInserted = true;
    parent.append(this.host);
  }
  private everInserted = false;

  get attached(): boolean {
    return this.host.isConnected;
  }

  remove(): void {
    this.host.remove();
    this.shownBox = null;
  }
}

function sameBox(a: Box, b: Box): boolean {
  return (
    Math.round(a.left) === Math.round(b.left) &&
    Math.round(a.top) === Math.round(b.top) &&
    Math.round(a.width) === Math.round(b.width) &&
    Math.round(a.height) === Math.round(b.height)
  );
}
