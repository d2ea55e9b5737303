/**
 * Finds a frame's main <video>: present at load, created late, replaced (next episode), inside
 * open shadow roots, or among several (small muted previews are ignored; the one the user
 * played wins, else the largest visible one).
 *
 * Cost when idle: nothing runs. A MutationObserver (on the document and on every open shadow
 * root found) hands over only the added nodes; their subtrees are walked once, and the choice is
 * re-made at most once per BATCH_MS. Full scans happen only at start, DOMContentLoaded, load and
 * SETTLE_RESCANS_MS after it, and on a user's pointer/key press (throttled): those catch videos put
 * into shadow roots that were attached after their host was inserted (no mutation tells us).
 */
import { isPreview, visibleArea } from './video-metrics';

/** Coalesces bursts of mutations (SPA renders add thousands of nodes in a few ms). */
const BATCH_MS = 50;
const SETTLE_RESCANS_MS = [1000, 3000];
const INPUT_RESCAN_MIN_GAP_MS = 1000;
const MEDIA_EVENTS = ['play', 'playing', 'loadedmetadata', 'resize', 'emptied'] as const;

export interface VideoCandidate {
  video: HTMLVideoElement;
  /** On-screen area in CSS px². */
  area: number;
  /** The user played it (unmuted playback). */
  played: boolean;
}

export interface FinderStats {
  fullScans: number;
  evaluations: number;
}

export interface VideoFinder {
  current(): VideoCandidate | null;
  /** Re-checks everything now (also what the finder does on its own after load). */
  rescan(): void;
  stats(): FinderStats;
}

export interface FinderOptions {
  /** Called when the best candidate changes (another element, lost, or its played flag/area class changed). */
  onChange: (candidate: VideoCandidate | null) => void;
  signal: AbortSignal;
  /** A site's extra filter (e.g. Prime: only blob: sources that are not hidden). */
  accepts?: (video: HTMLVideoElement) => boolean;
}

export function createVideoFinder(doc: Document, options: FinderOptions): VideoFinder {
  const { signal } = options;
  const win = doc.defaultView;
  const videos = new Set<HTMLVideoElement>();
  /** Elements whose media events we listen to (a video moved out and back in is tracked again, listened to once). */
  const listened = new WeakSet<HTMLVideoElement>();
  const roots = new WeakSet<ShadowRoot>();
  /** Last unmuted play per element (performance.now()). */
  const playedAt = new WeakMap<HTMLVideoElement, number>();
  const stats: FinderStats = { fullScans: 0, evaluations: 0 };
  let chosen: VideoCandidate | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastInputScan = -Infinity;

  const observer = new MutationObserver((records) => {
    let relevant = false;
    for (const record of records) {
      for (const node of record.addedNodes) if (node.nodeType === 1 && collect(node as Element)) relevant = true;
      if (record.removedNodes.length > 0 && videos.size > 0) relevant = true;
    }
    if (relevant) schedule();
  });

  function track(video: HTMLVideoElement): boolean {
    if (videos.has(video)) return false;
    videos.add(video);
    if (listened.has(video)) return true;
    listened.add(video);
    const onMedia = (event: Event): void => {
      if ((event.type === 'play' || event.type === 'playing') && !video.muted && video.volume > 0) playedAt.set(video, performance.now());
      schedule();
    };
    for (const type of MEDIA_EVENTS) video.addEventListener(type, onMedia, { signal });
    return true;
  }

  function observeRoot(root: ShadowRoot): void {
    if (roots.has(root)) return;
    roots.add(root);
    observer.observe(root, { childList: true, subtree: true });
  }

  /** Walks one subtree for videos and open shadow roots; true when something new turned up. */
  function collect(top: Element | ShadowRoot | Document): boolean {
    let found = false;
    const visit = (el: Element): void => {
      if (el instanceof HTMLVideoElement && track(el)) found = true;
      const root = el.shadowRoot;
      if (root) {
        if (!roots.has(root)) found = true;
        observeRoot(root);
        walk(root);
      }
    };
    const walk = (node: Element | ShadowRoot | Document): void => {
      if (node instanceof Element) visit(node);
      const all = node.querySelectorAll('*');
      for (const el of all) if (el instanceof HTMLVideoElement || el.shadowRoot) visit(el);
    };
    walk(top);
    return found;
  }

  function fullScan(): void {
    stats.fullScans += 1;
    collect(doc);
    evaluate();
  }

  function schedule(): void {
    if (timer !== null || signal.aborted) return;
    timer = setTimeout(() => {
      timer = null;
      evaluate();
    }, BATCH_MS);
  }

  function evaluate(): void {
    if (signal.aborted) return;
    stats.evaluations += 1;
    let best: VideoCandidate | null = null;
    let bestPlayed = -Infinity;
    for (const video of videos) {
      if (!video.isConnected) {
        videos.delete(video);
        continue;
      }
      const played = playedAt.get(video);
      const area = visibleArea(video);
      if (options.accepts && !options.accepts(video)) continue;
      if (played === undefined && isPreview(video, area)) continue;
      const candidate = { video, area, played: played !== undefined };
      const rank = played ?? -Infinity;
      if (best === null || rank > bestPlayed || (rank === bestPlayed && area > best.area)) {
        best = candidate;
        bestPlayed = rank;
      }
    }
    if (changed(chosen, best)) {
      chosen = best;
      options.onChange(best);
    } else if (best !== null) chosen = best;
  }

  function onInput(): void {
    const now = performance.now();
    if (now - lastInputScan < INPUT_RESCAN_MIN_GAP_MS) return;
    lastInputScan = now;
    stats.fullScans += 1;
    if (collect(doc)) schedule();
  }

  observer.observe(doc, { childList: true, subtree: true });
  signal.addEventListener(
    'abort',
    () => {
      observer.disconnect();
      if (timer !== null) clearTimeout(timer);
    },
    { once: true },
  );
  doc.addEventListener('pointerdown', onInput, { capture: true, passive: true, signal });
  doc.addEventListener('keydown', onInput, { capture: true, passive: true, signal });
  const settle = (): void => {
    fullScan();
    for (const ms of SETTLE_RESCANS_MS) {
      const t = setTimeout(() => {
        if (!signal.aborted) fullScan();
      }, ms);
      signal.addEventListener('abort', () => clearTimeout(t), { once: true });
    }
  };
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', () => fullScan(), { once: true, signal });
  if (doc.readyState !== 'complete' && win) {
    win.addEventListener('load', settle, { once: true, signal });
    fullScan();
  } else settle();

  return {
    current: () => chosen,
    rescan: fullScan,
    stats: () => ({ ...stats }),
  };
}

/** A change worth telling: another element, found/lost, or the played flag flipped. */
function changed(a: VideoCandidate | null, b: VideoCandidate | null): boolean {
  if (a === null || b === null) return a !== b;
  return a.video !== b.video || a.played !== b.played || (a.area === 0) !== (b.area === 0);
}
