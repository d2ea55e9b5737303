/** What the popup and options pages ask of the background (PopupToBackground). */
import browser from 'webextension-polyfill';
import { joinedRoomSchema } from '../../relay/contract/answer-schemas';
import { ErrorCode, PROTOCOL_VERSION, type JoinedRoom, type RoomSettings } from '../../relay/contract/protocol';
import { normalizeRelayUrl, parseInvite, stripInvite } from '../invite';
import { LocalError, type ExtResult, type PopupToBackground, type TabState } from '../messages';
import { log } from '../log';
import { feedOnEntry } from '../room-feed';
import { loadSettings, saveSettings } from '../settings';
import { failure } from './errors';
import { mediaTitle, sameVideoPage } from './pages';
import type { Registry } from './registry';
import { RelayConnection } from './relay-connection';

export type Handlers<M> = {
  [K in keyof M]: (
    payload: M[K] extends { payload: infer P } ? P : never,
    ctx: { tabId: number | null; frameId: number | null },
  ) => Promise<M[K] extends { response: infer R } ? R : never>;
};

async function tabUrl(tabId: number): Promise<string | null> {
  const tab = await browser.tabs.get(tabId).catch(() => null);
  return tab?.url === undefined ? null : (stripInvite(tab.url) ?? tab.url);
}

async function stateOrError(reg: Registry, tabId: number): Promise<ExtResult<TabState>> {
  try {
    return { ok: true, data: await reg.tabState(tabId) };
  } catch (err) {
    log.debug('tab state', err);
    return failure(LocalError.NoSuchTab);
  }
}

/** Connects and runs create/join; on failure records it for the tab's popup and page. */
async function enter(
  reg: Registry,
  tabId: number,
  relayUrl: string,
  send: (conn: RelayConnection) => Promise<ExtResult<JoinedRoom>>,
): Promise<ExtResult<TabState>> {
  await reg.drop(tabId, true); // one room per tab: joining another leaves the current one
  const conn = new RelayConnection(relayUrl, () => reg.changed(tabId));
  const connected = await conn.whenConnected();
  const joined = connected.ok ? await send(conn) : connected;
  if (!joined.ok) {
    conn.close();
    reg.fail(tabId, joined.error, joined.message);
    return joined;
  }
  const { memberId, resumeToken, room, chat } = joined.data;
  reg.adoptConnected(tabId, conn, { relayUrl, memberId, resumeToken, room, feed: feedOnEntry(room, memberId, chat ?? [], Date.now()) });
  return stateOrError(reg, tabId);
}

export async function joinTab(reg: Registry, tabId: number, invite: string, navigate: boolean): Promise<ExtResult<TabState>> {
  const parsed = parseInvite(invite);
  if (!parsed.ok) {
    reg.fail(tabId, LocalError.InvalidInvite, parsed.message);
    return failure(LocalError.InvalidInvite, parsed.message);
  }
  const settings = await loadSettings();
  const { code, relayUrl, pageUrl } = parsed.invite;
  if (navigate && pageUrl !== null) {
    const current = await tabUrl(tabId);
    if (current === null || !sameVideoPage(current, pageUrl)) await browser.tabs.update(tabId, { url: pageUrl });
  }
  return enter(reg, tabId, relayUrl ?? settings.relayUrl, (conn) =>
    conn.request((s) => s.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: settings.profile }), joinedRoomSchema),
  );
}

export function popupHandlers(reg: Registry): Handlers<PopupToBackground> {
  return {
    getTabState: ({ tabId }) => stateOrError(reg, tabId),

    createRoom: async ({ tabId, settings: chosen }) => {
      const owner = reg.ownerVideo(tabId);
      const url = await tabUrl(tabId);
      if (url === null) return failure(LocalError.NoSuchTab);
      if (owner === null) {
        const noVideo = failure<TabState>(LocalError.NoVideo);
        if (!noVideo.ok) reg.fail(tabId, noVideo.error, noVideo.message);
        return noVideo;
      }
      const s = await loadSettings();
      const settings: RoomSettings = { ...s.defaultRoomSettings, ...chosen };
      const tab = await browser.tabs.get(tabId);
      const title = mediaTitle(owner.media?.title, tab.title, url);
      const media = /^https?:/.test(url) ? { url, title, duration: owner.media?.duration ?? null } : undefined;
      const entered = await enter(reg, tabId, s.relayUrl, (conn) =>
        conn.request(
          (sock) => sock.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: s.profile, settings, media }),
          joinedRoomSchema,
        ),
      );
      if (entered.ok && media !== undefined) reg.mediaBecameRoomVideo(tabId);
      return entered;
    },

    joinRoom: ({ tabId, invite }) => joinTab(reg, tabId, invite, true),

    leaveRoom: async ({ tabId }) => {
      await reg.drop(tabId, true);
      return stateOrError(reg, tabId);
    },

    updateRoomSettings: async ({ tabId, settings }) => reg.roomOf(tabId)?.settings(settings) ?? failure(ErrorCode.NotInRoom),

    transferHost: async ({ tabId, memberId }) => reg.roomOf(tabId)?.transferHost(memberId) ?? failure(ErrorCode.NotInRoom),

    setProfile: async (profile) => {
      const saved = await saveSettings({ profile });
      if (!saved.ok) return saved;
      const p = saved.data.profile;
      const results = await Promise.all(reg.allRooms().map((room) => room.profile(p)));
      const failed = results.find((r) => !r.ok);
      if (failed !== undefined && !failed.ok)
        return { ok: false, error: failed.error, message: `Saved, but a room did not take the new name: ${failed.message}` };
      return { ok: true, data: p };
    },

    showPanel: async ({ tabId, show }) => {
      reg.setPanelMode(tabId, show ? 'open' : 'hidden');
      return stateOrError(reg, tabId);
    },

    testConnection: async ({ relayUrl }) => {
      const url = normalizeRelayUrl(relayUrl);
      if (url === null) return failure(LocalError.InvalidRelayUrl);
      const conn = new RelayConnection(url, () => undefined);
      try {
        const connected = await conn.whenConnected();
        if (!connected.ok) return connected;
        const t0 = performance.now();
        const relayTime = await conn.ping();
        if (relayTime === null)
          return failure(LocalError.RelayUnreachable, `The relay at ${url} answered the connection but not the time check.`);
        return { ok: true, data: { rttMs: Math.round(performance.now() - t0) } };
      } finally {
        conn.close();
      }
    },
  };
}
