/**
 * One tab's membership of a room: its relay connection, the room as last seen, and the requests
 * the popup and the tab's owner frame make. What must survive the worker being stopped
 * (relay, code, member id, resume token, room key, last view) is handed to the registry to persist; on a
 * new connection (reconnect, or a restarted worker) the member resumes its seat with the token.
 *
 * In a private room this is where values are sealed and opened (room-codec.ts): what goes out is
 * sealed, what comes in is opened before anything else sees it, so the room as kept here (and
 * everything the registry, popup and panel get from it) is plain. Opening is asynchronous, so what
 * the relay sends is handled in order through one queue (`inbox`).
 */
import {
  PROTOCOL_VERSION,
  type ChatMessage,
  type ControlRequest,
  type JoinedRoom,
  type Media,
  type Member,
  type MemberStatusEntry,
  type MemberTelemetry,
  type Profile,
  type Reaction,
  type RoomSettings,
  type RoomView,
  type StatusReport,
  type Timeline,
} from '../../relay/contract/protocol';
import { byJoinOrder, ErrorCode } from '../../relay/contract/protocol';
import { followedStatus } from '../../relay/contract/timeline';
import {
  chatMessageSchema,
  joinedRoomSchema,
  memberLeftSchema,
  memberSchema,
  reactionEventSchema,
  statusBatchSchema,
  telemetryBatchSchema,
  timelineSchema,
} from '../../relay/contract/answer-schemas';
import { settingsSchema } from '../../relay/contract/value-schemas';
import * as z from 'zod/mini';
import type { ExtResult, FrameSync } from '../messages';
import { log } from '../log';
import { EMPTY_FEED, feedStep, type Feed, type RoomEvent } from '../room-feed';
import { SealError } from '../crypto/seal';
import { LocalError } from '../messages';
import { failure } from './errors';
import { roomCodec, type OpenedReaction, type RoomCodec } from './room-codec';
import { RelayConnection } from './relay-connection';

/** What the registry stores in storage.session for a tab in a room. */
export interface PersistedRoom {
  relayUrl: string;
  memberId: string;
  resumeToken: string;
  room: RoomView;
  /** The room's log as the panel shows it (chat history and activity, room-feed.ts). */
  feed: Feed;
  /** A private room's key (what the invite link carries); null or absent for an open room. */
  roomKey?: string | null;
  /**
   * The relay makes members follow each new timeline (JoinedRoom.follows), as of its latest join
   * or resume answer; absent or false: an older relay, told every status change.
   */
  follows?: boolean;
}

/** What a tab room asks of the registry. */
export interface RoomHost {
  /** The room or its connection changed: persist, update popups and badge. */
  changed(tabId: number): void;
  /** A new timeline for the owner frame; `previous` is the timeline before it. */
  timeline(tabId: number, timeline: Timeline, previous: Timeline): void;
  /** The connection came back and the seat was resumed (maybe on another relay node). */
  resumed(tabId: number): void;
  /** The seat is gone for good (expired room, refused resume, a room that no longer opens with its key). */
  lost(tabId: number, error: ErrorCode | LocalError, message: string): void;
  /** A chat message reached the room's log for the first time (already in the feed when this is called). */
  chat(tabId: number, message: ChatMessage): void;
  /** Someone reacted (never stored). */
  reaction(tabId: number, reaction: OpenedReaction): void;
  /** Something the relay sent did not open with the room's key: it was dropped (not shown). */
  unopenable(tabId: number, message: string): void;
}

/** The words for a value that did not open: the invite's key is not the room's, or the relay altered it. */
export function damaged(err: unknown): ExtResult<never> {
  const why = err instanceof SealError ? ` (${err.message})` : '';
  log.warn(`a sealed value did not open${why}`);
  return failure(LocalError.DamagedInvite);
}

/**
 * A join or create answer, opened: the room must be private exactly when there is a key, its key
 * check the key's, every member and the media must open. History lines that do not open are left
 * out (logged): one altered line does not keep a member out of the room.
 */
export async function openJoined(codec: RoomCodec, joined: JoinedRoom): Promise<ExtResult<JoinedRoom>> {
  let room: RoomView;
  try {
    room = await codec.room(joined.room);
  } catch (err) {
    if (!codec.private && joined.room.private) return failure(ErrorCode.PrivateRoom);
    return damaged(err);
  }
  const chat: ChatMessage[] = [];
  for (const m of joined.chat ?? []) {
    try {
      chat.push(await codec.chat(m));
    } catch (err) {
      log.warn('a chat message in the history did not open; it is not shown', err);
    }
  }
  return { ok: true, data: { ...joined, room, chat } };
}

/** Wait before trying `room:resume` again after a transient failure. */
export const RESUME_RETRY_MS = 2000;
/** Transient failures in a row before the seat counts as lost (a relay that never says yes). */
export const RESUME_MAX_RETRIES = 10;
/**
 * `member:status` reports at most this often (the relay's steady budget is 4 a second): a player
 * that flaps between states must not get its member disconnected as a flooder.
 */
export const STATUS_MIN_GAP_MS = 250;

/** A status report waiting its turn; a newer report replaces it, and everyone waiting gets the answer. */
interface WaitingStatus {
  report: StatusReport;
  answer: Array<(r: ExtResult<null>) => void>;
}

/** For what the relay sends that holds nothing sealed (telemetry, departures, settings). */
const plain = <T>(_codec: RoomCodec, value: T): Promise<T> => Promise.resolve(value);

const RELAY_ERRORS: ReadonlySet<string> = new Set(Object.values(ErrorCode));
function isRelayError(code: string): code is ErrorCode {
  return RELAY_ERRORS.has(code);
}

export class TabRoom {
  private joined: PersistedRoom;
  /** This room's sealing (or the open codec), made from the stored key. */
  private readonly codec: Promise<RoomCodec>;
  /** What the relay sends, handled one after the other (opening sealed values takes a moment). */
  private inbox: Promise<void> = Promise.resolve();
  private retry: ReturnType<typeof setTimeout> | null = null;
  private retries = 0;
  private disposed = false;
  private statusWaiting: WaitingStatus | null = null;
  private statusInFlight = false;
  private statusTimer: ReturnType<typeof setTimeout> | null = null;
  private lastStatusAt = -Infinity;
  /** The relay sends the others' offsets and RTTs while this is true (the tab's popup is open). */
  private watching = false;

  constructor(
    readonly tabId: number,
    readonly conn: RelayConnection,
    joined: PersistedRoom,
    private readonly host: RoomHost,
  ) {
    // A room stored by a build before the panel has no feed.
    this.joined = { ...joined, feed: joined.feed ?? EMPTY_FEED };
    this.codec = roomCodec(joined.roomKey ?? null, joined.room.code);
    this.listen();
  }

  /** Resolves once everything received so far has been handled (opened and applied). */
  received(): Promise<void> {
    return this.inbox;
  }

  /** True in a private room (values sealed with the room key). */
  get private(): boolean {
    return (this.joined.roomKey ?? null) !== null;
  }

  /**
   * Queues `act` on what the relay sent, opened by `open` first: in order, after whatever came
   * before. A value that does not open is dropped and reported, never passed on.
   */
  private receive<T, U>(
    event: string,
    payload: T,
    open: (codec: RoomCodec, value: T) => Promise<U>,
    act: (value: U) => void,
  ): Promise<void> {
    return (this.inbox = this.inbox.then(async () => {
      if (this.disposed) return;
      let opened: U;
      try {
        opened = await open(await this.codec, payload);
      } catch (err) {
        log.warn(`dropped a '${event}' that did not open with the room's key`, err);
        this.host.unopenable(
          this.tabId,
          `This invite link is damaged, or the relay altered what it sent: something in the room (a '${event}') did not open with the link's key and is not shown.`,
        );
        return;
      }
      if (!this.disposed) act(opened);
    }));
  }

  get state(): PersistedRoom {
    return this.joined;
  }
  get code(): string {
    return this.joined.room.code;
  }
  get memberId(): string {
    return this.joined.memberId;
  }
  get room(): RoomView {
    return this.joined.room;
  }
  get feed(): Feed {
    return this.joined.feed;
  }
  get you(): Member | undefined {
    return this.room.members.find((m) => m.id === this.memberId);
  }
  /** True when this member may change the playback. */
  get controls(): boolean {
    return this.room.settings.controlMode === 'everyone' || this.you?.role === 'host';
  }

  frameSync(): FrameSync {
    return {
      code: this.code,
      memberId: this.memberId,
      role: this.you?.role ?? 'member',
      settings: this.room.settings,
      timeline: this.room.timeline,
      connected: this.conn.socket.connected,
      follows: this.joined.follows === true,
    };
  }

  private update(room: Partial<RoomView>): void {
    this.joined = { ...this.joined, room: { ...this.joined.room, ...room } };
    this.host.changed(this.tabId);
  }

  /** Writes what `event` means to the log, from the room as it is before the event is applied. */
  private record(event: RoomEvent): void {
    this.joined = { ...this.joined, feed: feedStep(this.feed, this.room, this.memberId, event, Date.now()) };
  }

  private upsert(member: Member, joined = false): void {
    this.record({ type: joined ? 'joined' : 'updated', member });
    const others = this.room.members.filter((m) => m.id !== member.id);
    this.update({ members: [...others, member].sort(byJoinOrder) });
  }

  /**
   * A relay's batch of status reports: each entry updates a member the room already lists (a batch
   * may name one who just left) as a `member:updated` would, but for this member, whose own status
   * the acknowledgement of its report already gave.
   */
  private applyStatuses(entries: readonly MemberStatusEntry[]): void {
    const t = this.room.timeline;
    for (const e of entries) {
      const known = this.room.members.find((m) => m.id === e.memberId);
      if (known === undefined || e.memberId === this.memberId) continue;
      // Stored under an older timeline than this tab has (another relay's batch, late): the member
      // has followed the newer one since, as the relay stored it.
      const status = this.joined.follows === true && e.seq !== undefined && e.seq < t.seq ? followedStatus(e.status, t) : e.status;
      if (known.status === status && known.offsetMs === e.offsetMs && known.rttMs === e.rttMs) continue;
      this.upsert({ ...known, status, offsetMs: e.offsetMs, rttMs: e.rttMs });
    }
  }

  /** Offsets and RTTs of members the room already lists (a batch may name one who just left). */
  private applyTelemetry(entries: readonly MemberTelemetry[]): void {
    const byId = new Map(entries.map((e) => [e.memberId, e]));
    let changed = false;
    const members = this.room.members.map((m): Member => {
      const t = byId.get(m.id);
      if (t === undefined || (t.offsetMs === m.offsetMs && t.rttMs === m.rttMs)) return m;
      changed = true;
      return { ...m, offsetMs: t.offsetMs, rttMs: t.rttMs };
    });
    if (changed) this.update({ members });
  }

  private listen(): void {
    const s = this.conn.socket;
    s.on(
      'playback:state',
      checked('playback:state', timelineSchema, (t) =>
        this.receive(
          'playback:state',
          t,
          (c, v) => c.timeline(v),
          (v) => this.applyTimeline(v),
        ),
      ),
    );
    s.on(
      'member:joined',
      checked('member:joined', memberSchema, (m) =>
        this.receive(
          'member:joined',
          m,
          (c, v) => c.member(v),
          (v) => this.upsert(v, true),
        ),
      ),
    );
    s.on(
      'member:updated',
      checked('member:updated', memberSchema, (m) =>
        this.receive(
          'member:updated',
          m,
          (c, v) => c.member(v),
          (v) => this.upsert(v),
        ),
      ),
    );
    s.on(
      'members:status',
      checked('members:status', statusBatchSchema, (entries) =>
        this.receive('members:status', entries, plain, (v) => this.applyStatuses(v)),
      ),
    );
    s.on(
      'members:telemetry',
      checked('members:telemetry', telemetryBatchSchema, (entries) =>
        this.receive('members:telemetry', entries, plain, (v) => this.applyTelemetry(v)),
      ),
    );
    s.on(
      'member:left',
      checked('member:left', memberLeftSchema, (left) =>
        this.receive('member:left', left, plain, ({ memberId, hostId }) => {
          this.record({ type: 'left', memberId, hostId });
          const members = this.room.members
            .filter((m) => m.id !== memberId)
            .map((m): Member => (hostId === null ? m : { ...m, role: m.id === hostId ? 'host' : 'member' }));
          this.update({ members });
        }),
      ),
    );
    s.on(
      'room:settings',
      checked('room:settings', settingsSchema, (settings) =>
        this.receive('room:settings', settings, plain, (v) => this.update({ settings: v })),
      ),
    );
    s.on(
      'chat:message',
      checked('chat:message', chatMessageSchema, (message) =>
        this.receive(
          'chat:message',
          message,
          (c, v) => c.chat(v),
          (v) => this.addChat([v]),
        ),
      ),
    );
    s.on(
      'reaction',
      checked('reaction', reactionEventSchema, (reaction) =>
        this.receive(
          'reaction',
          reaction,
          (c, v) => c.reaction(v),
          (v) => this.host.reaction(this.tabId, v),
        ),
      ),
    );
    // Every connection after the one the seat was taken on resumes it.
    s.on('connect', () => {
      void this.resume();
    });
  }

  applyTimeline(t: Timeline): void {
    const previous = this.room.timeline;
    if (t.seq <= previous.seq) return; // stale or already seen (the ack and the broadcast both carry it)
    this.record({ type: 'timeline', timeline: t });
    // With a relay that does the same, the members that were playing or paused follow the new
    // timeline without a report (relay/rooms/followers.ts).
    let members = this.room.members;
    if (this.joined.follows === true)
      for (const [i, m] of members.entries()) {
        const status = followedStatus(m.status, t);
        if (status === m.status) continue;
        if (members === this.room.members) members = [...members];
        members[i] = { ...m, status };
      }
    this.update(members === this.room.members ? { timeline: t } : { timeline: t, members });
    this.host.timeline(this.tabId, t, previous);
  }

  /** Takes the seat back with the resume token; on success the room view is replaced. */
  async resume(): Promise<ExtResult<null>> {
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    const r = await this.conn.request(
      (s) => s.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: this.joined.resumeToken }),
      joinedRoomSchema,
    );
    if (r.ok) {
      this.retries = 0;
      this.conn.settled();
      const opened = await openJoined(await this.codec, r.data);
      if (!opened.ok) {
        this.host.lost(this.tabId, opened.error, opened.message);
        return opened;
      }
      // In order with the broadcasts received meanwhile (a resume answer replaces the room).
      await this.receive('room:resume', opened.data, plain, (v) => this.accept(v));
      if (this.watching) void this.sendWatch();
      this.host.resumed(this.tabId);
      return { ok: true, data: null };
    }
    const fatal = r.error === ErrorCode.ResumeFailed || r.error === ErrorCode.RoomNotFound || r.error === ErrorCode.VersionMismatch;
    const relayError = isRelayError(r.error) ? r.error : null;
    // A relay that keeps refusing (not one that cannot be reached: that one we keep trying).
    if (relayError !== null && (fatal || this.retries >= RESUME_MAX_RETRIES)) {
      this.host.lost(this.tabId, relayError, r.message);
    } else if (this.conn.socket.connected && !this.disposed) {
      // A relay that is busy, restarting or lost its store for a moment: try again shortly.
      log.info(`resuming the room failed (${r.message}); retrying`);
      this.retries++;
      this.retry = setTimeout(() => void this.resume(), RESUME_RETRY_MS);
    }
    return r;
  }

  /**
   * Messages new to the log (a broadcast, or a resume answer's history holding what was said while
   * this member was away); each reaches the host once, de-duplicated by id.
   */
  private addChat(messages: ChatMessage[]): void {
    const before = this.feed;
    this.record({ type: 'history', messages });
    if (this.feed === before) return;
    const known = new Set(before.entries.map((e) => e.id));
    for (const m of messages) {
      if (known.has(m.id)) continue;
      known.add(m.id);
      this.host.chat(this.tabId, m);
    }
    this.host.changed(this.tabId);
  }

  private accept(joined: JoinedRoom): void {
    const seqBefore = this.room.timeline.seq;
    const previous = this.room.timeline;
    this.joined = {
      ...this.joined,
      memberId: joined.memberId,
      resumeToken: joined.resumeToken,
      room: joined.room,
      follows: joined.follows === true,
    };
    if (joined.chat !== undefined && joined.chat.length > 0) this.addChat(joined.chat);
    this.host.changed(this.tabId);
    if (joined.room.timeline.seq !== seqBefore) this.host.timeline(this.tabId, joined.room.timeline, previous);
  }

  async control(req: ControlRequest): Promise<ExtResult<Timeline>> {
    const codec = await this.codec;
    const sent = req.action === 'media' ? { ...req, media: await codec.mediaOut(req.media) } : req;
    const r = await this.conn.request((s) => s.emitWithAck('playback:control', sent), timelineSchema);
    if (!r.ok) return r;
    const opened = await this.opened(codec.timeline(r.data));
    if (opened.ok) this.applyTimeline(opened.data);
    return opened;
  }

  /** An answer opened; one that does not open is a damaged room, never shown. */
  private async opened<T>(value: Promise<T>): Promise<ExtResult<T>> {
    try {
      return { ok: true, data: await value };
    } catch (err) {
      return damaged(err);
    }
  }

  /**
   * Reports this member's status. A new status goes as `member:status`, and the relay answers
   * with the member as the room now sees it; the same status again only carries the offset and
   * RTT, sent as `member:telemetry` without an answer (the relay batches it to the room). Should
   * a status report fail, the room still shows the old status, so the next report is a status again.
   * While a status report is on its way or waiting, every report is a status (the latest waits):
   * the room's view of this member is not settled, and telemetry must not overtake it.
   */
  async status(sent: StatusReport): Promise<ExtResult<null>> {
    // The timeline a report was seen under means something only to a relay that makes members
    // follow timelines; an older one refuses a field it does not know.
    const { seq, ...plainReport } = sent;
    const report: StatusReport = this.joined.follows === true && seq !== undefined ? sent : plainReport;
    const { offsetMs, rttMs } = report;
    const settled = !this.statusInFlight && this.statusWaiting === null;
    if (settled && this.you?.status === report.status && offsetMs !== undefined && rttMs !== undefined) {
      const sent = this.conn.fire((s) => s.emit('member:telemetry', { offsetMs, rttMs }));
      if (sent.ok) this.applyTelemetry([{ memberId: this.memberId, offsetMs, rttMs }]);
      return sent;
    }
    return new Promise((answer) => {
      const waiting = this.statusWaiting;
      this.statusWaiting = { report, answer: [...(waiting?.answer ?? []), answer] };
      this.sendStatus();
    });
  }

  /** Sends the waiting status report: one at a time, at most one every STATUS_MIN_GAP_MS. */
  private sendStatus(): void {
    if (this.statusInFlight || this.statusTimer !== null || this.statusWaiting === null) return;
    const wait = this.lastStatusAt + STATUS_MIN_GAP_MS - performance.now();
    if (wait > 0) {
      this.statusTimer = setTimeout(() => {
        this.statusTimer = null;
        this.sendStatus();
      }, wait);
      return;
    }
    const { report, answer } = this.statusWaiting;
    this.statusWaiting = null;
    this.statusInFlight = true;
    this.lastStatusAt = performance.now();
    void this.conn
      .request((s) => s.emitWithAck('member:status', report), memberSchema)
      .then(async (answer) => (answer.ok ? this.opened((await this.codec).member(answer.data)) : answer))
      .then((r) => {
        this.statusInFlight = false;
        if (r.ok && !this.disposed) this.upsert(r.data);
        for (const done of answer) done(r.ok ? { ok: true, data: null } : r);
        if (!this.disposed) this.sendStatus();
      });
  }

  /**
   * Someone looks at the member list (the popup opened, or its last window closed): only then does
   * the relay send the others' offsets and RTTs (`members:watch`), so a room nobody looks at costs
   * no telemetry batches. Sent again after each resume while watching.
   */
  watchMembers(on: boolean): void {
    if (on === this.watching || this.disposed) return;
    this.watching = on;
    void this.sendWatch();
  }

  private async sendWatch(): Promise<void> {
    // Not connected: the resume after the reconnect sends it.
    if (!this.conn.socket.connected) return;
    const on = this.watching;
    const r = await this.conn.request((s) => s.emitWithAck('members:watch', { on }), z.null());
    if (!r.ok) log.info(`members:watch ${on ? 'on' : 'off'}: ${r.message}`);
  }

  async settings(patch: Partial<RoomSettings>): Promise<ExtResult<RoomSettings>> {
    const r = await this.conn.request((s) => s.emitWithAck('room:settings', patch), settingsSchema);
    if (r.ok) this.update({ settings: r.data });
    return r;
  }

  transferHost(memberId: string): Promise<ExtResult<null>> {
    return this.conn.request((s) => s.emitWithAck('room:transfer-host', { memberId }), z.null());
  }

  async profile(profile: Profile): Promise<ExtResult<Member>> {
    const codec = await this.codec;
    const sealed = await codec.profileOut(profile);
    const r = await this.conn.request((s) => s.emitWithAck('member:profile', sealed), memberSchema);
    if (!r.ok) return r;
    const opened = await this.opened(codec.member(r.data));
    if (opened.ok) this.upsert(opened.data);
    return opened;
  }

  media(media: Media): Promise<ExtResult<Timeline>> {
    return this.control({ action: 'media', media });
  }

  /** Sends a chat message; it reaches the log when the relay broadcasts it back (the sender included). */
  async chat(text: string): Promise<ExtResult<null>> {
    const sealed = await (await this.codec).chatOut(text);
    return this.conn.request((s) => s.emitWithAck('chat:send', { text: sealed }), z.null());
  }

  async react(emoji: Reaction): Promise<ExtResult<null>> {
    const sealed = await (await this.codec).reactionOut(emoji);
    return this.conn.request((s) => s.emitWithAck('reaction:send', { emoji: sealed }), z.null());
  }

  /** Leaves the room (best effort: a relay that cannot be reached forgets the seat after its grace). */
  async leave(): Promise<void> {
    if (this.conn.socket.connected) {
      const r = await this.conn.request((s) => s.emitWithAck('room:leave'), z.null());
      if (!r.ok) log.info(`leaving room: ${r.message}`);
    }
    this.dispose();
  }

  dispose(): void {
    this.disposed = true;
    if (this.retry !== null) clearTimeout(this.retry);
    if (this.statusTimer !== null) clearTimeout(this.statusTimer);
    const waiting = this.statusWaiting?.answer ?? [];
    this.statusWaiting = null;
    for (const done of waiting) done(failure(ErrorCode.NotInRoom));
    this.conn.close();
  }
}

/** A broadcast listener that acts only on payloads fitting the protocol; anything else is logged and dropped. */
function checked<T>(event: string, schema: z.ZodMiniType<T>, act: (payload: T) => void): (payload: unknown) => void {
  return (payload) => {
    const r = schema.safeParse(payload);
    if (r.success) act(r.data);
    else log.warn(`dropped a '${event}' from the relay that does not fit the protocol`, z.prettifyError(r.error));
  };
}
