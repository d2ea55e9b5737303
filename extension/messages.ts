/**
 * Typed messages between extension contexts: one map per direction.
 * Each entry names its payload and the response the handler resolves with.
 * The background's handler objects are `{ [K in keyof ToBackground]: ... }`, so a message
 * without a handler does not compile.
 */
import type { ControlRequest, ErrorCode, Media, Member, Profile, RoomSettings, StatusReport, Timeline } from '../relay/contract/protocol';
import type { MediaInfo } from './content/adapters/types';

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
  /** The relay answered with something that does not fit the protocol (relay/contract/answer-schemas.ts). */
  BadAnswer: 'bad_answer',
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

/** What the frame that owns a tab's video needs to follow the room. */
export interface FrameSync {
  code: string;
  memberId: string;
  role: Member['role'];
  settings: RoomSettings;
  timeline: Timeline;
  /** False while the relay connection is down (the engine keeps the player running meanwhile). */
  connected: boolean;
}

/** Where a frame's best video candidate stands, for choosing the tab's owner frame. */
export interface VideoReport {
  present: boolean;
  media: MediaInfo | null;
  /** On-screen area in CSS px² (bigger wins), 0 when none. */
  area: number;
  /** The user has played it (a played video beats a bigger idle one). */
  played: boolean;
}

/** What opening an invite link did: joined, or the person has to agree to connect to the invite's relay first. */
export type InviteLanding = { kind: 'joined'; state: TabState } | { kind: 'confirm-relay'; relayUrl: string };

/**
 * Messages content scripts send to the background (`runtime.sendMessage`); the background
 * knows the tab and frame from `sender` and checks them.
 */
export interface ContentToBackground {
  /** A frame found, changed or lost its main video. The answer says whether it owns the tab's room video. */
  video: { payload: VideoReport; response: ExtResult<{ owner: boolean; sync: FrameSync | null }> };
  /**
   * The page was opened from an invite link (the fragment, already removed from the URL). An
   * invite naming another relay than the configured one is joined only once the person agreed in
   * the page (`confirmedRelay`: the relay URL they agreed to); until then the answer asks for it.
   */
  inviteLanding: { payload: { invite: string; confirmedRelay?: string }; response: ExtResult<InviteLanding> };
  /** A user action on the player, as the engine phrased it. Owner frame only. */
  control: { payload: ControlRequest; response: ExtResult<Timeline> };
  /** Engine telemetry (status, offset, RTT). Owner frame only. */
  status: { payload: StatusReport; response: ExtResult<null> };
  /** One `time:ping` round trip through the background; t0/t3 are taken in the content script. */
  timePing: { payload: null; response: ExtResult<{ relayTime: number }> };
}

/** Messages the background sends to one frame (`tabs.sendMessage` with `frameId`). */
export interface BackgroundToContent {
  /** The tab joined, changed or left its room (null), or this frame lost ownership (null). */
  sync: { payload: FrameSync | null; response: null };
  /** A new room timeline (`playback:state` or a control's ack). */
  timeline: { payload: Timeline; response: null };
  /** The relay connection came back (maybe to another node): start the clock over. */
  reconnected: { payload: null; response: null };
  /** The controller opened another video; under the `ask` policy the page asks first. */
  navigate: { payload: { media: Media; ask: boolean }; response: null };
  /**
   * The tab started loading a document and its frames' reports were dropped: every live frame
   * reports its video again (a new document may have reported before the background saw it load).
   */
  report: { payload: null; response: null };
}

/** The envelope every message travels in: `{ type, payload }`. */
export type Envelope<M> = { [K in keyof M]: { type: K; payload: M[K] extends { payload: infer P } ? P : never } }[keyof M];
