/**
 * One frame's part in a tab's room: finds the frame's main video, reports it to the background
 * (which picks the tab's owner frame), and, while this frame owns the room's video, runs the
 * sync engine on it. Replaced videos, lost ownership, leaving the room and teardown each stop the
 * engine and the adapter; everything hangs off the session's AbortSignal.
 *
 *   no video ──found──▶ candidate (adapter, reported) ──owner + room──▶ syncing (engine runs)
 *        ▲                   │  ▲                                          │
 *        └──lost/replaced────┘  └────── sync null / other owner / replaced ─┘
 */
import type { FrameSync, VideoReport } from '../messages';
import type { Media } from '../../relay/contract/protocol';
import type { AdapterFactory, PlayerAdapter } from './adapters/types';
import { listenToBackground, type ContentSend } from './messaging';
import { askToFollow } from './page-ui';
import { startSyncShell, type SyncShell } from './sync-shell';
import { createVideoFinder, type VideoCandidate, type VideoFinder } from './video-finder';

/** A duration that moved by more than this (s) is news for the background (its room's media details). */
const DURATION_NEWS_S = 1;
/** A duration that keeps moving within one source (a live stream's window) is reported at most this often. */
const DURATION_REPORT_GAP_MS = 10_000;

export interface FrameSessionOptions {
  win: Window;
  factory: AdapterFactory;
  send: ContentSend;
  signal: AbortSignal;
}

export interface FrameSession {
  finder: VideoFinder;
  /** 'none' | 'candidate' | 'syncing', for tests and diagnostics. */
  phase(): 'none' | 'candidate' | 'syncing';
  adapter(): PlayerAdapter | null;
}

interface Candidate {
  video: HTMLVideoElement;
  adapter: PlayerAdapter;
  controller: AbortController;
  sync: { shell: SyncShell; code: string; controller: AbortController } | null;
}

export function startFrameSession(options: FrameSessionOptions): FrameSession {
  const { win, factory, send, signal } = options;
  let current: Candidate | null = null;
  let latest: VideoCandidate | null = null;
  /** Reports are numbered so a late answer to an old report cannot start the engine. */
  let reportSeq = 0;
  /** The duration the last report carried, and the source it was read from. */
  let reportedDuration: number | null = null;
  let reportedSrc = '';
  let durationReportAt = -Infinity;

  function stopSync(c: Candidate | null): void {
    if (c?.sync) {
      c.sync.controller.abort();
      c.sync = null;
    }
  }

  function drop(): void {
    if (current === null) return;
    stopSync(current);
    current.controller.abort();
    current = null;
  }

  function applySync(sync: FrameSync | null): void {
    const c = current;
    if (c === null) return;
    if (sync === null) {
      stopSync(c);
      return;
    }
    if (c.sync !== null && c.sync.code === sync.code) {
      c.sync.shell.timeline(sync.timeline);
      return;
    }
    stopSync(c);
    const controller = new AbortController();
    const shellSignal = AbortSignal.any([c.controller.signal, controller.signal]);
    c.sync = { shell: startSyncShell({ adapter: c.adapter, send, timeline: sync.timeline, signal: shellSignal }), code: sync.code, controller };
  }

  /** The video's details; during an ad the element's duration is the ad's, not the video's: unknown. */
  function mediaOf(adapter: PlayerAdapter): VideoReport['media'] {
    const media = adapter.media();
    return adapter.read().ad ? { ...media, duration: null } : media;
  }

  async function report(): Promise<void> {
    const seq = ++reportSeq;
    const c = current;
    const payload: VideoReport = c === null || latest === null
      ? { present: false, media: null, area: 0, played: false }
      : { present: true, media: mediaOf(c.adapter), area: Math.round(latest.area), played: latest.played };
    reportedDuration = payload.media?.duration ?? null;
    reportedSrc = c?.video.currentSrc ?? '';
    const r = await send('video', payload);
    if (signal.aborted || seq !== reportSeq) return;
    if (!r.ok) {
      console.debug(`[lockstep] video report not taken: ${r.message}`);
      return;
    }
    applySync(r.data.owner ? r.data.sync : null);
  }

  function onCandidate(candidate: VideoCandidate | null): void {
    latest = candidate;
    if (candidate?.video !== current?.video) {
      drop();
      if (candidate !== null) {
        const controller = new AbortController();
        const adapterSignal = AbortSignal.any([signal, controller.signal]);
        const adapter = factory.create(candidate.video, adapterSignal);
        controller.signal.addEventListener('abort', () => adapter.dispose(), { once: true });
        // Another video in the same element (next episode, SPA navigation): tell the background.
        adapter.subscribe((event) => {
          if (event === 'media-change') void report();
        });
        // The duration is known only once the metadata loaded (and changes with a new source): the
        // room's media details may be waiting for it. A live window that keeps growing reports rarely.
        candidate.video.addEventListener(
          'durationchange',
          () => {
            const d = Number.isFinite(candidate.video.duration) ? candidate.video.duration : null;
            if (d === null || adapter.read().ad || (reportedDuration !== null && Math.abs(d - reportedDuration) <= DURATION_NEWS_S)) return;
            const sameSource = reportedDuration !== null && candidate.video.currentSrc === reportedSrc;
            if (sameSource && performance.now() - durationReportAt < DURATION_REPORT_GAP_MS) return;
            durationReportAt = performance.now();
            void report();
          },
          { signal: adapterSignal },
        );
        current = { video: candidate.video, adapter, controller, sync: null };
      }
    }
    void report();
  }

  async function navigate(media: Media, ask: boolean): Promise<void> {
    if (ask && !(await askToFollow(win.document, media.title || media.url, signal))) return;
    if (signal.aborted) return;
    // The owner may be a player iframe: the tab's page is the top frame's.
    const target = win.top ?? win;
    target.location.href = media.url;
  }

  listenToBackground({
    sync: applySync,
    timeline: (t) => current?.sync?.shell.timeline(t),
    reconnected: () => current?.sync?.shell.reconnected(),
    navigate: ({ media, ask }) => void navigate(media, ask),
    report: () => void report(),
  }, signal);

  signal.addEventListener('abort', drop, { once: true });
  const finder = createVideoFinder(win.document, { onChange: onCandidate, signal, ...(factory.accepts ? { accepts: factory.accepts } : {}) });

  return {
    finder,
    phase: () => (current === null ? 'none' : current.sync === null ? 'candidate' : 'syncing'),
    adapter: () => current?.adapter ?? null,
  };
}
