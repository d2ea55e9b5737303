/** RedisRoomStore against the real Redis: no lost writes across stores, expiry, the room index, the chat history. */
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { relayNow } from '../../../relay/clock';
import { connectRedis } from '../../../relay/redis/connection';
import type { ChatMessage } from '../../../relay/contract/protocol';
import { createRoom } from '../../../relay/rooms/membership';
import { RedisRoomStore } from '../../../relay/redis/redis-store';
import type { RoomRedis } from '../../../relay/redis/room-scripts';
import type { StoredMember, StoredRoom } from '../../../relay/store/room-store';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../../support/stores';
import { redisProcess } from './processes';

const silent = pino({ level: 'silent' });
const prefix = uniquePrefix('store');
const clients: Redis[] = [];

/** A store on its own connection, kept in `keep` to be closed (`now`: the store's clock). */
async function store(now = relayNow, url = TEST_REDIS_URL, keep = clients): Promise<{ store: RedisRoomStore; redis: Redis }> {
  const redis = await connectRedis(url, 'command', silent);
  keep.push(redis);
  return { store: new RedisRoomStore({ redis, keyPrefix: prefix, now }), redis };
}

/** The next time `redis` is connected and ready again. */
const ready = (redis: Redis) => new Promise((resolve) => redis.once('ready', resolve));

function room(code: string, expiresAt: number | null = null): StoredRoom {
  const r = createRoom(code, { id: 'm0', profile: { name: 'Ann' }, resumeHash: 'h', connectionId: 'c0' }, relayNow());
  return { ...r, expiresAt };
}

/** Adds a member named `n` (what two relays do when people join at once). */
const addMember = (n: number) => (r: StoredRoom) => {
  const m: StoredMember = { ...r.members.m0!, id: `m${n}`, role: 'member', name: `P${n}` };
  return { ok: true as const, room: { ...r, members: { ...r.members, [m.id]: m } }, value: n };
};

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await deleteKeys(TEST_REDIS_URL, prefix);
});

describe('RedisRoomStore', () => {
  test('concurrent updates from two store instances lose no writes', async () => {
    const a = await store();
    const b = await store();
    expect(await a.store.create(room('CONCUR'))).toBe(true);
    const writes = Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? a.store : b.store).update('CONCUR', addMember(i + 1)));
    const results = await Promise.all(writes);
    expect(results.every((r) => r.ok)).toBe(true);
    const final = await b.store.get('CONCUR');
    expect(Object.keys(final!.members)).toHaveLength(121);
    // One version per write; a store writes the updates that waited for its previous write together.
    expect(final!.version).toBeGreaterThan(1);
    expect(final!.version).toBeLessThanOrEqual(120);
  });

  test('updates that wait for a room write share the next one: applied in order, each with its own result', async () => {
    const { store: s } = await store();
    await s.create(room('GROUP'));
    const boom = new Error('boom');
    const settled = await Promise.allSettled([
      s.update('GROUP', addMember(1)), // written alone: the others arrive while its write is in flight
      s.update('GROUP', addMember(2)),
      s.update('GROUP', () => ({ ok: false, error: 'not_host' })),
      s.update('GROUP', () => {
        throw boom;
      }),
      s.update('GROUP', addMember(3)),
    ]);
    const [one, two, refused, thrown, three] = settled;
    expect(refused).toEqual({ status: 'fulfilled', value: { ok: false, error: 'not_host' } });
    expect(thrown).toEqual({ status: 'rejected', reason: boom });
    // Each caller gets its own value, and the room as its own update left it.
    const seen = (r: (typeof settled)[number] | undefined) =>
      r?.status === 'fulfilled' && r.value.ok ? [r.value.value, Object.keys(r.value.room!.members).sort()] : r;
    expect([one, two, three].map(seen)).toEqual([
      [1, ['m0', 'm1']],
      [2, ['m0', 'm1', 'm2']],
      [3, ['m0', 'm1', 'm2', 'm3']],
    ]);
    const final = await s.get('GROUP');
    expect(Object.keys(final!.members).sort()).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(final!.version).toBe(2); // two writes for three changes
  });

  test('create refuses a taken code; get of a missing room is null; delete removes it from the count', async () => {
    const { store: s } = await store();
    expect(await s.create(room('TAKEN'))).toBe(true);
    expect(await s.create(room('TAKEN'))).toBe(false);
    expect(await s.get('NOSUCH')).toBeNull();
    const before = await s.count();
    const r = await s.update('TAKEN', () => ({ ok: true, room: null, value: 'gone' }));
    expect(r).toEqual({ ok: true, room: null, value: 'gone' });
    expect(await s.get('TAKEN')).toBeNull();
    expect(await s.count()).toBe(before - 1);
    expect(await s.update('TAKEN', addMember(1))).toEqual({ ok: false, error: 'room_not_found' });
  });

  test('rooms expire at expiresAt in Redis (PEXPIREAT) and PERSIST when someone is back', async () => {
    const { store: s, redis } = await store();
    expect(await s.create(room('EXPIRE', relayNow() + 300))).toBe(true);
    expect(await redis.pttl(`${prefix}room:EXPIRE`)).toBeGreaterThan(0);
    await s.update('EXPIRE', (r) => ({ ok: true, room: { ...r, expiresAt: null }, value: null }));
    expect(await redis.pttl(`${prefix}room:EXPIRE`)).toBe(-1);
    await s.update('EXPIRE', (r) => ({ ok: true, room: { ...r, expiresAt: relayNow() + 150 }, value: null }));
    const counted = await s.count();
    await new Promise((done) => setTimeout(done, 250));
    expect(await redis.exists(`${prefix}room:EXPIRE`)).toBe(0);
    expect(await s.get('EXPIRE')).toBeNull();
    expect(await s.count()).toBe(counted - 1);
  });

  test('a mutate that always loses the race ends in conflict, not a lost write', async () => {
    const { store: s, redis } = await store();
    await s.create(room('RACE'));
    let calls = 0;
    const r = await s.update('RACE', (cur) => {
      calls++;
      // Another writer bumps the version between this read and the compare-and-set (same connection, so in order).
      void redis.hincrby(`${prefix}room:RACE`, 'v', 1);
      return { ok: true, room: { ...cur, createdAt: 1 }, value: null };
    });
    expect(r).toEqual({ ok: false, error: 'conflict' });
    expect(calls).toBeGreaterThan(3);
    expect((await s.get('RACE'))!.createdAt).not.toBe(1);
  });

  test('a mutate error changes nothing', async () => {
    const { store: s } = await store();
    await s.create(room('NOPE'));
    const r = await s.update('NOPE', () => ({ ok: false, error: 'not_host' }));
    expect(r).toEqual({ ok: false, error: 'not_host' });
    expect((await s.get('NOPE'))!.version).toBe(0);
  });

  /**
   * The commands one store's connection sends that name a room (MONITOR, on a connection of its
   * own), by name (a script: `eval`), in order. `settle` waits until MONITOR has shown a marker sent after them.
   */
  async function watchCommands(
    of: Redis,
    url = TEST_REDIS_URL,
    keep = clients,
  ): Promise<{ names: () => string[]; settle: () => Promise<void> }> {
    const address = /addr=(\S+)/.exec(String(await of.client('INFO')))![1]!;
    const monitored = await connectRedis(url, 'command', silent);
    const monitor = await monitored.monitor();
    keep.push(monitored, monitor);
    const marker = `${prefix}marker:${address}`;
    const seen: string[] = [];
    let marked: (() => void) | null = null;
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      // Commands a script runs show with source `lua`: only what the store sent costs a round trip.
      if (source !== address) return;
      if (args[1] === marker) marked?.();
      // A script goes as EVAL the first time on a connection, EVALSHA after: either is one script.
      else if (args.some((a) => a.startsWith(`${prefix}room:`))) seen.push(args[0]!.toLowerCase().replace(/^evalsha$/, 'eval'));
    });
    return {
      names: () => [...seen],
      settle: async () => {
        const shown = new Promise<void>((resolve) => (marked = resolve));
        await of.exists(marker);
        await shown;
      },
    };
  }

  test('an update of a room the store wrote last is one round trip: the compare-and-set, no read', async () => {
    const { store: s, redis } = await store();
    await s.create(room('ONETRIP'));
    const commands = await watchCommands(redis);
    for (let n = 1; n <= 3; n++) expect((await s.update('ONETRIP', addMember(n))).ok).toBe(true);
    await commands.settle();
    expect(commands.names()).toEqual(['eval', 'eval', 'eval']);
    expect(Object.keys((await s.get('ONETRIP'))!.members).sort()).toEqual(['m0', 'm1', 'm2', 'm3']);
  });

  test('a copy that is behind (another store wrote since) costs no read: the compare-and-set answers with the room as it is', async () => {
    const a = await store();
    const b = await store();
    await a.store.create(room('BEHIND'));
    expect((await b.store.update('BEHIND', addMember(1))).ok).toBe(true);
    const commands = await watchCommands(a.redis);
    const r = await a.store.update('BEHIND', addMember(2));
    await commands.settle();
    // The first compare-and-set lost to b's write and brought b's room back; the second wrote.
    expect(commands.names()).toEqual(['eval', 'eval']);
    expect(r.ok && Object.keys(r.room!.members).sort()).toEqual(['m0', 'm1', 'm2']);
    expect(Object.keys((await b.store.get('BEHIND'))!.members).sort()).toEqual(['m0', 'm1', 'm2']);
  });

  describe('what a write announces', () => {
    const stream = `${prefix}sio:announce`;
    /** The announcer on a connection of its own (the adapter's, in the relay). */
    async function announcer(): Promise<{ redis: Redis; stream: string; maxLen: number; uid: string }> {
      const redis = await connectRedis(TEST_REDIS_URL, 'command', silent);
      clients.push(redis);
      return { redis, stream, maxLen: 1000, uid: 'relay-a' };
    }
    /** Moves the room's position to `n`, announcing the new timeline. */
    const seekTo = (n: number) => (r: StoredRoom) => {
      const timeline = { ...r.timeline, position: n, seq: r.timeline.seq + 1 };
      return {
        ok: true as const,
        room: { ...r, timeline },
        value: n,
        announce: { event: 'playback:state' as const, args: [timeline] as [typeof timeline] },
      };
    };
    type Entry = [id: string, fields: string[]];
    /** The entries of the stream: id, uid and the timeline's position. */
    const published = async (redis: Redis) =>
      ((await redis.xrange(stream, '-', '+')) as Entry[]).map(([id, f]) => {
        const fields = Object.fromEntries(f.flatMap((v, i) => (i % 2 ? [] : [[v, f[i + 1]!]])));
        return { id, uid: fields.uid, nsp: fields.nsp, type: fields.type, position: JSON.parse(fields.data!).packet.data[1].position };
      });

    afterEach(async () => {
      const { redis } = await store();
      await redis.del(stream);
    });

    test("is published in the compare-and-set itself, on the announcer's connection, in the order of the writes, each result naming its entry", async () => {
      const { store: s, redis } = await store();
      const into = await announcer();
      s.announceThrough(into);
      await s.create(room('ANNOUNCE'));
      const commands = await watchCommands(into.redis);
      const own = await watchCommands(redis);
      const results = await Promise.all([
        s.update('ANNOUNCE', seekTo(1)), // written alone; the other three wait and share the next write
        s.update('ANNOUNCE', seekTo(2)),
        s.update('ANNOUNCE', () => ({ ok: false, error: 'not_host' })),
        s.update('ANNOUNCE', seekTo(3)),
      ]);
      await Promise.all([commands.settle(), own.settle()]);
      expect(commands.names()).toEqual(['eval', 'eval']);
      expect(own.names()).toEqual([]);
      const entries = await published(redis);
      expect(entries).toEqual([1, 2, 3].map((position) => ({ id: expect.any(String), uid: 'relay-a', nsp: '/', type: '3', position })));
      expect(results.map((r) => (r.ok ? r.announced : r.error))).toEqual([entries[0]!.id, entries[1]!.id, 'not_host', entries[2]!.id]);
      // What the caller gets back is the update's result, not the announcement again.
      expect(results[0]).not.toHaveProperty('announce');
    });

    test('an attempt that lost the race publishes nothing: only the write that landed is announced', async () => {
      const a = await store();
      const b = await store();
      a.store.announceThrough(await announcer());
      await a.store.create(room('ANNRACE'));
      expect((await b.store.update('ANNRACE', addMember(1))).ok).toBe(true);
      // a's first compare-and-set starts from its own copy, which b's write left behind.
      const r = await a.store.update('ANNRACE', seekTo(7));
      expect(r.ok && r.room!.members.m1).toBeDefined();
      const entries = await published(a.redis);
      expect(entries.map((e) => e.position)).toEqual([7]);
      expect(r.ok && r.announced).toBe(entries[0]!.id);
    });

    test('without an announcer, or when the room is deleted, nothing is published and the caller broadcasts', async () => {
      const { store: s, redis } = await store();
      await s.create(room('ANNOFF'));
      const r = await s.update('ANNOFF', seekTo(1));
      expect(r.ok && r.announced).toBeUndefined();
      s.announceThrough(await announcer());
      const gone = await s.update('ANNOFF', (cur) => ({ ...seekTo(2)(cur), room: null }));
      expect(gone.ok && gone.announced).toBeUndefined();
      expect(await s.get('ANNOFF')).toBeNull();
      expect(await published(redis)).toEqual([]);
    });

    test('an entry that cannot be published fails the write before it changes the room', async () => {
      const { store: s, redis } = await store();
      s.announceThrough(await announcer());
      await s.create(room('ANNFAIL'));
      const before = await s.get('ANNFAIL');
      await redis.set(stream, 'not a stream');
      await expect(s.update('ANNFAIL', seekTo(9))).rejects.toThrow(/WRONGTYPE/);
      expect(await s.get('ANNFAIL')).toEqual(before);
      // The store's copy still is the room: the next write (nothing to announce) is one compare-and-set that lands.
      expect((await s.update('ANNFAIL', addMember(1))).ok).toBe(true);
    });
  });

  test('a refusal on a copy that is behind is decided again on the room as it is', async () => {
    const a = await store();
    const b = await store();
    await a.store.create(room('REFUSE'));
    await b.store.update('REFUSE', addMember(1));
    // A rule that needs m1, who joined through b: a's own copy lacks it.
    const needsM1 = (r: StoredRoom) =>
      r.members.m1 === undefined ? { ok: false as const, error: 'not_in_room' } : { ok: true as const, room: r, value: r.members.m1.name };
    expect(await a.store.update('REFUSE', needsM1)).toMatchObject({ ok: true, value: 'P1' });
    // A refusal on a fresh read stands.
    const never = () => ({ ok: false as const, error: 'not_host' });
    expect(await a.store.update('REFUSE', never)).toEqual({ ok: false, error: 'not_host' });
  });

  test('a lost race is tried again at once on the room the compare-and-set answered with, then on a fresh read after a wait', async () => {
    const { store: s, redis } = await store();
    await s.create(room('RETRY'));
    const commands = await watchCommands(redis);
    let calls = 0;
    const r = await s.update('RETRY', (cur) => {
      calls++;
      // Another writer moves the room between this mutate and its compare-and-set (same connection, so in order).
      void redis.hincrby(`${prefix}room:RETRY`, 'v', 1);
      return { ok: true, room: { ...cur, createdAt: 1 }, value: null };
    });
    await commands.settle();
    expect(r).toEqual({ ok: false, error: 'conflict' });
    // The first loss is to the store's own copy (no race), the second on the answer, then reads.
    expect(commands.names().slice(0, 9)).toEqual(['hincrby', 'eval', 'hincrby', 'eval', 'hincrby', 'eval', 'hmget', 'hincrby', 'eval']);
    expect(calls).toBe(13);
  });

  test('a room deleted by another store: room_not_found, and the copy is dropped (the next update reads first)', async () => {
    const a = await store();
    const b = await store();
    await a.store.create(room('GONE'));
    expect(await b.store.update('GONE', () => ({ ok: true, room: null, value: null }))).toMatchObject({ ok: true, room: null });
    expect(await a.store.update('GONE', addMember(1))).toEqual({ ok: false, error: 'room_not_found' });
    expect(await b.store.create(room('GONE'))).toBe(true);
    const commands = await watchCommands(a.redis);
    expect((await a.store.update('GONE', addMember(2))).ok).toBe(true);
    await commands.settle();
    expect(commands.names()).toEqual(['hmget', 'eval']);
  });

  test("a room that is not the copy, at the copy's version, is not written over: the write id tells them apart", async () => {
    const a = await store();
    const b = await store();
    await a.store.create(room('SAMEV'));
    await a.store.update('SAMEV', addMember(1));
    // What Redis holds after it lost its data and relays put back and wrote other copies: same version, other room.
    const other = { ...(await b.store.get('SAMEV'))!, name: 'other' };
    const other2: StoredRoom = { ...other, members: { m0: other.members.m0!, m7: { ...other.members.m1!, id: 'm7', name: 'P7' } } };
    await a.redis.hset(`${prefix}room:SAMEV`, 'd', JSON.stringify(other2), 'w', 'elsewhere.0');
    const r = await a.store.update('SAMEV', addMember(2));
    expect(r.ok && Object.keys(r.room!.members).sort()).toEqual(['m0', 'm2', 'm7']);
  });

  test('a room written by a relay from before write ids (no `w`) is updated in one round trip, and then has one', async () => {
    const { store: s, redis } = await store();
    const key = `${prefix}room:NOW`;
    await redis.hset(key, 'v', '0', 'd', JSON.stringify({ ...room('NOW'), version: 0 }));
    expect((await s.get('NOW'))!.version).toBe(0); // the copy: version 0, no write id
    const commands = await watchCommands(redis);
    expect((await s.update('NOW', addMember(1))).ok).toBe(true);
    await commands.settle();
    expect(commands.names()).toEqual(['eval']);
    expect(await redis.hmget(key, 'v', 'w')).toEqual(['1', expect.stringMatching(/.+/)]);
  });

  test('a restore of a copy without a write id deletes the id the room had', async () => {
    const { store: s, redis } = await store();
    const key = `${prefix}room:NOWID`;
    const keys = [key, `${prefix}rooms`, `${prefix}chat:NOWID`] as const;
    const json = JSON.stringify({ ...room('NOWID'), version: 3 });
    // An older restored copy (r = 1) with an id, then a newer copy from a relay that knew none.
    await redis.hset(key, 'v', '1', 'd', json, 'w', 'old.1', 'r', '1');
    expect(await (redis as unknown as RoomRedis).lockstepRestore(...keys, 'NOWID', json, '', '3', '')).toBe(1);
    expect(await redis.hmget(key, 'v', 'w', 'r')).toEqual(['3', null, '1']);
    // And its copy now compares as one with no id: the next update is one compare-and-set.
    await s.get('NOWID');
    const commands = await watchCommands(redis);
    expect((await s.update('NOWID', addMember(1))).ok).toBe(true);
    await commands.settle();
    expect(commands.names()).toEqual(['eval']);
  });

  test('after Redis came back empty, a store whose copy lost the restore writes nothing over what was written since', async () => {
    const server = await redisProcess();
    const own: Redis[] = [];
    try {
      const connect = () => store(relayNow, server.url, own);
      const a = await connect();
      const b = await connect();
      await a.store.create(room('LOST'));
      await a.store.update('LOST', addMember(1));
      await b.store.get('LOST'); // b's copy: m0, m1
      await a.store.update('LOST', addMember(2));
      await a.store.update('LOST', addMember(3)); // a's copy: m0 to m3, two writes later
      // a is away while Redis restarts empty; b comes back first, puts back its older copy and writes twice.
      a.redis.disconnect();
      const bBack = ready(b.redis);
      await server.stop();
      await server.start();
      await bBack;
      await b.store.whenSynced();
      expect((await b.store.update('LOST', addMember(7))).ok).toBe(true);
      expect((await b.store.update('LOST', addMember(8))).ok).toBe(true);
      // a's restore is refused (the room was written since); its copy, at the version Redis now has, is not the room.
      const aBack = ready(a.redis);
      await a.redis.connect();
      await aBack;
      await a.store.whenSynced();
      const commands = await watchCommands(a.redis, server.url, own);
      expect((await a.store.update('LOST', addMember(9))).ok).toBe(true);
      await commands.settle();
      // a dropped its copy when the restore lost: it reads the room first, then writes once.
      expect(commands.names()).toEqual(['hmget', 'eval']);
      expect(Object.keys((await b.store.get('LOST'))!.members).sort()).toEqual(['m0', 'm1', 'm7', 'm8', 'm9']);
    } finally {
      for (const c of own) c.disconnect();
      await server.stop();
    }
  });

  test('a copy of a room that went away through another store is checked after a while and dropped, not put back after a restart', async () => {
    const server = await redisProcess();
    const own: Redis[] = [];
    let clock = relayNow();
    try {
      const connect = () => store(() => clock, server.url, own);
      const a = await connect();
      const b = await connect();
      await a.store.create(room('AWAY'));
      await a.store.create(room('STAYS'));
      // The last member leaves AWAY through b, which deletes it; a still holds it with someone present.
      expect(await b.store.update('AWAY', () => ({ ok: true, room: null, value: null }))).toMatchObject({ ok: true });
      const commands = await watchCommands(a.redis, server.url, own);
      expect(await a.store.recheckCopies()).toEqual({ dropped: 0, reread: 0 }); // seen a moment ago: not checked
      await commands.settle();
      expect(commands.names()).toEqual([]);
      clock += 5 * 60_000;
      expect(await a.store.recheckCopies()).toEqual({ dropped: 1, reread: 0 });
      expect(await a.store.recheckCopies()).toEqual({ dropped: 0, reread: 0 }); // STAYS was found current: seen again
      await commands.settle();
      expect(commands.names()).toEqual(['hmget', 'hmget']);
      for (const c of own.splice(2)) c.disconnect(); // the MONITOR connections, not to outlive the restart
      // Redis restarts empty: a puts back what it holds, STAYS only.
      const back = Promise.all([ready(a.redis), ready(b.redis)]);
      await server.stop();
      await server.start();
      await back;
      await Promise.all([a.store.whenSynced(), b.store.whenSynced()]);
      expect(await b.store.get('AWAY')).toBeNull();
      expect((await b.store.get('STAYS'))?.code).toBe('STAYS');
    } finally {
      for (const c of own) c.disconnect();
      await server.stop();
    }
  });

  test("a check's answers are not used once the connection was made again: an empty Redis would read as every room gone", async () => {
    let clock = relayNow();
    const connect = () => store(() => clock);
    const a = await connect();
    const b = await connect();
    await a.store.create(room('RECON'));
    await b.store.update('RECON', () => ({ ok: true, room: null, value: null }));
    clock += 5 * 60_000;
    const checking = a.store.recheckCopies();
    // What ioredis signals after it reconnected (and resent the commands in flight) while they were out.
    a.redis.emit('ready');
    expect(await checking).toEqual({ dropped: 0, reread: 0 });
    await a.store.whenSynced();
    expect(await a.store.recheckCopies()).toEqual({ dropped: 1, reread: 0 }); // the next check, on this connection
  });

  test('a copy of a room another store has written since is read again when checked: the next update is one round trip', async () => {
    let clock = relayNow();
    const connect = () => store(() => clock);
    const a = await connect();
    const b = await connect();
    await a.store.create(room('MOVED'));
    await b.store.update('MOVED', addMember(1));
    clock += 5 * 60_000;
    expect(await a.store.recheckCopies()).toEqual({ dropped: 0, reread: 1 });
    const commands = await watchCommands(a.redis);
    const r = await a.store.update('MOVED', addMember(2));
    await commands.settle();
    expect(commands.names()).toEqual(['eval']);
    expect(r.ok && Object.keys(r.room!.members).sort()).toEqual(['m0', 'm1', 'm2']);
  });

  const chat = (n: number, text = `hi ${n}`): ChatMessage => ({ id: `id${n}`, from: 'm0', text, at: n });

  test('chat appended from two stores at once: none lost, capped at 50, a list beside the room', async () => {
    const a = await store();
    const b = await store();
    await a.store.create(room('CHATTY'));
    const burst = (from: number, n: number) =>
      Promise.all(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? a.store : b.store).appendChat('CHATTY', chat(from + i))));
    expect(await burst(1, 40)).toEqual(Array(40).fill(true));
    const first = (await b.store.chat('CHATTY')).map((m) => m.at);
    // Every message is there once; each store's own appends landed in the order it sent them.
    expect([...first].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(first.filter((n) => n % 2 === 1)).toEqual(first.filter((n) => n % 2 === 1).sort((x, y) => x - y));
    await burst(41, 20);
    const capped = (await a.store.chat('CHATTY')).map((m) => m.at);
    // The cap dropped the 10 that landed first and kept every later one.
    expect(capped).toEqual([...first.slice(10), ...capped.slice(30)]);
    expect(capped.slice(30).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 41));
    expect(await a.redis.type(`${prefix}chat:CHATTY`)).toBe('list');
    // The room itself does not carry the history.
    expect(await a.redis.hget(`${prefix}room:CHATTY`, 'd')).not.toContain('hi 41');
  });

  test('chat is capped by UTF-8 bytes of text: the oldest go until it fits', async () => {
    const { store: s } = await store();
    await s.create(room('BYTES'));
    const text = '€'.repeat(500); // 1,500 bytes: 10 fit in 16,384
    for (let n = 1; n <= 12; n++) await s.appendChat('BYTES', chat(n, text));
    expect((await s.chat('BYTES')).map((m) => m.at)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    await s.appendChat('BYTES', chat(13, 'short'));
    expect((await s.chat('BYTES')).map((m) => m.at)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    await s.appendChat('BYTES', chat(14, text)); // 16,505 bytes: the oldest goes
    expect((await s.chat('BYTES')).map((m) => m.at)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  test('the history lives and dies with its room: its expiry, PERSIST, deletion; none for a missing room', async () => {
    const { store: s, redis } = await store();
    const key = `${prefix}chat:LIFE`;
    expect(await s.appendChat('LIFE', chat(1))).toBe(false);
    expect(await redis.exists(key)).toBe(0);
    expect(await s.create(room('LIFE'))).toBe(true);
    await s.appendChat('LIFE', chat(1));
    expect(await redis.pttl(key)).toBe(-1);
    // Everyone away: the room and its history expire at the same moment.
    const expiresAt = relayNow() + 60_000;
    await s.update('LIFE', (r) => ({ ok: true, room: { ...r, expiresAt }, value: null }));
    expect(await redis.pexpiretime(key)).toBe(await redis.pexpiretime(`${prefix}room:LIFE`));
    await s.appendChat('LIFE', chat(2)); // an append keeps the room's expiry
    expect(await redis.pexpiretime(key)).toBe(await redis.pexpiretime(`${prefix}room:LIFE`));
    await s.update('LIFE', (r) => ({ ok: true, room: { ...r, expiresAt: null }, value: null }));
    expect(await redis.pttl(key)).toBe(-1);
    expect(await s.chat('LIFE')).toEqual([chat(1), chat(2)]);
    await s.update('LIFE', () => ({ ok: true, room: null, value: null }));
    expect(await redis.exists(key)).toBe(0);
    expect(await s.chat('LIFE')).toEqual([]);

    await s.create(room('SHORT', relayNow() + 150));
    await s.appendChat('SHORT', chat(1));
    await new Promise((done) => setTimeout(done, 250));
    expect(await redis.exists(`${prefix}chat:SHORT`)).toBe(0);
  });
});
