/**
 * Faults with two relays sharing a private Redis (test/integration/redis/processes.ts), beyond what
 * multi-node.test.ts (a node killed, members resume with the room) and redis-restart.test.ts (Redis
 * restarted empty, the relays put the rooms back) cover:
 * - a relay killed while both members keep controlling: every `seq` is seen once, in order, with no
 *   gap, by the member on the surviving relay, and the moved member goes on from the last one;
 * - Redis restarted empty while the room's only relay was down too (no relay holds a copy): the
 *   room is lost, and a member coming back is told so (`resume_failed`, the invite `room_not_found`,
 *   which the extension says in words: extension/background/errors.ts), not left hanging;
 *   /healthz says Redis is down, then up.
 * Times (failover, service after Redis returns) are measured by `npm run test:chaos:redis`, not here.
 */
import { PROTOCOL_VERSION, type JoinedRoom, type Timeline } from '../../../relay/contract/protocol';
import { connectClient, nextEvent, type TestClient } from '../../support/relay';
import { uniquePrefix } from '../../support/stores';
import { unwrap } from '../relay/support';
import { redisProcess, startRelayProcess, type RedisProcess, type RelayProcess } from './processes';

jest.setTimeout(60_000);

let redis: RedisProcess;
const relays: RelayProcess[] = [];
const clients: TestClient[] = [];

async function client(url: string): Promise<TestClient> {
  const c = await connectClient(url);
  clients.push(c);
  return c;
}

async function relay(prefix: string): Promise<RelayProcess> {
  const r = await startRelayProcess({ redisUrl: redis.url, keyPrefix: prefix });
  relays.push(r);
  return r;
}

async function healthBecomes(url: string, code: number): Promise<{ ready: boolean; reason: string | null }> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${url}/healthz`).catch(() => null);
    if (res?.status === code) return (await res.json()) as { ready: boolean; reason: string | null };
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`${url}/healthz never answered ${code}`);
}

beforeAll(async () => {
  redis = await redisProcess();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all(relays.map((r) => r.stop()));
  await redis.stop();
});

test('a relay killed mid-session: its member goes on through the other, and every seq is seen once, in order', async () => {
  const prefix = uniquePrefix('failover');
  const [a, b] = await Promise.all([relay(prefix), relay(prefix)]);
  const alice = await client(a.url);
  let bob = await client(b.url);
  const created = unwrap(await alice.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Alice' } }));
  const bobSeat: JoinedRoom = unwrap(
    await bob.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: created.room.code, profile: { name: 'Bob' } }),
  );
  const seen: number[] = [];
  alice.on('playback:state', (t: Timeline) => seen.push(t.seq));
  const first = created.room.timeline.seq;

  // Both control, one after the other; Alice (on A) sees each through the adapter.
  let last: Timeline | null = null;
  for (let i = 0; i < 6; i++) {
    const from = i % 2 === 0 ? alice : bob;
    const heard = nextEvent(alice, 'playback:state');
    last = unwrap(await from.emitWithAck('playback:control', { action: 'seek', position: 10 + i }));
    await heard;
  }

  const lost = new Promise<void>((done) => bob.once('disconnect', () => done()));
  await b.kill();
  await lost;
  bob = await client(a.url);
  const back = unwrap(await bob.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: bobSeat.resumeToken }));
  expect(back.memberId).toBe(bobSeat.memberId);
  expect(back.room.timeline).toEqual(last);

  for (let i = 0; i < 4; i++) {
    const from = i % 2 === 0 ? bob : alice;
    const heard = nextEvent(alice, 'playback:state');
    const t = unwrap(await from.emitWithAck('playback:control', { action: 'seek', position: 100 + i }));
    expect(t.seq).toBe(last!.seq + 1);
    last = t;
    await heard;
  }
  expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => first + 1 + i));
});

test("Redis restarted empty while the room's only relay was down: the member coming back is told the room is gone", async () => {
  const prefix = uniquePrefix('lost');
  const [a, b] = await Promise.all([relay(prefix), relay(prefix)]);
  const carol = await client(b.url);
  const seat = unwrap(await carol.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Carol' } }));
  unwrap(await carol.emitWithAck('playback:control', { action: 'play', position: 5 }));

  const lost = new Promise<void>((done) => carol.once('disconnect', () => done()));
  await b.kill(); // the only relay that knew the room
  await lost;
  await redis.stop();
  expect(await healthBecomes(a.url, 503)).toMatchObject({
    ready: false,
    reason: expect.stringMatching(/^redis_(store|adapter)_unavailable$/),
  });
  await redis.start();
  expect(await healthBecomes(a.url, 200)).toMatchObject({ ready: true, reason: null });

  const back = await client(a.url);
  expect(await back.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: seat.resumeToken })).toEqual({
    ok: false,
    error: 'resume_failed',
  });
  expect(await back.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: seat.room.code, profile: { name: 'Carol' } })).toEqual({
    ok: false,
    error: 'room_not_found',
  });
  // The relay serves: a new room works at once.
  unwrap(await back.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Carol' } }));
});
