/**
 * Where rooms live. The relay keeps no authoritative room state in process memory: every read
 * and change goes through a RoomStore, so the in-memory store (one relay) and the Redis store
 * (several relays serving one room) are interchangeable.
 *
 * Changes are read-modify-write through `update`, which applies a pure `mutate` function
 * atomically: the memory store runs it synchronously; the Redis store runs it under a version
 * check (optimistic concurrency, retried on conflict), so two relays never lose each other's writes.
 *
 * The room's chat history is kept beside the room, not in it: an append needs no compare-and-set
 * (two relays appending at once both succeed, in some order) and the room itself, read and written
 * on every event, stays small. It lives and dies with the room (same expiry, deleted with it).
 */
import type { ChatMessage, Media, Member, RoomSettings, Timeline } from '../contract/protocol';

/** A member as stored: the public view plus what only the relay may see. */
export interface StoredMember extends Member {
  /** SHA-256 (hex) of the member's resume token; the token itself is never stored. */
  resumeHash: string;
  /** Relay time the member's connection went away (null while connected). */
  awaySince: number | null;
  /**
   * The connection (socket id) the member is present on. A resumed member's old connection may
   * report its disconnect late; it must not mark the member away. Absent = any connection.
   */
  connectionId?: string | null;
  /**
   * The member's client applies `members:status` batches (protocol.ts CLIENT_FEATURES), as declared
   * on its latest connection. Absent or false: it also needs a `member:updated` per status report.
   */
  batches?: boolean;
  /**
   * The member's client declared `status:follows` (protocol.ts CLIENT_FEATURES) on its latest
   * connection: it follows each new timeline's statuses itself. Absent or false: the relay sends it
   * the statuses a new timeline implied (relay/rooms/followers.ts).
   */
  follows?: boolean;
}

export interface StoredRoom {
  /** Canonical code (upper case, no dashes). */
  code: string;
  settings: RoomSettings;
  /**
   * A private room (protocol.ts RoomView.private): names, media, chat and reactions in it are sealed
   * values the relay cannot open. Absent in rooms stored before private rooms (open).
   */
  private?: boolean;
  /** The creator's key check (private rooms), handed to joiners; null or absent in an open room. */
  keyCheck?: string | null;
  /** Keyed by member id. */
  members: Record<string, StoredMember>;
  timeline: Timeline;
  /** Last media announced (kept when the timeline is reset). */
  media: Media | null;
  createdAt: number;
  /**
   * Relay time (ms) after which the room may be deleted: set when the last member leaves or
   * goes away (now + grace), null while anyone is present. Stores expire rooms on their own
   * (timers in memory, PEXPIREAT in Redis); a room read after its expiry does not exist.
   */
  expiresAt: number | null;
  /** Incremented by the store on every successful update. */
  version: number;
}

/**
 * What a `mutate` function returns: the new room (or `null` to delete it) and a value for the
 * caller, or an error value that leaves the room untouched.
 */
export type Mutation<T, E = string> = { ok: true; room: StoredRoom | null; value: T; announce?: Announcement } | { ok: false; error: E };

/**
 * A broadcast to the room that the write itself causes (a control's new timeline). A store that
 * shares rooms between relays may publish it in the same atomic step as the write, so the other
 * relays hear it in the order of the writes, with no second round trip; `UpdateResult.announced`
 * then holds where it was published, and the caller only delivers it to this relay's own members
 * (RelayContext.announce). Without `announced` the caller broadcasts it as any other.
 */
export interface Announcement {
  event: 'playback:state';
  args: [Timeline];
}

export type UpdateResult<T, E = string> =
  { ok: true; room: StoredRoom | null; value: T; announced?: string } | { ok: false; error: E | 'room_not_found' | 'conflict' };

export interface RoomStore {
  /** Stores a new room; false when the code is taken (the caller draws another code). */
  create(room: StoredRoom): Promise<boolean>;
  /** The room, or null when it does not exist or has expired. */
  get(code: string): Promise<StoredRoom | null>;
  /**
   * Atomically applies `mutate` to the current room. `mutate` must be pure (it may run more
   * than once under contention). `conflict` only after the store gave up retrying.
   */
  update<T, E = string>(code: string, mutate: (room: StoredRoom) => Mutation<T, E>): Promise<UpdateResult<T, E>>;
  /**
   * Appends to the room's chat history atomically, capped as relay/store/chat-history.ts says
   * (the oldest dropped). False when the room does not exist.
   */
  appendChat(code: string, message: ChatMessage): Promise<boolean>;
  /** The room's chat history, oldest first ([] when there is none, or no room). */
  chat(code: string): Promise<ChatMessage[]>;
  /** Number of rooms held (for /metrics; may be approximate for shared stores). */
  count(): Promise<number>;
  /** True when the store can serve requests now (readiness). */
  ready(): boolean;
  close(): Promise<void>;
}
