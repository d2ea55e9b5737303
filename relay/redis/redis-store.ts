/**
 * RoomStore shared by several relays through Redis (ioredis).
 *
 * A room is one hash `{prefix}room:{CODE}` (its fields and scripts: relay/redis/room-scripts.ts).
 * `update` is optimistic concurrency: apply the pure `mutate` to the room this relay last read or
 * wrote (its snapshot, below), then a Lua compare-and-set writes only if the room is still that one
 * (its version and the id of the write it came from). So an update of a room nobody else changed
 * since is one round trip. When the room moved on, the script answers with the room as it is now,
 * and the update is applied again to that at once (a relay that knew no copy reads first): for a
 * copy that was behind, and again for the first race lost to another relay. Later losses read the
 * room afresh after a jittered back-off, and give `conflict` after MAX_ATTEMPTS. A group whose
 * every update was refused on a copy from memory is tried again on a fresh read: a refusal writes
 * nothing, so the compare-and-set cannot vouch for the copy. The updates of a room that wait
 * while its write is in flight go together in the next write (a group commit), so `v` counts
 * writes, not updates. Rooms expire in Redis by PEXPIREAT at `expiresAt` (PERSIST while someone
 * is present). `count()` reads a sorted-set index scored by expiry (+inf while present), from
 * which expired entries are trimmed lazily.
 *
 * The room's chat history is a list `{prefix}chat:{CODE}` beside the hash (relay/redis/chat-scripts.ts),
 * appended by its own script rather than through the compare-and-set: an append never conflicts
 * with a control, and the room's JSON, read and written on every event, does not carry up to
 * 16 KiB of chat. Every room script that sets the room's expiry sets the list's too (or deletes it
 * with the room).
 *
 * Redis without persistence forgets everything when it restarts. The store notices (a new
 * run_id when the connection is ready again), puts back the rooms it last saw (RoomSnapshots;
 * when several relays restore one room, the newest copy wins, and a relay whose copy lost drops
 * it) and reports not ready until then; every command waits for that check first. Copies of rooms
 * with someone present that the relay has not used for a while are checked against Redis
 * (`recheckCopies`): one that went away through another relay is neither kept nor put back, one
 * another relay wrote is read again.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { randomBytes } from 'node:crypto';
import { appendChatEntry, parseChatEntry, withChatScripts } from './chat-scripts';
import { withRoomScripts, type RoomRedis } from './room-scripts';
import { parseRunId, RoomSnapshots, type Snapshot } from './room-snapshots';
import type { ChatMessage } from '../contract/protocol';
import type { Announcement, Mutation, RoomStore, StoredRoom, UpdateResult } from '../store/room-store';
import { announcementEntry, MAIN_NAMESPACE, type StreamAnnouncer } from './stream-announce';

/** Tries before `conflict`: two relays racing on one room settle in 2-3; 12 leaves a margin. */
const MAX_ATTEMPTS = 12;

export interface RedisStoreOptions {
  /** A connected (or connecting) client; the store defines its scripts on it and owns it. */
  redis: Redis;
  /** Prefix of every key, e.g. `lockstep:` (tests use a unique one each). */
  keyPrefix: string;
  /** Clock in the relay's time base (ms), to compare with `expiresAt`. */
  now: () => number;
  /** Waits between conflicting attempts; a random delay by default (tests may pass 0). */
  backoffMs?: (attempt: number) => number;
  /** For the restore check after a reconnect (failures, rooms put back). */
  logger?: Logger;
}

/** Most updates of one room applied in one write (a group commit; the rest wait for the next). */
const MAX_GROUP = 64;

/** An update waiting for its room's next write; typed loosely, each caller's T and E are its own. */
interface PendingUpdate {
  mutate: (room: StoredRoom) => Mutation<unknown, unknown>;
  resolve: (result: UpdateResult<unknown, unknown>) => void;
  reject: (err: unknown) => void;
}

/** What one update of a group came to: its result (with what it announces), or what its `mutate` threw. */
type Outcome = UpdateResult<unknown, unknown> | Announced | { thrown: unknown };
type Announced = { ok: true; room: StoredRoom | null; value: unknown; announce: Announcement };

/** The indexes of the outcomes that announce something. */
function announcementsOf(outcomes: Outcome[]): number[] {
  const at: number[] = [];
  outcomes.forEach((o, i) => {
    if ('announce' in o) at.push(i);
  });
  return at;
}

function withoutAnnouncement(o: Outcome): Outcome {
  if (!('announce' in o)) return o;
  const { announce: _, ...rest } = o;
  return rest;
}

/** How often snapshots of expired rooms are dropped, and those not seen for RECHECK_MS checked. */
const PRUNE_MS = 60_000;
/** A copy of a room with someone present that this relay has not read or written for this long is checked against Redis. */
const RECHECK_MS = 5 * 60_000;
/** Copies checked per pipeline. */
const RECHECK_BATCH = 500;

const defaultBackoff = (attempt: number): number => Math.random() * Math.min(20, 2 ** attempt);

export class RedisRoomStore implements RoomStore {
  private readonly redis: RoomRedis;
  private readonly index: string;
  private readonly backoff: (attempt: number) => number;
  /** Updates waiting for their room's next write, and the rooms with a write in flight. */
  private readonly waiting = new Map<string, PendingUpdate[]>();
  private readonly writing = new Set<string>();
  private readonly snapshots: RoomSnapshots;
  private readonly pruner: NodeJS.Timeout;
  /** Redis' run_id when last checked; a different one after a reconnect means it lost its data. */
  private runId: string | null = null;
  private syncing = false;
  /** Connections made so far (each 'ready'): answers from before a reconnection may be another Redis'. */
  private connections = 0;
  private rechecking = false;
  /** Whether the last copy check failed (logged once per run of failures). */
  private recheckFailing = false;
  private synced: Promise<void> = Promise.resolve();
  /** Ids of this relay's writes: a random prefix of its own, then a count. */
  private readonly writePrefix = randomBytes(9).toString('base64url');
  private writes = 0;
  /** Where the store publishes what its writes announce (with the scripts on its connection); null: the caller broadcasts them. */
  private announcer: (StreamAnnouncer & { redis: RoomRedis }) | null = null;

  constructor(private readonly options: RedisStoreOptions) {
    this.redis = withRoomScripts(withChatScripts(options.redis));
    this.index = `${options.keyPrefix}rooms`;
    this.backoff = options.backoffMs ?? defaultBackoff;
    this.snapshots = new RoomSnapshots(options.now);
    this.pruner = setInterval(() => {
      this.snapshots.prune();
      this.recheckCopies().then(
        () => (this.recheckFailing = false),
        (err: unknown) => {
          if (!this.recheckFailing) options.logger?.warn({ err }, 'redis store: copies of rooms not checked (tried again every minute)');
          this.recheckFailing = true;
        },
      );
    }, PRUNE_MS).unref();
    this.redis.on('ready', () => this.sync());
    if (this.redis.status === 'ready') this.sync();
  }

  async create(room: StoredRoom): Promise<boolean> {
    await this.synced;
    if (this.expired(room)) return false;
    const json = JSON.stringify({ ...room, version: 0 });
    const write = this.nextWrite();
    const r = await this.redis.lockstepCreate(
      this.key(room.code),
      this.index,
      this.chatKey(room.code),
      room.code,
      json,
      expiryArg(room.expiresAt),
      '0',
      write,
    );
    if (r === 1) this.snapshots.set(room.code, { json, version: 0, write, expiresAt: room.expiresAt });
    return r === 1;
  }

  async get(code: string): Promise<StoredRoom | null> {
    return (await this.read(code))?.room ?? null;
  }

  /**
   * Updates of one room from this process are applied in order, and those that arrive while the
   * room's write is in flight are applied together in the next one (a group commit: one read, every
   * waiting `mutate` in turn, one compare-and-set). Only other relays can make the compare-and-set
   * fail, so a busy room on one node never burns its retries; and of a burst of status reports (an
   * older client's after every control), those queued behind the first share one write instead of one each.
   */
  update<T, E = string>(code: string, mutate: (room: StoredRoom) => Mutation<T, E>): Promise<UpdateResult<T, E>> {
    return new Promise((resolve, reject) => {
      const entry = { mutate, resolve, reject } as unknown as PendingUpdate;
      const waiting = this.waiting.get(code);
      if (waiting === undefined) this.waiting.set(code, [entry]);
      else waiting.push(entry);
      if (!this.writing.has(code)) void this.drain(code);
    });
  }

  /** Writes the room's waiting updates, a group at a time, until none is left. */
  private async drain(code: string): Promise<void> {
    this.writing.add(code);
    try {
      for (let group = this.takeGroup(code); group.length > 0; group = this.takeGroup(code)) {
        try {
          const outcomes = await this.swap(code, group);
          group.forEach((u, i) => {
            const o = outcomes[i]!;
            if ('thrown' in o) u.reject(o.thrown);
            else u.resolve(o);
          });
        } catch (err) {
          for (const u of group) u.reject(err);
        }
      }
    } finally {
      this.writing.delete(code);
    }
  }

  private takeGroup(code: string): PendingUpdate[] {
    const waiting = this.waiting.get(code);
    if (waiting === undefined) return [];
    if (waiting.length <= MAX_GROUP) {
      this.waiting.delete(code);
      return waiting;
    }
    return waiting.splice(0, MAX_GROUP);
  }

  /**
   * Each `mutate` applied to the room the previous one left (an error value or a throw leaves it
   * as it was, for that caller alone), then one compare-and-set; all again on the room the script
   * answers with when the room moved on. The first try starts from this relay's own copy.
   */
  private async swap(code: string, group: PendingUpdate[]): Promise<Outcome[]> {
    await this.synced;
    let current = this.known(code);
    /** Whether `current` came from memory, not from Redis during this swap (losing with it is no race). */
    let remembered = current !== null;
    if (current === null) current = await this.read(code);
    for (let lost = 0; ;) {
      if (current === null) return group.map(() => ({ ok: false, error: 'room_not_found' }));
      const { outcomes, changed, next } = applyGroup(code, current, group);
      if (!changed && !remembered) return outcomes;
      if (!changed) {
        // Refused on a copy from memory: perhaps one that is behind. Decide on the room as it is.
        current = await this.read(code);
        remembered = false;
        continue;
      }
      const json = next === null ? '' : JSON.stringify(next);
      const write = this.nextWrite();
      // A retry waits for the restart check too: a Redis that came back empty is refilled first.
      await this.synced;
      // What the group's writes announce goes out in the same script (nothing for a deleted room).
      const announcer = next === null ? null : this.announcer;
      const announcing = announcer === null ? [] : announcementsOf(outcomes);
      const args = [code, String(current.version), current.write, json, expiryArg(next?.expiresAt ?? null), write] as const;
      const answer =
        announcer === null || announcing.length === 0
          ? await this.redis.lockstepSwap(this.key(code), this.index, this.chatKey(code), ...args)
          : await announcer.redis.lockstepSwapAnnounce(
              this.key(code),
              this.index,
              this.chatKey(code),
              announcer.stream,
              ...args,
              String(announcer.maxLen),
              announcer.uid,
              MAIN_NAMESPACE,
              ...announcing.map((i) => announcementEntry(code, (outcomes[i] as Announced).announce)),
            );
      if (answer === 1 || (Array.isArray(answer) && answer[0] === 1)) {
        if (next === null) this.snapshots.delete(code);
        else this.snapshots.set(code, { json, version: current.version + 1, write, expiresAt: next.expiresAt });
        return outcomes.map((o, i) => {
          const at = announcing.indexOf(i);
          if (at < 0 || !Array.isArray(answer)) return withoutAnnouncement(o);
          return { ...withoutAnnouncement(o), announced: answer[at + 1] as string };
        });
      }
      if (answer === 0) {
        current = this.gone(code);
        continue;
      }
      const [v, d, w] = answer as [string, string | null, string];
      const now = this.parse(code, v, d, w);
      if (remembered) {
        // What was lost to was only this relay's copy being behind: no race, try again at once.
        remembered = false;
        current = now;
        continue;
      }
      // Another relay wrote in between: at once on the room it left, then on a fresh read after a wait.
      lost++;
      if (lost >= MAX_ATTEMPTS) return group.map(() => ({ ok: false, error: 'conflict' }));
      if (lost === 1) current = now;
      else {
        await delay(this.backoff(lost));
        current = await this.read(code);
      }
    }
  }

  /**
   * From now on, what a write announces is published in the same script, into `announcer`'s
   * stream; such writes go on the announcer's connection.
   */
  announceThrough(announcer: StreamAnnouncer): void {
    this.announcer = { ...announcer, redis: withRoomScripts(withChatScripts(announcer.redis)) };
  }

  async appendChat(code: string, message: ChatMessage): Promise<boolean> {
    await this.synced;
    return appendChatEntry(this.redis, this.key(code), this.chatKey(code), message);
  }

  async chat(code: string): Promise<ChatMessage[]> {
    await this.synced;
    return (await this.redis.lrange(this.chatKey(code), 0, -1)).map(parseChatEntry);
  }

  async count(): Promise<number> {
    const replies = await this.redis
      .multi()
      .zremrangebyscore(this.index, '-inf', `(${Math.floor(this.options.now())}`)
      .zcard(this.index)
      .exec();
    const [err, size] = replies?.[1] ?? [new Error('count: transaction aborted'), 0];
    if (err !== null) throw err;
    return Number(size);
  }

  ready(): boolean {
    return this.redis.status === 'ready' && !this.syncing;
  }

  /**
   * The copies of rooms with someone present that this relay has not read or written for
   * RECHECK_MS, checked against Redis (version and write id). A room Redis no longer holds (another
   * relay deleted it, or it expired after the last member left through another relay) is dropped,
   * so the relay neither keeps it for ever nor puts it back, present and empty, after a restart; a
   * room another relay has written since is read again; a copy still current is seen again. Answers
   * that may come from another connection than the one the check began on are not used: a Redis
   * that came back empty would read as every room gone, before the restart check puts them back.
   * Run every PRUNE_MS, one check at a time.
   */
  async recheckCopies(): Promise<{ dropped: number; reread: number }> {
    const result = { dropped: 0, reread: 0 };
    if (this.rechecking) return result;
    this.rechecking = true;
    try {
      const unseen = this.snapshots.unseen(RECHECK_MS);
      for (let i = 0; i < unseen.length; i += RECHECK_BATCH) {
        const connection = this.connections;
        const sameConnection = () => connection === this.connections && this.ready();
        if (!sameConnection()) break;
        const batch = unseen.slice(i, i + RECHECK_BATCH);
        // One pipeline each (ioredis batches commands issued in the same tick).
        const heads = await Promise.all(batch.map(([code]) => this.redis.hmget(this.key(code), 'v', 'w')));
        if (!sameConnection()) break;
        const behind: Array<[string, Snapshot]> = [];
        batch.forEach(([code, s], k) => {
          const [version, write] = heads[k]!;
          if (this.snapshots.get(code) !== s) return; // read or written meanwhile: that copy is newer
          if (version === null) {
            this.snapshots.delete(code);
            result.dropped++;
          } else if (Number(version) === s.version && (write ?? '') === s.write) this.snapshots.touch(code, s);
          else behind.push([code, s]);
        });
        if (behind.length === 0) continue;
        const rooms = await Promise.all(behind.map(([code]) => this.redis.hmget(this.key(code), 'v', 'd', 'w')));
        if (!sameConnection()) break;
        behind.forEach(([code, s], k) => {
          const [version, json, write] = rooms[k]!;
          // Gone since the first answer: the next check drops it.
          if (this.snapshots.get(code) !== s || version === null) return;
          this.parse(code, version, json, write);
          result.reread++;
        });
      }
    } finally {
      this.rechecking = false;
    }
    return result;
  }

  /** Resolves once the check on (re)connection (did Redis come back empty?) is done; `ready()` is false until then. */
  whenSynced(): Promise<void> {
    return this.synced;
  }

  async close(): Promise<void> {
    clearInterval(this.pruner);
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(code: string): string {
    return `${this.options.keyPrefix}room:${code}`;
  }

  private chatKey(code: string): string {
    return `${this.options.keyPrefix}chat:${code}`;
  }

  private expired(room: StoredRoom): boolean {
    return room.expiresAt !== null && this.options.now() >= room.expiresAt;
  }

  /** The room as Redis holds it, or null when absent or past its expiry (Redis may lag by a few ms). */
  private async read(code: string): Promise<Copy | null> {
    await this.synced;
    const [version, json, write] = await this.redis.hmget(this.key(code), 'v', 'd', 'w');
    return this.parse(code, version, json, write);
  }

  /**
   * A room as Redis holds it (its version, JSON and write id; null or undefined: absent), noted as
   * this relay's copy: what Redis answers is newer than what the relay held (one connection answers
   * in order), whatever the versions say.
   */
  private parse(
    code: string,
    version: string | null | undefined,
    json: string | null | undefined,
    write: string | null | undefined,
  ): Copy | null {
    if (version === null || version === undefined || json === null || json === undefined) return this.gone(code);
    const copy = this.copyOf({ json, version: Number(version), write: write ?? '', expiresAt: null });
    if (this.expired(copy.room)) return this.gone(code);
    this.snapshots.set(code, { json, version: copy.version, write: copy.write, expiresAt: copy.room.expiresAt });
    return copy;
  }

  private gone(code: string): null {
    this.snapshots.delete(code);
    return null;
  }

  /** This relay's copy of the room (the last it read or wrote), unless it is past its expiry. */
  private known(code: string): Copy | null {
    const s = this.snapshots.get(code);
    if (s === undefined) return null;
    const copy = this.copyOf(s);
    return this.expired(copy.room) ? null : copy;
  }

  private copyOf(s: Snapshot): Copy {
    return { room: { ...(JSON.parse(s.json) as StoredRoom), version: s.version }, version: s.version, write: s.write };
  }

  private nextWrite(): string {
    return `${this.writePrefix}.${(this.writes++).toString(36)}`;
  }

  /** On every (re)connection: when Redis came back with a new run_id, put the known rooms back. */
  private sync(): void {
    this.connections++;
    this.syncing = true;
    this.synced = (async () => {
      try {
        const id = parseRunId(await this.redis.info('server'));
        if (this.runId !== null && id !== this.runId) await this.restore();
        this.runId = id;
      } catch (err) {
        this.options.logger?.warn({ err }, 'redis restart check failed (retried on the next reconnect)');
      } finally {
        this.syncing = false;
      }
    })();
  }

  private async restore(): Promise<void> {
    const rooms = this.snapshots.live();
    // One pipeline (ioredis batches commands issued in the same tick).
    const created = await Promise.all(
      rooms.map(([code, s]) =>
        this.redis.lockstepRestore(
          this.key(code),
          this.index,
          this.chatKey(code),
          code,
          s.json,
          expiryArg(s.expiresAt),
          String(s.version),
          s.write,
        ),
      ),
    );
    // A copy that lost (another relay put back a newer one, or wrote since) is not what Redis holds.
    rooms.forEach(([code, s], i) => {
      if (created[i] !== 1 && this.snapshots.get(code) === s) this.snapshots.delete(code);
    });
    const restored = created.filter((r) => r === 1).length;
    this.options.logger?.warn({ restored, known: rooms.length }, 'redis came back empty (new run_id): restored the rooms this relay knew');
  }
}

/** A room this relay read or wrote: the room, its version and the id of the write it came from. */
interface Copy {
  room: StoredRoom;
  version: number;
  write: string;
}

/**
 * Each update of a group applied in turn to what the previous one left; `next` is the room to
 * write (null: delete), `changed` whether any update changed it.
 */
function applyGroup(
  code: string,
  current: Copy,
  group: PendingUpdate[],
): { outcomes: Outcome[]; changed: boolean; next: StoredRoom | null } {
  const version = current.version + 1;
  let room: StoredRoom | null = current.room;
  let changed = false;
  const outcomes: Outcome[] = [];
  for (const u of group) {
    if (room === null) {
      outcomes.push({ ok: false, error: 'room_not_found' });
      continue;
    }
    let result: Mutation<unknown, unknown>;
    try {
      result = u.mutate(room);
    } catch (thrown) {
      outcomes.push({ thrown });
      continue;
    }
    if (!result.ok) {
      outcomes.push(result);
      continue;
    }
    changed = true;
    room = result.room === null ? null : { ...result.room, code, version };
    outcomes.push(
      result.announce === undefined
        ? { ok: true, room, value: result.value }
        : { ok: true, room, value: result.value, announce: result.announce },
    );
  }
  return { outcomes, changed, next: room };
}

function expiryArg(expiresAt: number | null): string {
  return expiresAt === null ? '' : String(Math.ceil(expiresAt));
}

function delay(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((done) => setTimeout(done, ms));
}
