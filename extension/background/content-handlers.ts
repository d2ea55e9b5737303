/** What content scripts ask of the background (ContentToBackground). Tab and frame come from `sender`. */
import { ErrorCode } from '../../relay/contract/protocol';
import { LocalError, type ContentToBackground, type ExtResult, type VideoReport } from '../messages';
import { log } from '../log';
import { formatRoomCode, parseInvite } from '../invite';
import { loadSettings } from '../settings';
import { failure } from './errors';
import { mediaTitle, sameVideoPage } from './pages';
import type { Handlers } from './popup-handlers';
import type { Registry } from './registry';
import type { TabRoom } from './tab-room';
import browser from 'webextension-polyfill';

/** Durations closer than this are the same video (containers and players round differently). */
const MEDIA_DURATION_SLACK_S = 0.5;

export function contentHandlers(reg: Registry): Handlers<ContentToBackground> {
  /** The tab's room, when the asking frame owns the tab's video. */
  const ownedRoom = <T>(tabId: number | null, frameId: number | null): { room: TabRoom } | { error: ExtResult<T> } => {
    if (tabId === null || frameId === null) return { error: failure(LocalError.Forbidden) };
    const room = reg.roomOf(tabId);
    if (room === undefined) return { error: failure(ErrorCode.NotInRoom) };
    if (reg.ownerFrame(tabId) !== frameId) return { error: failure(LocalError.Forbidden, 'This frame does not own the room video.') };
    return { room };
  };

  return {
    video: async (report, { tabId, frameId }) => {
      if (tabId === null || frameId === null) return failure(LocalError.Forbidden);
      const owner = reg.videoReported(tabId, frameId, report);
      const room = reg.roomOf(tabId);
      const isOwner = owner === frameId;
      if (isOwner && room !== undefined && report.present) {
        if (reg.takeLeftRoomVideo(tabId)) await announceMedia(room, tabId);
        else await refreshMedia(room, tabId, report);
      }
      return { ok: true, data: { owner: isOwner, sync: isOwner && room !== undefined ? room.frameSync() : null } };
    },

    inviteLanding: async ({ invite }, { tabId, frameId }) => {
      // Only the top frame lands an invite (invite-landing.ts): its URL is the page that was opened.
      if (tabId === null || frameId !== 0) return failure(LocalError.Forbidden);
      if (typeof invite !== 'string') return failure(LocalError.InvalidInput);
      const parsed = parseInvite(invite);
      if (!parsed.ok) {
        reg.fail(tabId, LocalError.InvalidInvite, parsed.message);
        reg.notice(tabId, 'could not join the room', parsed.message);
        return failure(LocalError.InvalidInvite, parsed.message);
      }
      // The page could have put the invite in its own address: nothing is joined, and no relay is
      // contacted, before the person says so in the prompt (an extension page the page cannot reach).
      const configured = (await loadSettings()).relayUrl;
      const { code, relayUrl, pageUrl, key } = parsed.invite;
      const relay = relayUrl ?? configured;
      const room = reg.roomOf(tabId);
      if (room !== undefined && room.code === code && room.state.relayUrl === relay) return { ok: true, data: null }; // already there
      reg.prompts.ask(tabId, {
        view: { kind: 'join', code: formatRoomCode(code), relayUrl: relay, otherRelay: relay !== configured, private: key !== null },
        invite,
        pageUrl,
      });
      return { ok: true, data: null };
    },

    control: async (req, { tabId, frameId }) => {
      const owned = ownedRoom<never>(tabId, frameId);
      return 'error' in owned ? owned.error : owned.room.control(req);
    },

    status: async (report, { tabId, frameId }) => {
      const owned = ownedRoom<null>(tabId, frameId);
      return 'error' in owned ? owned.error : owned.room.status(report);
    },

    promptShown: async (_payload, { tabId, frameId }) => {
      if (tabId === null || frameId !== 0) return failure(LocalError.Forbidden);
      return { ok: true, data: reg.prompts.current(tabId) !== null };
    },

    panelMode: async (_payload, { tabId, frameId }) => {
      // Only the top frame hosts the panel (a player iframe must not place one inside itself).
      if (tabId === null || frameId !== 0) return failure(LocalError.Forbidden);
      return { ok: true, data: reg.panelMode(tabId) };
    },

    // Its arrival is the point: it resets Firefox's idle timer for the event page (README, Firefox notes).
    keepAlive: async (_payload, { tabId, frameId }) => {
      const owned = ownedRoom<null>(tabId, frameId);
      return 'error' in owned ? owned.error : { ok: true, data: null };
    },

    timePing: async (_payload, { tabId, frameId }) => {
      const owned = ownedRoom<{ relayTime: number }>(tabId, frameId);
      if ('error' in owned) return owned.error;
      const relayTime = await owned.room.conn.ping();
      return relayTime === null ? failure(ErrorCode.Unavailable) : { ok: true, data: { relayTime } };
    },
  };

  /**
   * The owner frame shows a video on another page than the room's (the controller opened the next
   * episode): the room follows, if this member may change the playback.
   */
  async function announceMedia(room: TabRoom, tabId: number): Promise<void> {
    const tab = await browser.tabs.get(tabId).catch(() => null);
    const current = room.room.timeline.media;
    if (tab?.url === undefined || !/^https?:/.test(tab.url) || current === null || sameVideoPage(tab.url, current.url) || !room.controls)
      return;
    const report = reg.ownerVideo(tabId);
    const r = await room.media({
      url: tab.url.split('#')[0] ?? tab.url,
      title: mediaTitle(report?.media?.title, tab.title, tab.url),
      duration: report?.media?.duration ?? null,
    });
    if (!r.ok) log.info(`the room did not take the new video: ${r.message}`);
    else reg.mediaBecameRoomVideo(tabId);
  }

  /**
   * Shortly after this tab's video became the room's, a duration it reports (now known, or of the
   * new source where the first report still had the old one's) goes to the room, which keeps its
   * timeline for the same URL: a wrong duration would stop everyone at the previous video's end.
   */
  async function refreshMedia(room: TabRoom, tabId: number, report: VideoReport): Promise<void> {
    if (!reg.mediaDetailsStillWelcome(tabId)) return;
    const current = room.room.timeline.media;
    const duration = report.media?.duration ?? null;
    if (current === null || duration === null || !room.controls) return;
    if (current.duration !== null && Math.abs(current.duration - duration) < MEDIA_DURATION_SLACK_S) return;
    const tab = await browser.tabs.get(tabId).catch(() => null);
    if (tab?.url === undefined || !sameVideoPage(tab.url, current.url)) return;
    const r = await room.media({ url: current.url, title: mediaTitle(report.media?.title, current.title), duration });
    if (!r.ok) log.info(`the room did not take the video's duration: ${r.message}`);
  }
}
