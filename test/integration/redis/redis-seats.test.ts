/**
 * Relays that die without a word (SIGKILL) or stall (SIGSTOP): the others see their heartbeat
 * lapse and mark their members away; a stalled relay that comes back puts its members back.
 * Real relay processes on one Redis, with short heartbeat settings (each run under its own prefix).
 */
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { PROTOCOL_VERSION, type JoinedRoom, type Member } from '../../../relay/contract/protocol';
import { connectRedis } from '../../../relay/redis/connection';
import { connectClient, nextEventWhere, type TestClient } from '../../support/relay';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../../support/stores';
import { unwrap } from '../relay/support';
import { startRelayProcess, type RelayProcess } from './processes';

jest.setTimeout(60_000);

const INTERVAL_MS = 250;
/** Long enough that a busy test machine does not stall a live relay past it. */
const TIMEOUT_MS = 2000;
/** The longest a dead relay's members may stay present: its last beat's deadline, one sweep, and slack for a loaded machine. */
const BOUND_MS = TIMEOUT_MS + INTERVAL_MS + 2500;

const prefix = uniquePrefix('seats');
const env = { HEARTBEAT_INTERVAL_MS: String(INTERVAL_MS), HEARTBEAT_TIMEOUT_MS: String(TIMEOUT_MS), HOLD_TIMEOUT_MS: '600000' };
const nodes: RelayProcess[] = [];
const clients: TestClient[] = [];
let redis: Redis;

const start = async (): Promise<RelayProcess> => {
  const node = await startRelayProcess({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix, env });
  nodes.push(node);
  return node;
};

interface Seated {
  socket: TestClient;
  joined: JoinedRoom;
}

async function seat(url: string, code: string | null, name: string): Promise<Seated> {
  const socket = await connectClient(url);
  clients.push(socket);
  const joined = unwrap(
    code === null
      ? await socket.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name } })
      : await socket.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name } }),
  );
  return { socket, joined };
}

const memberUpdate = (socket: TestClient, id: string, connected: boolean, timeoutMs = BOUND_MS): Promise<[Member]> =>
  nextEventWhere(socket, 'member:updated', (m) => m.id === id && m.connected === connected, timeoutMs);

/** Polls Redis (the sweep's last step is there, not on any socket) until `check` holds. */
async function redisState(check: () => Promise<boolean>, what: string, timeoutMs = BOUND_MS): Promise<void> {
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    if (await check()) return;
    await new Promise<void>((done) => setTimeout(done, 50));
  }
  throw new Error(`redis never showed ${what}`);
}

/** Heartbeats and seat sets: every seat set belongs to a beating node, and nothing is being swept. */
async function presenceKeys(): Promise<{ nodes: string[]; seatSets: string[]; sweeps: number }> {
  const ids = await redis.zrange(`${prefix}nodes`, '0', '-1');
  const seatSets = await redis.keys(`${prefix}node:*:seats`);
  return {
    nodes: ids,
    seatSets: seatSets.map((k) => k.slice(`${prefix}node:`.length, -':seats'.length)),
    sweeps: await redis.zcard(`${prefix}sweeps`),
  };
}

async function sweptTo(beating: number): Promise<void> {
  await redisState(async () => {
    const k = await presenceKeys();
    return k.nodes.length === beating && k.sweeps === 0 && k.seatSets.every((id) => k.nodes.includes(id));
  }, `${beating} beating nodes and no dead node's keys`);
}

/** A member as the store has it now (a seated member resuming itself gets a fresh read of the room). */
async function memberNow(reader: Seated, id: string): Promise<Member | undefined> {
  const room = unwrap(
    await reader.socket.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: reader.joined.resumeToken }),
  ).room;
  return room.members.find((m) => m.id === id);
}

beforeAll(async () => {
  redis = await connectRedis(TEST_REDIS_URL, 'command', pino({ level: 'silent' }));
  await Promise.all([start(), start(), start()]);
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all(nodes.map((n) => n.stop()));
  redis.disconnect();
  await deleteKeys(TEST_REDIS_URL, prefix);
});

test('a member of a killed relay who does not come back is shown away within the bound, and its hold is released', async () => {
  const [a, b] = nodes as [RelayProcess, RelayProcess];
  const alice = await seat(a.url, null, 'Alice');
  const code = alice.joined.room.code;
  const bob = await seat(b.url, code, 'Bob');
  unwrap(await alice.socket.emitWithAck('playback:control', { action: 'play', position: 10 }));
  const held = nextEventWhere(alice.socket, 'playback:state', (t) => t.waitingFor.includes(bob.joined.memberId), 5000);
  unwrap(await bob.socket.emitWithAck('member:status', { status: 'buffering', offsetMs: null, rttMs: 20 }));
  const [hold] = await held;

  // Bob's client does not reconnect (reconnection is off in connectClient).
  const away = memberUpdate(alice.socket, bob.joined.memberId, false);
  const released = nextEventWhere(alice.socket, 'playback:state', (t) => t.waitingFor.length === 0, BOUND_MS);
  const killedAt = Date.now();
  await b.kill();
  const [seen] = await away;
  expect(Date.now() - killedAt).toBeLessThan(BOUND_MS);
  expect(seen).toMatchObject({ id: bob.joined.memberId, connected: false });
  const [state] = await released;
  expect(state).toMatchObject({ waitingFor: [], holdUntil: null, paused: false });
  expect(state.seq).toBeGreaterThan(hold.seq);

  await sweptTo(2);
  expect(await memberNow(alice, bob.joined.memberId)).toMatchObject({ connected: false, role: 'member' });
});

test('a member of a killed relay who resumes elsewhere before the sweep stays present; one who does not is shown away', async () => {
  const [a, , c] = nodes as [RelayProcess, RelayProcess, RelayProcess];
  const d = await start();
  const alice = await seat(a.url, null, 'Alice');
  const code = alice.joined.room.code;
  const carol = await seat(d.url, code, 'Carol');
  const dave = await seat(d.url, code, 'Dave');
  const carolAway: Member[] = [];
  alice.socket.on('member:updated', (m) => {
    if (m.id === carol.joined.memberId && !m.connected) carolAway.push(m);
  });

  const daveAway = memberUpdate(alice.socket, dave.joined.memberId, false);
  const lost = new Promise<void>((done) => carol.socket.once('disconnect', () => done()));
  await d.kill();
  await lost;
  // Carol resumes on C at once (well before the 2 s timeout): the sweep must leave her seat alone.
  const back = await connectClient(c.url);
  clients.push(back);
  unwrap(await back.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: carol.joined.resumeToken }));

  await daveAway;
  await sweptTo(2);
  expect(await memberNow(alice, carol.joined.memberId)).toMatchObject({ connected: true });
  expect(await memberNow(alice, dave.joined.memberId)).toMatchObject({ connected: false });
  // Carol on C still acts in the room.
  const chat = nextEventWhere(alice.socket, 'chat:message', (m) => m.from === carol.joined.memberId, 5000);
  unwrap(await back.emitWithAck('chat:send', { text: 'still here' }));
  await chat;
  expect(carolAway).toEqual([]);
});

test('a relay taken for dead while alive (stalled past the timeout) puts its members back, and is swept again when it really dies', async () => {
  const [a] = nodes as [RelayProcess];
  const e = await start();
  const alice = await seat(a.url, null, 'Alice');
  const erin = await seat(e.url, alice.joined.room.code, 'Erin');

  const away = memberUpdate(alice.socket, erin.joined.memberId, false);
  e.freeze();
  await away;
  const back = memberUpdate(alice.socket, erin.joined.memberId, true, 10_000);
  e.thaw();
  const [present] = await back;
  expect(present).toMatchObject({ id: erin.joined.memberId, connected: true });
  expect(erin.socket.connected).toBe(true);
  expect(await memberNow(alice, erin.joined.memberId)).toMatchObject({ connected: true });
  // Erin's relay still serves her.
  const chat = nextEventWhere(alice.socket, 'chat:message', (m) => m.from === erin.joined.memberId, 5000);
  unwrap(await erin.socket.emitWithAck('chat:send', { text: 'back' }));
  await chat;

  // Its seats were registered again: when it dies for real, Erin is shown away again.
  const awayAgain = memberUpdate(alice.socket, erin.joined.memberId, false);
  await e.kill();
  await awayAgain;
});

test('a relay stopped cleanly removes its heartbeat and its seats itself', async () => {
  const f = await start();
  const before = await presenceKeys();
  const alice = await seat(f.url, null, 'Alice');
  await redisState(async () => (await presenceKeys()).seatSets.length > before.seatSets.length, 'the new seat set');
  await f.stop();
  const after = await presenceKeys();
  expect(after.nodes).toHaveLength(before.nodes.length - 1);
  expect(after.seatSets.every((id) => after.nodes.includes(id))).toBe(true);
  expect(alice.socket.connected).toBe(false);
});
