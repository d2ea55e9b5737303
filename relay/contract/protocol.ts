/**
 * Lockstep wire contract between the extension and the relay (socket.io 4).
 *
 * relay/contract/ is what both runtimes share, and the only part of either that the other imports:
 * the relay and the extension (worker, content script, popup, options) both import this folder
 * (eslint.config.mjs enforces it). This file has no imports and uses no Node or browser APIs.
 * Runtime validation lives beside it in `schemas.ts` (client payloads), `answer-schemas.ts` (what
 * the relay sends) and `value-schemas.ts` (profile, media, settings: both ways), checked against
 * these types at compile time; the timeline math in `timeline.ts`. A rule both sides apply (the rate clamp, display names, member order) is written
 * here once.
 *
 * Units: media positions and durations in seconds (float); relay times in
 * milliseconds on the relay's clock (float, from its high-resolution clock);
 * RTTs and offsets in milliseconds.
 */

/**
 * Bumped on any incompatible change. A client sends it on create/join/resume. Version 2 added
 * private rooms (sealed values); the relay still serves version 1 clients in open rooms.
 */
export const PROTOCOL_VERSION = 2;
/** The oldest client version the relay serves; the oldest that can be in a private room. */
export const MIN_PROTOCOL_VERSION = 1;
export const PRIVATE_ROOMS_SINCE = 2;

/** Every error a client may see. Internal errors never reach a client, only `internal`. */
export const ErrorCode = {
  /** Payload failed validation (wrong types, missing or extra fields, too large). */
  BadRequest: 'bad_request',
  /** The client speaks another protocol version. */
  VersionMismatch: 'version_mismatch',
  /** No room with that code (never existed, or expired after its grace). */
  RoomNotFound: 'room_not_found',
  /** The room has reached its member limit. */
  RoomFull: 'room_full',
  /** The event needs a room and this connection is in none. */
  NotInRoom: 'not_in_room',
  /** Already in a room: leave first. */
  AlreadyInRoom: 'already_in_room',
  /** Only the host may do that (host-only control mode, settings, hand-over). */
  NotHost: 'not_host',
  /** Target member is not in the room. */
  MemberNotFound: 'member_not_found',
  /** The resume token is unknown or expired. */
  ResumeFailed: 'resume_failed',
  /** The control was based on an older timeline (`baseSeq` < current seq). */
  Stale: 'stale',
  /** The room is private (end-to-end encrypted) and this client is too old to open it: update Lockstep. */
  UpgradeRequired: 'upgrade_required',
  /** The room is private: its key is in the invite link, and a join without it (a bare room code) cannot read the room. */
  PrivateRoom: 'private_room',
  /** Too many events of this kind; slow down. */
  RateLimited: 'rate_limited',
  /** The relay is shutting down or its store is unreachable; try again. */
  Unavailable: 'unavailable',
  /** Something failed inside the relay. Details are in its log, never on the wire. */
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Every acknowledgement carries a Result. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorCode; message?: string };

/** Playback rates a room accepts (`rate` controls outside are refused); players are held within them too. */
export const MIN_RATE = 0.25;
export const MAX_RATE = 2;

/** The rate within [MIN_RATE, MAX_RATE]. */
export function clampRate(rate: number): number {
  return Math.min(MAX_RATE, Math.max(MIN_RATE, rate));
}

/** Limits shared by the validator and the UI. */
export const LIMITS = {
  nameMaxLength: 32,
  chatMaxLength: 500,
  /** The room keeps its last chat messages: at most this many, and at most this many bytes of text (UTF-8). */
  chatHistoryCount: 50,
  chatHistoryBytes: 16_384,
  urlMaxLength: 2048,
  titleMaxLength: 200,
  /** Room codes: 14 characters of a 32-symbol alphabet = 70 bits. */
  roomCodeLength: 14,
  minRate: MIN_RATE,
  maxRate: MAX_RATE,
} as const;

/**
 * Sealed values (private rooms, extension/crypto/seal.ts): `s1.` + base64url(IV ‖ ciphertext ‖ tag),
 * AES-256-GCM. The relay never opens them; it checks their shape and caps their length here.
 * SEALED_MAX_BYTES is the largest plaintext (UTF-8) of each kind: a name or title of the UI's
 * length limit in 3-byte characters, a URL of LIMITS.urlMaxLength (URLs are ASCII), the longest reaction.
 */
export type SealedKind = 'url' | 'title' | 'chat' | 'name' | 'reaction';
export const SEALED_PREFIX = 's1.';
export const SEALED_MAX_BYTES: Readonly<Record<SealedKind, number>> = {
  url: LIMITS.urlMaxLength,
  title: LIMITS.titleMaxLength * 3,
  chat: LIMITS.chatMaxLength * 3,
  name: LIMITS.nameMaxLength * 3,
  reaction: 16,
};
/** 12-byte IV and 16-byte tag around the plaintext. */
const SEAL_OVERHEAD_BYTES = 28;

/** The longest sealed string of `kind` (the prefix and unpadded base64url). */
export function sealedMaxLength(kind: SealedKind): number {
  return SEALED_PREFIX.length + Math.ceil(((SEALED_MAX_BYTES[kind] + SEAL_OVERHEAD_BYTES) * 4) / 3);
}

/** True when `text` has the shape of a sealed value of `kind` (what the relay can check; it cannot open it). */
export function isSealed(kind: SealedKind, text: string): boolean {
  return (
    text.length <= sealedMaxLength(kind) &&
    text.length >= SEALED_PREFIX.length + Math.ceil((SEAL_OVERHEAD_BYTES * 4) / 3) &&
    text.startsWith(SEALED_PREFIX) &&
    /^[A-Za-z0-9_-]+$/.test(text.slice(SEALED_PREFIX.length))
  );
}

/** HMAC-SHA-256 in base64url: a media key (URL equality in private rooms) and a key check. */
export const DIGEST_LENGTH = 43;

/** The first rule a display name breaks: empty, longer than LIMITS.nameMaxLength, or with control characters. */
export type DisplayNameProblem = 'empty' | 'too_long' | 'control_characters';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * The display-name rule (what the other members see): trimmed, 1 to LIMITS.nameMaxLength
 * characters, no control characters. Null when `name` keeps it; the relay refuses any other.
 */
export function displayNameProblem(name: string): DisplayNameProblem | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return 'empty';
  if (trimmed.length > LIMITS.nameMaxLength) return 'too_long';
  if (CONTROL_CHARACTERS.test(trimmed)) return 'control_characters';
  return null;
}

/**
 * Room code alphabet: Crockford base32 without ambiguous symbols (no I, L, O, U).
 * Codes are case-insensitive; clients may show them grouped with dashes, which the relay ignores.
 */
export const ROOM_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type ControlMode = 'everyone' | 'host';
/** What the room does when a member buffers or shows an ad. */
export type WaitPolicy = 'wait' | 'continue';
/** What members do when the controller opens another video. */
export type NavigationPolicy = 'follow' | 'ask';

export interface RoomSettings {
  controlMode: ControlMode;
  waitPolicy: WaitPolicy;
  navigationPolicy: NavigationPolicy;
}

export type MemberRole = 'host' | 'member';
export type MemberStatus = 'playing' | 'paused' | 'buffering' | 'ad' | 'no_video';

export interface Member {
  id: string;
  name: string;
  /** CSS hex colour, `#rrggbb`. */
  color: string;
  role: MemberRole;
  status: MemberStatus;
  /** Signed offset of this member's player from the room timeline (ms, + = ahead), when reported. */
  offsetMs: number | null;
  /** Round trip to the relay as the member measured it (ms), when reported. */
  rttMs: number | null;
  /** Relay time at which the member joined; host passes to the smallest. */
  joinedAt: number;
  /** False while the member's connection is away but within the grace period. */
  connected: boolean;
}

/**
 * The order members are listed in, by the relay and the extension alike: longest-present first
 * (the smallest `joinedAt`), ties broken by id so every relay and every client agree.
 */
export function byJoinOrder(a: Pick<Member, 'joinedAt' | 'id'>, b: Pick<Member, 'joinedAt' | 'id'>): number {
  return a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface Media {
  /** Page URL the video is watched on (what an invite link opens); sealed (kind `url`) in a private room. */
  url: string;
  /** Sealed (kind `title`) in a private room. */
  title: string;
  /** Seconds, when the player knows it. */
  duration: number | null;
  /**
   * Private rooms only: HMAC-SHA-256 of the URL under a key derived from the room key
   * (DIGEST_LENGTH characters). The relay compares these where it would compare URLs (the same
   * video keeps the timeline); equal URLs have equal keys, and the key does not reveal the URL.
   */
  key?: string;
}

/** True when two media are the same video: the same media key in a private room, else the same URL. */
export function sameVideo(a: Media, b: Media): boolean {
  if (a.key !== undefined || b.key !== undefined) return a.key === b.key;
  return a.url === b.url;
}

/**
 * The room's one authoritative timeline.
 *
 * Position at relay time t (see `extension/core/timeline.ts#positionAt`):
 * - held (paused, or `waitingFor` non-empty): `position`
 * - playing: `position + rate * max(0, t - setAt) / 1000`, clamped to [0, duration]
 * A `setAt` in the future is a scheduled start: be at `position` and start playing at `setAt`.
 */
export interface Timeline {
  media: Media | null;
  paused: boolean;
  position: number;
  rate: number;
  setAt: number;
  /** Incremented on every change; clients drop states with a smaller seq than they hold. */
  seq: number;
  /** Members the room waits on under the `wait` policy (buffering or in an ad). */
  waitingFor: string[];
  /** Relay time after which the room stops waiting and the stalled members catch up, or null. */
  holdUntil: number | null;
  /** Member who made the last change, or null for the relay itself (hold timeouts). */
  by: string | null;
}

export interface RoomView {
  /** Canonical room code (upper case, no dashes). */
  code: string;
  /**
   * Private rooms (chosen at creation, never changed): names, media URLs and titles, chat and
   * reactions are sealed values. `keyCheck` is the creator's RoomSeal.keyCheck, so a joiner knows
   * at once whether its key is the room's; null in an open room.
   */
  private: boolean;
  keyCheck: string | null;
  settings: RoomSettings;
  members: Member[];
  timeline: Timeline;
}

export interface JoinedRoom {
  room: RoomView;
  /** This connection's member id. */
  memberId: string;
  /** Secret that lets the same member come back within the grace period (`room:resume`). */
  resumeToken: string;
  /**
   * The room's chat history, oldest first (at most LIMITS.chatHistoryCount messages and
   * LIMITS.chatHistoryBytes of text). Absent from relays older than the room panel.
   */
  chat?: ChatMessage[];
  /**
   * The relay applies timeline.ts followedStatus to the room's members on every new timeline, so a
   * client that declared `status:follows` need not report a status the timeline implies. Absent
   * from older relays: report every status change.
   */
  follows?: boolean;
}

export interface Profile {
  /** A display name; sealed (kind `name`) in a private room. */
  name: string;
  /** `#rrggbb`; the relay picks one when omitted. */
  color?: string;
}

export interface CreateRoomRequest {
  protocol: number;
  /** A private room: every name, media, chat line and reaction in it must be sealed. Absent: open. */
  private?: { keyCheck: string };
  profile: Profile;
  settings?: Partial<RoomSettings>;
  media?: Media;
}

export interface JoinRoomRequest {
  protocol: number;
  /** Case-insensitive; dashes and spaces ignored. */
  code: string;
  profile: Profile;
}

export interface ResumeRequest {
  protocol: number;
  resumeToken: string;
}

/**
 * A playback change. The relay stamps it with its time, applies it atomically to the
 * timeline and broadcasts the new timeline to the room (the sender included).
 * `baseSeq`, when given, makes the relay refuse with `stale` if the timeline moved on.
 */
export type ControlRequest =
  | { action: 'play'; position?: number; baseSeq?: number }
  | { action: 'pause'; position?: number; baseSeq?: number }
  | { action: 'seek'; position: number; baseSeq?: number }
  | { action: 'rate'; rate: number; baseSeq?: number }
  | { action: 'media'; media: Media; baseSeq?: number };
export type ControlAction = ControlRequest['action'];

export interface StatusReport {
  status: MemberStatus;
  offsetMs?: number | null;
  rttMs?: number | null;
  /**
   * The timeline (`seq`) the member had when it saw this status. When the room has moved on since,
   * the relay stores the status the newer timeline implies for a member that follows
   * (timeline.ts followedStatus): the member is about to follow it, and will not report that.
   */
  seq?: number;
}

/**
 * A member's offset and RTT between status changes: fire-and-forget (no ack), so a member sends it
 * every couple of seconds without an answer, and the relay neither stores it (unless the RTT moved
 * enough to matter for scheduling) nor echoes it one by one.
 */
export interface TelemetryReport {
  offsetMs: number | null;
  rttMs: number | null;
}

/** One member's latest telemetry, as `members:telemetry` carries it. */
export interface MemberTelemetry {
  memberId: string;
  offsetMs: number | null;
  rttMs: number | null;
}

/**
 * A member's status as one entry of `members:status`: what a status report sets (the rest of the
 * member is unchanged; `member:updated` carries the whole member when anything else changes).
 */
export interface MemberStatusEntry {
  memberId: string;
  status: MemberStatus;
  offsetMs: number | null;
  rttMs: number | null;
  /**
   * The room's timeline (`seq`) when the relay stored this status. A client that has a newer
   * timeline (this batch came late, from another relay) applies timeline.ts followedStatus to it, as
   * the relay did. Absent from older relays.
   */
  seq?: number;
}

/**
 * What a client declares it understands, in the socket.io handshake (`auth: {features: [...]}`),
 * which an older relay ignores. `members:status`: it applies status batches, so the relay need not
 * send it a `member:updated` per status report. `status:follows`: it takes a member that was
 * playing or paused to follow each new timeline (timeline.ts followedStatus) without a report, and
 * itself reports only what differs from that; the relay says in its join answer (`JoinedRoom.follows`)
 * that it does the same, and sends the statuses a new timeline implied to the members without it.
 */
export const CLIENT_FEATURES = ['members:status', 'status:follows'] as const;
export type ClientFeature = (typeof CLIENT_FEATURES)[number];

/** The features a handshake's `auth` declares (anything else in it is ignored, never trusted further). */
export function declaredFeatures(auth: unknown): Set<ClientFeature> {
  const list = typeof auth === 'object' && auth !== null ? (auth as { features?: unknown }).features : undefined;
  const out = new Set<ClientFeature>();
  if (!Array.isArray(list)) return out;
  for (const f of list.slice(0, 16)) if ((CLIENT_FEATURES as readonly unknown[]).includes(f)) out.add(f as ClientFeature);
  return out;
}

export interface ChatMessage {
  /** Unique within the room: a message in the join answer's history and its live broadcast are one. */
  id: string;
  /** The sender's member id. */
  from: string;
  /** Sealed (kind `chat`) in a private room. */
  text: string;
  /** Relay time (ms). */
  at: number;
}

/** The reactions a member can send: a row of six in the room panel. */
export const REACTIONS = ['👍', '😂', '😮', '😢', '❤️', '🎉'] as const;
export type Reaction = (typeof REACTIONS)[number];

/** A reaction floating over everyone's video for a moment: broadcast, never stored. */
export interface ReactionEvent {
  from: string;
  /** One of REACTIONS; sealed (kind `reaction`) in a private room. */
  emoji: string;
  /** Relay time (ms). */
  at: number;
}

export interface MemberLeft {
  memberId: string;
  /** The new host when the leaver was host. */
  hostId: string | null;
}

/** Events a client emits. Every one but `time:ping` and `member:telemetry` answers with a Result through its ack. */
export interface ClientToServerEvents {
  'room:create': (req: CreateRoomRequest, ack: (res: Result<JoinedRoom>) => void) => void;
  'room:join': (req: JoinRoomRequest, ack: (res: Result<JoinedRoom>) => void) => void;
  'room:resume': (req: ResumeRequest, ack: (res: Result<JoinedRoom>) => void) => void;
  'room:leave': (ack: (res: Result<null>) => void) => void;
  'room:settings': (req: Partial<RoomSettings>, ack: (res: Result<RoomSettings>) => void) => void;
  'room:transfer-host': (req: { memberId: string }, ack: (res: Result<null>) => void) => void;
  'member:profile': (req: Profile, ack: (res: Result<Member>) => void) => void;
  /**
   * Acks the sender's updated member. The others get it in the room's next `members:status` batch,
   * and those without that feature a `member:updated` (offset-only updates volatile).
   */
  'member:status': (req: StatusReport, ack: (res: Result<Member>) => void) => void;
  /** No ack: the relay batches it into `members:telemetry`; an invalid or over-budget one is dropped. */
  'member:telemetry': (report: TelemetryReport) => void;
  /**
   * Starts (`on: true`) or stops receiving `members:telemetry`: the others' offsets and RTTs, which
   * only a person looking at the member list needs (the extension watches while its popup is open).
   * Starting sends each member's latest report soon, from every relay serving the room.
   */
  'members:watch': (req: { on: boolean }, ack: (res: Result<null>) => void) => void;
  'playback:control': (req: ControlRequest, ack: (res: Result<Timeline>) => void) => void;
  'chat:send': (req: { text: string }, ack: (res: Result<null>) => void) => void;
  /** A reaction to the room (its own token bucket; volatile broadcast, not stored). */
  'reaction:send': (req: { emoji: string }, ack: (res: Result<null>) => void) => void;
  /** Answers the relay's clock (ms) at once; for NTP-style offset estimation. */
  'time:ping': (ack: (relayTime: number) => void) => void;
}

/** Events the relay emits to the members of a room. */
export interface ServerToClientEvents {
  'playback:state': (timeline: Timeline) => void;
  'member:joined': (member: Member) => void;
  'member:updated': (member: Member) => void;
  'member:left': (left: MemberLeft) => void;
  /**
   * Status reports, batched per room by each relay (the latest of each of its members within
   * `STATUS_BATCH_MS` of the first), to the whole room, sender included; sent before any other
   * broadcast of that relay to the room, so the order of events is kept. Volatile when every entry
   * changed only an offset or RTT.
   */
  'members:status': (entries: MemberStatusEntry[]) => void;
  /**
   * The telemetry members reported since the last batch (each relay batches its own connections'),
   * to the members that watch (`members:watch`) only.
   */
  'members:telemetry': (entries: MemberTelemetry[]) => void;
  'room:settings': (settings: RoomSettings) => void;
  'chat:message': (msg: ChatMessage) => void;
  reaction: (reaction: ReactionEvent) => void;
}

export const DEFAULT_SETTINGS: RoomSettings = {
  controlMode: 'everyone',
  waitPolicy: 'wait',
  navigationPolicy: 'follow',
};
