/** What the popup and options pages ask of the background (PopupToBackground). */
import browser from 'webextension-polyfill';
import { joinedRoomSchema } from '../../relay/contract/answer-schemas';
import * as z from 'zod/mini';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  type CreateRoomRequest,
  type JoinedRoom,
  type Media,
  type Profile,
  type RoomSettings,
} from '../../relay/contract/protocol';
import { newRoomKey, roomSeal } from '../crypto/seal';
import { normalizeRelayUrl, parseInvite, stripInvite } from '../invite';
import { LocalError, type ExtResult, type PopupToBackground, type TabState } from '../messages';
import { log } from '../log';
import { feedOnEntry } from '../room-feed';
import { loadSettings, saveSettings } from '../settings';
import { failure } from './errors';
import { mediaTitle, sameVideoPage } from './pages';
import type { Registry } from './registry';
import { RelayConnection } from './relay-connection';
import { OPEN_CODEC, roomCodec, sealedCodec, type RoomCodec } from './room-codec';
import { damaged, openJoined, type TabRoom } from './tab-room';

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

/**
 * Connects and runs create/join; on failure records it for the tab's popup and page. `open` turns
 * the answer into the room as this tab keeps it (opened with the room key in a private room); a
 * room it refuses is left at once.
 */
async function enter(
  reg: Registry,
  tabId: number,
  relayUrl: string,
  roomKey: string | null,
  send: (conn: RelayConnection) => Promise<ExtResult<JoinedRoom>>,
  open: (joined: JoinedRoom) => Promise<ExtResult<JoinedRoom>>,
): Promise<ExtResult<TabRoom>> {
  await reg.drop(tabId, true); // one room per tab: joining another leaves the current one
  const conn = new RelayConnection(relayUrl, () => reg.changed(tabId));
  const connected = await conn.whenConnected();
  const answer = connected.ok ? await send(conn) : connected;
  const joined = answer.ok ? await open(answer.data) : answer;
  if (!joined.ok) {
    if (answer.ok) await conn.request((s) => s.emitWithAck('room:leave'), z.null());
    conn.close();
    reg.fail(tabId, joined.error, joined.message);
    return joined;
  }
  const { memberId, resumeToken, room, chat, follows } = joined.data;
  const feed = feedOnEntry(room, memberId, chat ?? [], Date.now());
  return {
    ok: true,
    data: reg.adoptConnected(tabId, conn, { relayUrl, memberId, resumeToken, room, feed, roomKey, follows: follows === true }),
  };
}

export async function joinTab(reg: Registry, tabId: number, invite: string, navigate: boolean): Promise<ExtResult<TabState>> {
  const parsed = parseInvite(invite);
  if (!parsed.ok) {
    reg.fail(tabId, LocalError.InvalidInvite, parsed.message);
    return failure(LocalError.InvalidInvite, parsed.message);
  }
  const settings = await loadSettings();
  const { code, relayUrl, pageUrl, key } = parsed.invite;
  if (navigate && pageUrl !== null) {
    const current = await tabUrl(tabId);
    if (current === null || !sameVideoPage(current, pageUrl)) await browser.tabs.update(tabId, { url: pageUrl });
  }
  let codec: RoomCodec;
  try {
    codec = await roomCodec(key, code);
  } catch (err) {
    const bad = damaged(err);
    if (!bad.ok) reg.fail(tabId, bad.error, bad.message);
    return bad;
  }
  const profile = await codec.profileOut(settings.profile);
  const entered = await enter(
    reg,
    tabId,
    relayUrl ?? settings.relayUrl,
    key,
    async (conn) => {
      const r = await conn.request((s) => s.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile }), joinedRoomSchema);
      // A sealed name refused by an open room: the link's key is not for this room.
      return !r.ok && r.error === ErrorCode.BadRequest && key !== null ? failure(LocalError.DamagedInvite) : r;
    },
    (joined) => openJoined(codec, joined),
  );
  return entered.ok ? stateOrError(reg, tabId) : entered;
}

/**
 * Creates a private room: a new room key, its key check to the relay, the creator's name sealed.
 * The room code (bound into every sealed value) comes with the answer, so the name is sealed again
 * for the code right away and the media sent then; until then the creator's own name is known here.
 */
async function createPrivate(
  reg: Registry,
  tabId: number,
  relayUrl: string,
  request: Pick<CreateRoomRequest, 'settings'>,
  profile: Profile,
  media: Media | undefined,
): Promise<ExtResult<TabState>> {
  const roomKey = newRoomKey();
  const seal = await roomSeal(roomKey);
  // Bound to no room yet: replaced before anyone else can be in the room (nobody has the code).
  const pendingName = await seal.seal('name', '', profile.name);
  const entered = await enter(
    reg,
    tabId,
    relayUrl,
    roomKey,
    (conn) =>
      conn.request(
        (s) =>
          s.emitWithAck('room:create', {
            protocol: PROTOCOL_VERSION,
            private: { keyCheck: seal.keyCheck },
            profile: { ...profile, name: pendingName },
            ...request,
          }),
        joinedRoomSchema,
      ),
    async (joined) => {
      // The creator is the only member, its name sealed for no room yet: open the rest, name it here.
      const self = joined.room.members.find((m) => m.id === joined.memberId);
      if (self === undefined || joined.room.members.length !== 1) return failure(LocalError.BadAnswer);
      const opened = await openJoined(sealedCodec(seal, joined.room.code), { ...joined, room: { ...joined.room, members: [] } });
      if (!opened.ok) return opened;
      return { ok: true, data: { ...opened.data, room: { ...opened.data.room, members: [{ ...self, name: profile.name }] } } };
    },
  );
  if (!entered.ok) return entered;
  const room = entered.data;
  const named = await room.profile(profile);
  const shown = named.ok && media !== undefined ? await room.media(media) : named;
  if (!shown.ok) {
    await reg.drop(tabId, true);
    reg.fail(tabId, shown.error, shown.message);
    return shown;
  }
  if (media !== undefined) reg.mediaBecameRoomVideo(tabId);
  return stateOrError(reg, tabId);
}

export function popupHandlers(reg: Registry): Handlers<PopupToBackground> {
  return {
    getTabState: ({ tabId }) => stateOrError(reg, tabId),

    createRoom: async ({ tabId, settings: chosen, private: isPrivate = true }) => {
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
      if (isPrivate) return createPrivate(reg, tabId, s.relayUrl, { settings }, s.profile, media);
      const entered = await enter(
        reg,
        tabId,
        s.relayUrl,
        null,
        (conn) =>
          conn.request(
            (sock) => sock.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: s.profile, settings, media }),
            joinedRoomSchema,
          ),
        (joined) => openJoined(OPEN_CODEC, joined),
      );
      if (!entered.ok) return entered;
      if (media !== undefined) reg.mediaBecameRoomVideo(tabId);
      return stateOrError(reg, tabId);
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
