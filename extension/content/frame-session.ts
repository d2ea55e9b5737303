/**
 * One frame's part in a tab's room: finds the frame's main video, reports it to the background
 * (which picks the tab's owner frame), and, while this frame owns the room's video, runs the
 * sync shell on it. The shell outlives the element: a player that re-creates its <video>, moves
 * it or swaps in a twin hands the shell the new element (`attach`); one that loses its video for
 * good (LOST_GRACE_MS with none) stops syncing. Everything hangs off the session's AbortSignal.
 *
 *   no video ──found──▶ candidate (adapter, reported) ──owner + room──▶ syncing (shell runs)
 *        ▲                   │  ▲                                       │   ▲ another element: attach
 *        └──lost/replaced────┘  └── sync null / other owner / lost for good ┘   │ lost: detach, grace
 */
import type { FrameSync, PanelMode, VideoReport } from '../messages';
import type { AdapterFactory, PlayerAdapter } from './adapters/types';
import { listenToBackground, type ContentSend } from './messaging';
import { pageScheduler, type Scheduler } from './scheduler';
import { SyncShell } from './sync-shell';
import { createVideoFinder, type VideoCandidate, type VideoFinder } from './video-finder';
import { log } from '../log';

/** A duration that moved by more than this (s) is news for the background (its room's media details). */
const DURATION_NEWS_S = 1;
/** A duration that keeps moving within one source (a live stream's window) is reported at most this often. */
const DURATION_REPORT_GAP_MS = 10_000;
/**
 * While syncing, a video that left the page is given this long to come back (re-attached, or
 * another element in its place) before the frame reports it lost: a re-mount is not "no video".
 */
export const LOST_GRACE_MS = 3000;

export interface FrameSessionOptions {
  win: Window;
  factory: AdapterFactory;
  send: ContentSend;
  signal: AbortSignal;
  scheduler?: Scheduler;
  /** The top frame's panel host: the background says how the room panel shows. */
  onPanelMode?: (mode: PanelMode) => void;
  /** The top frame's prompt host: the background says whether the tab has a prompt. */
  onPrompt?: (shown: boolean) => void;
  /** Shows the reactions overlay over `video` for a moment (the owner frame, while it syncs). */
  onReactions?: (video: HTMLVideoElement) => void;
}

interface Candidate {
  video: HTMLVideoElement;
  adapter: PlayerAdapter;
  controller: AbortController;
}

interface Syncing {
  shell: SyncShell;
  code: string;
  controller: AbortController;
}

export class FrameSession {
  readonly finder: VideoFinder;
  private current: Candidate | null = null;
  private latest: VideoCandidate | null = null;
  private sync: Syncing | null = null;
  /** Running while the synced video is gone and may come back (see LOST_GRACE_MS). */
  private lostTimer: ReturnType<typeof setTimeout> | null = null;
  /** Reports are numbered so a late answer to an old report cannot start the engine. */
  private reportSeq = 0;
  /** The duration the last report carried, and the source it was read from. */
  private reportedDuration: number | null = null;
  private reportedSrc = '';
  private durationReportAt = -Infinity;
  private lastPresent: VideoReport | null = null;
  private readonly win: Window;
  private readonly factory: AdapterFactory;
  private readonly send: ContentSend;
  private readonly signal: AbortSignal;
  private readonly clock: Scheduler;

  constructor(options: FrameSessionOptions) {
    this.win = options.win;
    this.factory = options.factory;
    this.send = options.send;
    this.signal = options.signal;
    this.clock = options.scheduler ?? pageScheduler;
    listenToBackground(
      {
        sync: (s) => this.applySync(s),
        timeline: (t) => this.sync?.shell.timeline(t),
        reconnected: () => this.sync?.shell.reconnected(),
        report: () => void this.report(),
        panel: (mode) => options.onPanelMode?.(mode),
        prompt: (shown) => options.onPrompt?.(shown),
        reactions: () => {
          const video = this.current?.video;
          if (this.sync !== null && video !== undefined) options.onReactions?.(video);
        },
      },
      this.signal,
    );
    this.signal.addEventListener(
      'abort',
      () => {
        this.stopSync();
        this.dropElement();
      },
      { once: true },
    );
    const accepts = this.factory.accepts;
    this.finder = createVideoFinder(this.win.document, {
      onChange: (c) => this.onCandidate(c),
      signal: this.signal,
      ...(accepts ? { accepts } : {}),
    });
  }

  /** 'none' | 'candidate' | 'syncing', for tests and diagnostics. */
  phase(): 'none' | 'candidate' | 'syncing' {
    if (this.sync !== null) return 'syncing';
    return this.current === null ? 'none' : 'candidate';
  }

  adapter(): PlayerAdapter | null {
    return this.current?.adapter ?? null;
  }

  /** The shell syncing this frame's video, for tests and diagnostics. */
  shell(): SyncShell | null {
    return this.sync?.shell ?? null;
  }

  private stopSync(): void {
    this.clearLost();
    this.sync?.controller.abort();
    this.sync = null;
  }

  private clearLost(): void {
    if (this.lostTimer !== null) this.clock.clearTimeout(this.lostTimer);
    this.lostTimer = null;
  }

  private dropElement(): void {
    this.current?.controller.abort();
    this.current = null;
  }

  private applySync(sync: FrameSync | null): void {
    if (sync === null) return this.stopSync();
    if (this.sync !== null && this.sync.code === sync.code) return this.sync.shell.timeline(sync.timeline, sync.follows);
    const c = this.current;
    this.stopSync();
    if (c === null) return;
    const controller = new AbortController();
    const signal = AbortSignal.any([this.signal, controller.signal]);
    const shell = new SyncShell({
      adapter: c.adapter,
      send: this.send,
      timeline: sync.timeline,
      follows: sync.follows,
      signal,
      scheduler: this.clock,
    });
    this.sync = { shell, code: sync.code, controller };
  }

  /** The video's details; during an ad the element's duration is the ad's, not the video's: unknown. */
  private mediaOf(adapter: PlayerAdapter): VideoReport['media'] {
    const media = adapter.media();
    return adapter.read().ad ? { ...media, duration: null } : media;
  }

  private async report(): Promise<void> {
    const seq = ++this.reportSeq;
    const c = this.current;
    let payload: VideoReport;
    if (c !== null && this.latest !== null) {
      payload = { present: true, media: this.mediaOf(c.adapter), area: Math.round(this.latest.area), played: this.latest.played };
      this.lastPresent = payload;
    } else if (this.lostTimer !== null && this.lastPresent !== null) {
      payload = this.lastPresent; // the video may be back in a moment: the frame keeps the room's video meanwhile
    } else {
      payload = { present: false, media: null, area: 0, played: false };
    }
    this.reportedDuration = payload.media?.duration ?? null;
    this.reportedSrc = c?.video.currentSrc ?? '';
    const r = await this.send('video', payload);
    if (this.signal.aborted || seq !== this.reportSeq) return;
    if (!r.ok) {
      log.debug(`video report not taken: ${r.message}`);
      return;
    }
    this.applySync(r.data.owner ? r.data.sync : null);
  }

  private onCandidate(candidate: VideoCandidate | null): void {
    this.latest = candidate;
    if (candidate?.video !== this.current?.video) {
      this.dropElement();
      if (candidate !== null) {
        this.current = this.track(candidate);
        this.clearLost();
        this.sync?.shell.attach(this.current.adapter);
      } else if (this.sync !== null) {
        this.sync.shell.detach();
        this.clearLost();
        this.lostTimer = this.clock.setTimeout(() => {
          this.lostTimer = null;
          this.stopSync();
          void this.report();
        }, LOST_GRACE_MS);
        return; // nothing to report before the grace is over
      }
    }
    void this.report();
  }

  /** An adapter on the frame's new main video, with the listeners that keep the background told. */
  private track(candidate: VideoCandidate): Candidate {
    const { video } = candidate;
    const controller = new AbortController();
    const signal = AbortSignal.any([this.signal, controller.signal]);
    const adapter = this.factory.create(video, signal);
    controller.signal.addEventListener('abort', () => adapter.dispose(), { once: true });
    // Another video in the same element (next episode, SPA navigation): tell the background.
    adapter.subscribe((event) => {
      if (event === 'media-change') void this.report();
    });
    // The duration is known only once the metadata loaded (and changes with a new source): the
    // room's media details may be waiting for it. A live window that keeps growing reports rarely.
    video.addEventListener(
      'durationchange',
      () => {
        const d = Number.isFinite(video.duration) ? video.duration : null;
        if (d === null || adapter.read().ad || (this.reportedDuration !== null && Math.abs(d - this.reportedDuration) <= DURATION_NEWS_S))
          return;
        const sameSource = this.reportedDuration !== null && video.currentSrc === this.reportedSrc;
        if (sameSource && this.clock.now() - this.durationReportAt < DURATION_REPORT_GAP_MS) return;
        this.durationReportAt = this.clock.now();
        void this.report();
      },
      { signal },
    );
    return { video, adapter, controller };
  }
}

/** Starts a frame session (kept for the content script's wiring). */
export function startFrameSession(options: FrameSessionOptions): FrameSession {
  return new FrameSession(options);
}
