/** RedisRoomStore against the real Redis: no lost writes across stores, expiry, the room index. */
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { relayNow } from '../../../relay/clock';
import { connectRedis } from '../../../relay/redis/connection';
import { createRoom } from '../../../relay/rooms/membership';
import { RedisRoomStore } from '../../../relay/redis/redis-store';
import type { StoredMember, StoredRoom } from '../../../relay/store/room-store';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../../support/stores';

const silent = pino({ level: 'silent' });
const prefix = uniquePrefix('store');
const clients: Redis[] = [];

async function store(): Promise<{ store: RedisRoomStore; redis: Redis }> {
  const redis = await connectRedis(TEST_REDIS_URL, 'command', silent);
  clients.push(redis);
  return { store: new RedisRoomStore({ redis, keyPrefix: prefix, now: relayNow }), redis };
}

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
    expect(final!.version).toBe(120);
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
});
