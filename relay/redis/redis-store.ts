/**
 * RoomStore shared by several relays through Redis (ioredis).
 *
 * A room is one hash `{prefix}room:{CODE}` with fields `v` (version) and `d` (the room as JSON).
 * `update` is optimistic concurrency: apply the pure `mutate` to the room this relay last read or
 * wrote (its snapshot, below), then a Lua compare-and-set writes only if `v` is still that
 * version. So an update of a room nobody else changed since is one round trip. When the version
 * moved on, the script answers with the room as it is now, and the update is applied again to that
 * (a relay that knew no copy reads first); another relay writing in between is a lost race,
 * retried with jittered back-off, and `conflict` after MAX_ATTEMPTS. A group whose every update
 * was refused on a copy from memory is tried again on a fresh read: a refusal writes nothing, so
 * the compare-and-set cannot vouch for the copy. The updates of a room that
 * wait while its write is in flight go together in the next write (a group commit), so `v` counts
 * writes, not updates. Rooms expire in Redis by
 * PEXPIREAT at `expiresAt` (PERSIST while someone is present). `count()` reads a sorted-set index
 * scored by expiry (+inf while present), from which expired entries are trimmed lazily.
 *
 * The room's chat history is a list `{prefix}chat:{CODE}` beside the hash (relay/redis/chat-scripts.ts),
 * appended by its own script rather than through the compare-and-set: an append never conflicts
 * with a control, and the room's JSON, read and written on every event, does not carry up to
 * 16 KiB of chat. Every script below that sets the room's expiry sets the list's too (or deletes it
 * with the room).
 *
 * Redis without persistence forgets everything when it restarts. The store notices (a new
 * run_id when the connection is ready again), puts back the rooms it last saw (RoomSnapshots;
 * when several relays restore one room, the newest copy wins) and reports not ready
 * until then; every command waits for that check first.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { appendChatEntry, parseChatEntry, withChatScripts, type ChatRedis } from './chat-scripts';
import { parseRunId, RoomSnapshots } from './room-snapshots';
import type { ChatMessage } from '../contract/protocol';
import type { Mutation, RoomStore, StoredRoom, UpdateResult } from '../store/room-store';

/** Tries before `conflict`: two relays racing on one room settle in 2-3; 12 leaves a margin. */
const MAX_ATTEMPTS = 12;

/**
 * KEYS: room, index, chat. ARGV: code, json, expiresAt ('' = none), version. Creates only when
 * absent, with no chat history.
 */
const CREATE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[4], 'd', ARGV[2])
redis.call('DEL', KEYS[3])
if ARGV[3] ~= '' then
  redis.call('PEXPIREAT', KEYS[1], ARGV[3])
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
else
  redis.call('ZADD', KEYS[2], '+inf', ARGV[1])
end
return 1`;

/**
 * KEYS: room, index, chat. ARGV: code, expected version, json ('' = delete), expiresAt ('' = none).
 * Returns 1 when written; when the version moved on, the room as it is now: [v, json]; 0 when the
 * room is gone.
 */
const SWAP_LUA = `
local v = redis.call('HGET', KEYS[1], 'v')
if v ~= ARGV[2] then
  if not v then return 0 end
  return {v, redis.call('HGET', KEYS[1], 'd')}
end
if ARGV[3] == '' then
  redis.call('DEL', KEYS[1], KEYS[3])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 1
end
redis.call('HSET', KEYS[1], 'v', tostring(tonumber(ARGV[2]) + 1), 'd', ARGV[3])
redis.call('HDEL', KEYS[1], 'r')
if ARGV[4] ~= '' then
  redis.call('PEXPIREAT', KEYS[1], ARGV[4])
  redis.call('PEXPIREAT', KEYS[3], ARGV[4])
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
else
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[3])
  redis.call('ZADD', KEYS[2], '+inf', ARGV[1])
end
return 1`;

/**
 * KEYS: room, index, chat. ARGV: code, json, expiresAt ('' = none), version. Puts back a room after
 * Redis lost it: when absent, or when another relay restored an OLDER copy that nobody has
 * changed since (`r` is cleared by every swap), so the newest copy any relay knew wins. The chat
 * history is not put back (no relay holds all of it): the room starts a new one.
 */
const RESTORE_LUA = `
local v = redis.call('HGET', KEYS[1], 'v')
if v and not (redis.call('HGET', KEYS[1], 'r') == '1' and tonumber(v) < tonumber(ARGV[4])) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[4], 'd', ARGV[2], 'r', '1')
if ARGV[3] ~= '' then
  redis.call('PEXPIREAT', KEYS[1], ARGV[3])
  redis.call('PEXPIREAT', KEYS[3], ARGV[3])
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
else
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[3])
  redis.call('ZADD', KEYS[2], '+inf', ARGV[1])
end
return 1`;

type ScriptRedis = ChatRedis & {
  lockstepRestore(
    room: string,
    index: string,
    chat: string,
    code: string,
    json: string,
    expiresAt: string,
    version: string,
  ): Promise<number>;
  lockstepCreate(
    room: string,
    index: string,
    chat: string,
    code: string,
    json: string,
    expiresAt: string,
    version: string,
  ): Promise<number>;
  lockstepSwap(
    room: string,
    index: string,
    chat: string,
    code: string,
    version: string,
    json: string,
    expiresAt: string,
  ): Promise<1 | 0 | [string, string | null]>;
};

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

/** What one update of a group came to: its result, or what its `mutate` threw. */
type Outcome = UpdateResult<unknown, unknown> | { thrown: unknown };

/** How often snapshots of expired rooms are dropped. */
const PRUNE_MS = 60_000;

const defaultBackoff = (attempt: number): number => Math.random() * Math.min(20, 2 ** attempt);

export class RedisRoomStore implements RoomStore {
  private readonly redis: ScriptRedis;
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
  private synced: Promise<void> = Promise.resolve();

  constructor(private readonly options: RedisStoreOptions) {
    options.redis.defineCommand('lockstepCreate', { numberOfKeys: 3, lua: CREATE_LUA });
    options.redis.defineCommand('lockstepSwap', { numberOfKeys: 3, lua: SWAP_LUA });
    options.redis.defineCommand('lockstepRestore', { numberOfKeys: 3, lua: RESTORE_LUA });
    this.redis = withChatScripts(options.redis) as ScriptRedis;
    this.index = `${options.keyPrefix}rooms`;
    this.backoff = options.backoffMs ?? defaultBackoff;
    this.snapshots = new RoomSnapshots(options.now);
    this.pruner = setInterval(() => this.snapshots.prune(), PRUNE_MS).unref();
    this.redis.on('ready', () => this.sync());
    if (this.redis.status === 'ready') this.sync();
  }

  async create(room: StoredRoom): Promise<boolean> {
    await this.synced;
    if (this.expired(room)) return false;
    const json = JSON.stringify({ ...room, version: 0 });
    const r = await this.redis.lockstepCreate(
      this.key(room.code),
      this.index,
      this.chatKey(room.code),
      room.code,
      json,
      expiryArg(room.expiresAt),
      '0',
    );
    if (r === 1) this.snapshots.set(room.code, { json, version: 0, expiresAt: room.expiresAt });
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
   * answers with when the version moved on. The first try starts from this relay's own copy.
   */
  private async swap(code: string, group: PendingUpdate[]): Promise<Outcome[]> {
    await this.synced;
    let current = this.known(code);
    /** Whether `current` came from memory, not from Redis during this swap (losing with it is no race). */
    let remembered = current !== null;
    if (current === null) current = await this.read(code);
    for (let attempt = 0; attempt < MAX_ATTEMPTS;) {
      if (current === null) return group.map(() => ({ ok: false, error: 'room_not_found' }));
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
        outcomes.push({ ok: true, room, value: result.value });
      }
      if (!changed && !remembered) return outcomes;
      if (!changed) {
        // Refused on a copy from memory: perhaps one that is behind. Decide on the room as it is.
        current = await this.read(code);
        remembered = false;
        continue;
      }
      const next = room;
      const json = next === null ? '' : JSON.stringify(next);
      const answer = await this.redis.lockstepSwap(
        this.key(code),
        this.index,
        this.chatKey(code),
        code,
        String(current.version),
        json,
        expiryArg(next?.expiresAt ?? null),
      );
      if (answer === 1) {
        if (next === null) this.snapshots.delete(code);
        else this.snapshots.set(code, { json, version, expiresAt: next.expiresAt });
        return outcomes;
      }
      // Someone else wrote first: a lost race, unless what was lost to was only a copy from memory.
      if (!remembered) {
        attempt++;
        if (attempt < MAX_ATTEMPTS) await delay(this.backoff(attempt));
      }
      remembered = false;
      current = answer === 0 ? this.gone(code) : this.parse(code, answer[0], answer[1]);
    }
    return group.map(() => ({ ok: false, error: 'conflict' }));
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

  /** The room and its version, or null when absent or past its expiry (Redis may lag by a few ms). */
  private async read(code: string): Promise<{ room: StoredRoom; version: number } | null> {
    await this.synced;
    const [version, json] = await this.redis.hmget(this.key(code), 'v', 'd');
    return this.parse(code, version, json);
  }

  /** A room as Redis holds it (its version and JSON; null or undefined: absent), noted as this relay's copy. */
  private parse(
    code: string,
    version: string | null | undefined,
    json: string | null | undefined,
  ): { room: StoredRoom; version: number } | null {
    if (version === null || version === undefined || json === null || json === undefined) return this.gone(code);
    const room = { ...(JSON.parse(json) as StoredRoom), version: Number(version) };
    if (this.expired(room)) return null;
    this.snapshots.set(code, { json, version: room.version, expiresAt: room.expiresAt });
    return { room, version: room.version };
  }

  private gone(code: string): null {
    this.snapshots.delete(code);
    return null;
  }

  /** This relay's copy of the room (the last it read or wrote), unless it is past its expiry. */
  private known(code: string): { room: StoredRoom; version: number } | null {
    const s = this.snapshots.get(code);
    if (s === undefined || (s.expiresAt !== null && this.options.now() >= s.expiresAt)) return null;
    return { room: { ...(JSON.parse(s.json) as StoredRoom), version: s.version }, version: s.version };
  }

  /** On every (re)connection: when Redis came back with a new run_id, put the known rooms back. */
  private sync(): void {
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
        this.redis.lockstepRestore(this.key(code), this.index, this.chatKey(code), code, s.json, expiryArg(s.expiresAt), String(s.version)),
      ),
    );
    const restored = created.filter((r) => r === 1).length;
    this.options.logger?.warn({ restored, known: rooms.length }, 'redis came back empty (new run_id): restored the rooms this relay knew');
  }
}

function expiryArg(expiresAt: number | null): string {
  return expiresAt === null ? '' : String(Math.ceil(expiresAt));
}

function delay(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((done) => setTimeout(done, ms));
}
