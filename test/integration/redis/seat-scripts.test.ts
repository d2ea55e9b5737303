/**
 * The seat registry's scripts on a real Redis: deadlines from Redis' clock, one winner per dead
 * node however many relays sweep at once, claims that lapse, and a node that beats again keeping
 * its seats.
 */
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { connectRedis } from '../../../relay/redis/connection';
import { withSeatScripts, type SeatRedis } from '../../../relay/redis/seat-scripts';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../../support/stores';

const prefix = uniquePrefix('seat-scripts');
const nodes = `${prefix}nodes`;
const sweeps = `${prefix}sweeps`;
const seatsOf = (id: string): string => `${prefix}node:${id}:seats`;
let clients: SeatRedis[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'silent' });
  clients = (await Promise.all([0, 1, 2, 3].map(() => connectRedis(TEST_REDIS_URL, 'command', logger)))).map(withSeatScripts);
});

afterEach(() => deleteKeys(TEST_REDIS_URL, prefix));

afterAll(() => {
  for (const c of clients as Redis[]) c.disconnect();
});

/** Redis' own clock (ms). */
async function redisNow(r: Redis): Promise<number> {
  const [s, us] = await r.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

test('a beat sets the deadline from Redis time and reports a new entry only the first time', async () => {
  const [r] = clients as [SeatRedis];
  const before = await redisNow(r);
  expect(await r.lockstepBeat(nodes, sweeps, 'a', 15_000)).toEqual([1, 0]);
  expect(await r.lockstepBeat(nodes, sweeps, 'a', 15_000)).toEqual([0, 0]);
  const deadline = Number(await r.zscore(nodes, 'a'));
  expect(deadline).toBeGreaterThanOrEqual(before + 15_000);
  expect(deadline).toBeLessThan((await redisNow(r)) + 15_000 + 1);
});

test('relays sweeping at once: each dead node is claimed by exactly one; live ones and the sweeper itself are not', async () => {
  const r = clients[0]!;
  await r.zadd(nodes, 1, 'dead1', 2, 'dead2', 3, 'self');
  await r.lockstepBeat(nodes, sweeps, 'alive', 15_000);
  const results = await Promise.all(clients.map((c, i) => c.lockstepClaim(nodes, sweeps, i === 0 ? 'self' : `sweeper${i}`, 15_000, 16)));
  const claimed = results.flatMap((res) => res.filter((_, i) => i % 2 === 0));
  // 'self' is dead too, but only for the others: exactly one of them takes it.
  expect(claimed.sort()).toEqual(['dead1', 'dead2', 'self']);
  expect(results[0]).not.toContain('self');
  expect(await r.zrange(nodes, '0', '-1')).toEqual(['alive']);
  expect(await r.zcard(sweeps)).toBe(3);
  // A beat of a node being swept says so (its revival waits for the sweep).
  expect(await r.lockstepBeat(nodes, sweeps, 'dead1', 15_000)).toEqual([1, 1]);
});

test('a lapsed claim is taken over while the node stays dead, dropped once it beats again', async () => {
  const r = clients[0]!;
  // Two claims that lapsed (their sweeper died): 'stalled' beats again, 'gone' does not.
  await r.zadd(sweeps, 1, 'gone', 2, 'stalled');
  await r.lockstepBeat(nodes, sweeps, 'stalled', 15_000);
  const claimed = await r.lockstepClaim(nodes, sweeps, 'sweeper2', 15_000, 16);
  expect(claimed[0]).toBe('gone');
  expect(claimed).toHaveLength(2);
  expect(Number(claimed[1])).toBeGreaterThan(await redisNow(r));
  expect(await r.zrange(sweeps, '0', '-1')).toEqual(['gone']);
});

test('the end of a sweep deletes a dead node’s seats, keeps those of a node beating again, and only ends its own claim', async () => {
  const r = clients[0]!;
  await r.zadd(nodes, 1, 'dead', 2, 'back');
  await r.sadd(seatsOf('dead'), 'CODE m s');
  await r.sadd(seatsOf('back'), 'CODE m2 s2');
  const claimed = await r.lockstepClaim(nodes, sweeps, 'sweeper', 15_000, 16);
  const claimEnd = (id: string): number => Number(claimed[claimed.indexOf(id) + 1]);
  await r.lockstepBeat(nodes, sweeps, 'back', 15_000);

  expect(await r.lockstepSwept(nodes, sweeps, seatsOf('dead'), 'dead', claimEnd('dead') - 1)).toBe(1);
  expect(await r.zscore(sweeps, 'dead')).not.toBeNull(); // someone else's claim: left alone
  await r.lockstepSwept(nodes, sweeps, seatsOf('dead'), 'dead', claimEnd('dead'));
  await r.lockstepSwept(nodes, sweeps, seatsOf('back'), 'back', claimEnd('back'));
  expect(await r.zcard(sweeps)).toBe(0);
  expect(await r.exists(seatsOf('dead'))).toBe(0);
  expect(await r.smembers(seatsOf('back'))).toEqual(['CODE m2 s2']);
});
