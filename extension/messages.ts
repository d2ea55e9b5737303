/**
 * Typed messages between extension contexts: one map per direction.
 * Each entry names its payload and the response the handler resolves with.
 * The background's handler objects are `{ [K in keyof ToBackground]: ... }`, so a message
 * without a handler does not compile.
 */
import type { ErrorCode, Member, RoomSettings, Timeline, Profile } from '../relay/protocol';

/** Failures that happen inside the extension, before or beside the relay. */
export const LocalError = {
  /** The text is not a Lockstep invite link or room code. */
  InvalidInvite: 'invalid_invite',
  /** The relay could not be reached (see TabState.connection.relayUrl). */
  RelayUnreachable: 'relay_unreachable',
  /** The configured relay URL is not a valid http(s)/ws(s) URL. */
  InvalidRelayUrl: 'invalid_relay_url',
  /** No tab with that id, or the tab is not a web page. */
  NoSuchTab: 'no_such_tab',
  /** Creating a room needs a video on the page. */
  NoVideo: 'no_video',
  /** Settings or profile failed validation. */
  InvalidInput: 'invalid_input',
  /** The message came from a context that may not send it. */
  Forbidden: 'forbidden',
} as const;
export type LocalError = (typeof LocalError)[keyof typeof LocalError];

/** Result inside the extension: relay codes or local ones, always with words for a person. */
export type ExtResult<T> = { ok: true; data: T } | { ok: false; error: ErrorCode | LocalError; message: string };

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'unreachable';

export interface ConnectionView {
  status: ConnectionStatus;
  /** The relay URL in use or last tried. */
  relayUrl: string;
  /** Human-readable reason when unreachable/reconnecting. */
  detail: string | null;
  /** Last measured round trip to the relay (ms). */
  rttMs: number | null;
}

export interface TabRoomView {
  code: string;
  inviteLink: string;
  settings: RoomSettings;
  members: Member[];
  /** This browser's member id in the room. */
  you: string;
  timeline: Timeline;
}

/** Everything the popup shows for one tab; pushed again on every change. */
export interface TabState {
  tabId: number;
  connection: ConnectionView;
  video: { present: boolean; title: string | null; url: string | null };
  room: TabRoomView | null;
  /** The last failure for this tab (e.g. an invite to an expired room), until the next action. */
  lastError: { code: ErrorCode | LocalError; message: string } | null;
}

/** Messages the popup and options pages send to the background worker. */
export interface PopupToBackground {
  getTabState: { payload: { tabId: number }; response: ExtResult<TabState> };
  createRoom: { payload: { tabId: number; settings: Partial<RoomSettings> }; response: ExtResult<TabState> };
  /** `invite` is an invite link or a bare room code (then the configured relay is used). */
  joinRoom: { payload: { tabId: number; invite: string }; response: ExtResult<TabState> };
  leaveRoom: { payload: { tabId: number }; response: ExtResult<TabState> };
  updateRoomSettings: { payload: { tabId: number; settings: Partial<RoomSettings> }; response: ExtResult<RoomSettings> };
  transferHost: { payload: { tabId: number; memberId: string }; response: ExtResult<null> };
  /** Saves the display name/colour and tells every room this browser is in. */
  setProfile: { payload: Profile; response: ExtResult<Profile> };
  /** Connects to a relay URL once and reports the measured round trip. */
  testConnection: { payload: { relayUrl: string }; response: ExtResult<{ rttMs: number }> };
}

/**
 * Live updates: the popup opens `runtime.connect({ name: POPUP_PORT_PREFIX + tabId })`
 * and receives a `TabState` message on every change of that tab's state.
 */
export const POPUP_PORT_PREFIX = 'popup:';
