/**
 * Typed messages between extension contexts: one map per direction.
 * Each entry names its payload and the response the handler resolves with.
 * The background's handler objects are `{ [K in keyof ToBackground]: ... }`, so a message
 * without a handler does not compile.
 */
import type {
  ControlRequest,
  ErrorCode,
  Member,
  Profile,
  Reaction,
  RoomSettings,
  StatusReport,
  Timeline,
} from '../relay/contract/protocol';
import type { MediaInfo } from './content/adapters/types';
import type { FeedEntry } from './room-feed';

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
  /** A private room's values do not open with the invite link's key (wrong or altered key, or a tampering relay). */
  DamagedInvite: 'damaged_invite',
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
  /** Private (end-to-end encrypted): the popup and the panel show a lock. */
  private: boolean;
  /** The link carries the room key (private rooms) in its fragment. */
  inviteLink: string;
  settings: RoomSettings;
  members: Member[];
  /** This browser's member id in the room. */
  you: string;
  timeline: Timeline;
}

/**
 * How the room panel shows in a tab, remembered per tab (the background keeps it with the tab in
 * storage.session): not at all, as the sidebar, or collapsed to a pill.
 */
export type PanelMode = 'hidden' | 'open' | 'collapsed';

/** Everything the popup shows for one tab; pushed again on every change. */
export interface TabState {
  tabId: number;
  connection: ConnectionView;
  video: { present: boolean; title: string | null; url: string | null };
  room: TabRoomView | null;
  /** The last failure for this tab (e.g. an invite to an expired room), until the next action. */
  lastError: { code: ErrorCode | LocalError; message: string } | null;
  panel: PanelMode;
}

/** Messages the popup and options pages send to the background worker. */
export interface PopupToBackground {
  getTabState: { payload: { tabId: number }; response: ExtResult<TabState> };
  /** `private` (the default): a room key is made here and every value in the room is sealed with it. */
  createRoom: { payload: { tabId: number; settings: Partial<RoomSettings>; private?: boolean }; response: ExtResult<TabState> };
  /** `invite` is an invite link or a bare room code (then the configured relay is used). */
  joinRoom: { payload: { tabId: number; invite: string }; response: ExtResult<TabState> };
  leaveRoom: { payload: { tabId: number }; response: ExtResult<TabState> };
  updateRoomSettings: { payload: { tabId: number; settings: Partial<RoomSettings> }; response: ExtResult<RoomSettings> };
  transferHost: { payload: { tabId: number; memberId: string }; response: ExtResult<null> };
  /** Saves the display name/colour and tells every room this browser is in. */
  setProfile: { payload: Profile; response: ExtResult<Profile> };
  /** Connects to a relay URL once and reports the measured round trip. */
  testConnection: { payload: { relayUrl: string }; response: ExtResult<{ rttMs: number }> };
  /** Shows the tab's room panel ("Show room panel"), or hides it. */
  showPanel: { payload: { tabId: number; show: boolean }; response: ExtResult<TabState> };
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
  /** The relay takes a member that follows a new timeline to have its status (PersistedRoom.follows): report only what differs. */
  follows: boolean;
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

/**
 * A question or a notice for the person in a tab, shown by the prompt page (prompt.html, an extension
 * page the top frame embeds: content/embeds/prompt-host.ts), never in the page's own DOM. The page
 * can neither read it nor answer it: the answer comes from prompt.html itself (`answerPrompt`),
 * and the background acts on what it kept, never on what the answer says beyond yes or no.
 */
export type PromptView =
  /**
   * An invite link was opened: join its room? (`otherRelay`: on a relay that is not the one in the
   * options; `private`: the link carries the room's key, so the relay sees no names).
   */
  | { id: string; kind: 'join'; code: string; relayUrl: string; otherRelay: boolean; private: boolean }
  /** The room moved on to another video: open it? (`host`: where it goes, whatever the title says). */
  | { id: string; kind: 'follow'; title: string; host: string; url: string }
  /** Something the person should know (an invite that could not be joined), with a Close button. */
  | { id: string; kind: 'notice'; title: string; message: string };

/** The prompt page connects `runtime.connect({ name: PROMPT_PORT })` and gets `{ prompt }` on every change. */
export const PROMPT_PORT = 'prompt';
export interface PromptMessage {
  prompt: PromptView | null;
}

/** Messages the prompt page (prompt.html, embedded in a tab) sends; the tab is `sender.tab`. */
export interface PromptToBackground {
  /** The person clicked Join/Go (`accept`) or Cancel/Stay/Close in prompt `id`. */
  answerPrompt: { payload: { id: string; accept: boolean }; response: ExtResult<null> };
}

/**
 * Messages content scripts send to the background (`runtime.sendMessage`); the background
 * knows the tab and frame from `sender` and checks them.
 */
export interface ContentToBackground {
  /** A frame found, changed or lost its main video. The answer says whether it owns the tab's room video. */
  video: { payload: VideoReport; response: ExtResult<{ owner: boolean; sync: FrameSync | null }> };
  /**
   * The page was opened from an invite link (the fragment, already removed from the URL). Nothing
   * is joined yet: the background asks the person in the tab's prompt (PromptView 'join'), and
   * joins only on their click there. A page can put an invite in its own address; it cannot click.
   */
  inviteLanding: { payload: { invite: string }; response: ExtResult<null> };
  /** A user action on the player, as the engine phrased it. Owner frame only. */
  control: { payload: ControlRequest; response: ExtResult<Timeline> };
  /** Engine telemetry (status, offset, RTT). Owner frame only. */
  status: { payload: StatusReport; response: ExtResult<null> };
  /** One `time:ping` round trip through the background; t0/t3 are taken in the content script. */
  timePing: { payload: null; response: ExtResult<{ relayTime: number }> };
  /**
   * Nothing to do: a frame syncing a room sends it when it sent nothing else for a while
   * (CADENCE.keepAliveMs), because a runtime message is what keeps Firefox's event page awake.
   */
  keepAlive: { payload: null; response: ExtResult<null> };
  /** How the tab's room panel shows (the top frame asks when it starts; changes come as `panel`). Top frame only. */
  panelMode: { payload: null; response: ExtResult<PanelMode> };
  /** Whether the tab has a prompt to show (the top frame asks when it starts; changes come as `prompt`). Top frame only. */
  promptShown: { payload: null; response: ExtResult<boolean> };
}

/** Messages the background sends to one frame (`tabs.sendMessage` with `frameId`). */
export interface BackgroundToContent {
  /** The tab joined, changed or left its room (null), or this frame lost ownership (null). */
  sync: { payload: FrameSync | null; response: null };
  /** A new room timeline (`playback:state` or a control's ack). */
  timeline: { payload: Timeline; response: null };
  /** The relay connection came back (maybe to another node): start the clock over. */
  reconnected: { payload: null; response: null };
  /**
   * The tab started loading a document and its frames' reports were dropped: every live frame
   * reports its video again (a new document may have reported before the background saw it load).
   */
  report: { payload: null; response: null };
  /** The tab's room panel is to show like this (top frame only: it sizes and places the panel's iframe). */
  panel: { payload: PanelMode; response: null };
  /** The tab has a prompt (true) or none (top frame only: it places the prompt page's iframe, whose content it never sees). */
  prompt: { payload: boolean; response: null };
  /**
   * Someone reacted: the owner frame shows the reactions overlay over its video for a moment. Which
   * reaction and from whom the overlay page learns from the background itself, never through the page.
   */
  reactions: { payload: null; response: null };
}

/**
 * Messages the room panel (panel.html, an extension page in an iframe the tab's top frame inserts)
 * sends to the background (`runtime.sendMessage`). The background takes the tab from `sender.tab`,
 * never from the payload, and acts only for senders on panel.html itself.
 */
export interface PanelToBackground {
  /** A chat message to the tab's room (LIMITS.chatMaxLength characters at most). */
  sendChat: { payload: { text: string }; response: ExtResult<null> };
  /** One of REACTIONS to the tab's room. */
  sendReaction: { payload: { emoji: Reaction }; response: ExtResult<null> };
  /** The panel's own buttons: collapse to the pill, open again, hide. */
  setPanelMode: { payload: { mode: PanelMode }; response: ExtResult<null> };
  /** Whether the panel can be seen (open and its tab visible): messages arriving meanwhile are read. */
  panelVisible: { payload: { visible: boolean }; response: ExtResult<null> };
  /** "Make host", as in the popup. */
  transferHost: { payload: { memberId: string }; response: ExtResult<null> };
}

/**
 * What the room panel shows, pushed over its port (`runtime.connect({ name: PANEL_PORT })`) on every
 * change. The log (`feed`) is sent only when it changed since the last push to that port.
 */
export interface PanelView {
  mode: PanelMode;
  connection: ConnectionView;
  room: TabRoomView | null;
  /** Chat messages that arrived while the panel could not be seen. */
  unread: number;
  feed: { version: number; entries: FeedEntry[] } | null;
  /** Something in the room that did not open with the link's key and is not shown (a private room), in words. */
  notice: string | null;
}

export const PANEL_PORT = 'panel';

/** The shortcut that shows or hides the panel (manifest.json `commands`; rebindable in the browser's shortcut settings). */
export const TOGGLE_PANEL_COMMAND = 'toggle-room-panel';

/** A reaction as the overlay shows it: the member's name and colour already looked up. */
export interface FloatingReaction {
  id: string;
  emoji: Reaction;
  name: string;
  color: string;
}

/**
 * The reactions overlay (reactions.html, over the owner frame's video) connects
 * `runtime.connect({ name: REACTIONS_PORT })` and gets `{ reactions }` as they come.
 */
export const REACTIONS_PORT = 'reactions';
export interface OverlayMessage {
  reactions: FloatingReaction[];
}

/** The envelope every message travels in: `{ type, payload }`. */
export type Envelope<M> = { [K in keyof M]: { type: K; payload: M[K] extends { payload: infer P } ? P : never } }[keyof M];
