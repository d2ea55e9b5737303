/**
 * Two relay processes sharing one Redis: a control's new timeline is published by the store's own
 * compare-and-set into the Streams adapter's stream (relay/redis/stream-announce.ts). Every member
 * on either relay gets each state once and in the order of the writes; the entry is the adapter's
 * own format; and a client that missed states, written by either relay, gets them back through
 * connection state recovery from the offset its own relay gave it.
 */
import { Redis } from 'ioredis';
import { CLIENT_FEATURES, PROTOCOL_VERSION, type JoinedRoom, type Timeline } from '../../../relay/contract/protocol';
import { connectClient, nextEvent, nextEventWhere, type TestClient } from '../../support/relay';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../../support/stores';
import { unwrap } from '../relay/support';
import { startRelayProcess, type RelayProcess } from './processes';

jest.setTimeout(60_000);

const prefix = uniquePrefix('announce');
let a: RelayProcess;
let b: RelayProcess;
let redis: Redis;
const clients: TestClient[] = [];

beforeAll(async () => {
  [a, b] = await Promise.all([
    startRelayProcess({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix }),
    startRelayProcess({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix }),
  ]);
  redis = new Redis(TEST_REDIS_URL);
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all([a.stop(), b.stop()]);
  await deleteKeys(TEST_REDIS_URL, prefix);
  redis.disconnect();
});

/** A member joined on `relay` (the first creates the room); reconnection stays off until a test opens it. */
async function member(relay: RelayProcess, name: string, code?: string): Promise<{ socket: TestClient; joined: JoinedRoom }> {
  const socket = await connectClient(relay.url, {
    reconnection: false,
    reconnectionDelay: 50,
    reconnectionDelayMax: 100,
    auth: { features: [...CLIENT_FEATURES] },
  });
  clients.push(socket);
  const profile = { name };
  const joined = unwrap(
    code === undefined
      ? await socket.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile })
      : await socket.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile }),
  );
  return { socket, joined };
}

/** Every `playback:state` position `socket` gets from now on. */
function positions(socket: TestClient): number[] {
  const seen: number[] = [];
  socket.on('playback:state', (t: Timeline) => seen.push(t.position));
  return seen;
}

const seek = async (m: { socket: TestClient }, position: number): Promise<Timeline> =>
  unwrap(await m.socket.emitWithAck('playback:control', { action: 'seek', position }));

const stateAt = (socket: TestClient, position: number): Promise<unknown> =>
  nextEventWhere(socket, 'playback:state', (t) => t.position === position);

type Entry = [id: string, fields: string[]];

describe('a control published with its write', () => {
  let alice: { socket: TestClient; joined: JoinedRoom };
  let bob: { socket: TestClient; joined: JoinedRoom };
  let carol: { socket: TestClient; joined: JoinedRoom };

  test('members on either relay get each state once, in the order of the writes, from whichever relay wrote it', async () => {
    alice = await member(a, 'Alice');
    const code = alice.joined.room.code;
    bob = await member(b, 'Bob', code);
    carol = await member(b, 'Carol', code);
    const seen = [alice, bob, carol].map((m) => positions(m.socket));

    // Alternating relays. A relay reading its own entry back would deliver it again before the
    // next entry from the other relay: the chat through B comes after every state, read from the stream by A.
    await seek(alice, 1);
    await seek(bob, 2);
    await seek(alice, 3);
    await seek(bob, 4);
    await seek(alice, 5);
    const chats = [alice, bob, carol].map((m) => nextEvent(m.socket, 'chat:message'));
    unwrap(await bob.socket.emitWithAck('chat:send', { text: 'written by the adapter' }));
    await Promise.all(chats);
    for (const s of seen) expect(s).toEqual([1, 2, 3, 4, 5]);
  });

  test("its stream entry is the one the adapter writes for a broadcast to the room, under the writing relay's adapter's uid", async () => {
    const code = alice.joined.room.code;
    const chat = [alice, bob, carol].map((m) => nextEvent(m.socket, 'chat:message'));
    unwrap(await alice.socket.emitWithAck('chat:send', { text: 'from A, written by the adapter' }));
    await Promise.all(chat);

    const entries = (await redis.xrange(`${prefix}sio`, '-', '+')) as Entry[];
    const fields = (e: Entry): Record<string, string> => Object.fromEntries(e[1].flatMap((v, i, all) => (i % 2 ? [] : [[v, all[i + 1]!]])));
    const data = (e: Entry): { packet: { data: unknown[] }; opts: unknown } => JSON.parse(fields(e).data!);
    const states = entries.filter((e) => data(e).packet.data[0] === 'playback:state');
    const chats = entries.filter((e) => data(e).packet.data[0] === 'chat:message');
    const byAdapter = chats[0]!;
    expect(states.map((e) => (data(e).packet.data[1] as Timeline).position)).toEqual([1, 2, 3, 4, 5]);
    // Each state under the uid its relay's adapter writes its own broadcasts with: B's chat came
    // first, then A's; the odd positions went through A.
    const [uidB, uidA] = chats.map((e) => fields(e).uid);
    expect(uidA).not.toBe(uidB);
    expect(states.map((e) => fields(e).uid)).toEqual([uidA, uidB, uidA, uidB, uidA]);

    // The same fields in the same order, the same namespace and type; the relays' two adapters' uids.
    const names = (e: Entry): string[] => e[1].filter((_, i) => i % 2 === 0);
    for (const e of states) {
      expect(names(e)).toEqual(names(byAdapter));
      expect({ ...fields(e), uid: '', data: '' }).toEqual({ ...fields(byAdapter), uid: '', data: '' });
    }
    // The packet and options as socket.io-adapter encodes a broadcast to the room, the timeline in it as acked.
    const { packet, opts } = data(byAdapter);
    expect(data(states[4]!)).toEqual({
      packet: { ...(packet as object), data: ['playback:state', expect.objectContaining({ position: 5 })] },
      opts,
    });
    expect(opts).toEqual({ rooms: [`room:${code}`], except: [], flags: {} });
  });

  test("a status waiting for its relay's batch when a control comes reaches every member before the new state", async () => {
    const order = [alice, bob, carol].map((m) => {
      const seen: string[] = [];
      m.socket.on('members:status', () => seen.push('status'));
      m.socket.on('playback:state', () => seen.push('state'));
      return seen;
    });
    // Carol's report waits up to STATUS_BATCH_MS on B; Bob's control through B comes at once.
    unwrap(await carol.socket.emitWithAck('member:status', { status: 'paused' }));
    const states = [alice, bob, carol].map((m) => stateAt(m.socket, 5.25));
    await seek(bob, 5.25);
    await Promise.all(states);
    expect(order).toEqual([
      ['status', 'state'],
      ['status', 'state'],
      ['status', 'state'],
    ]);
  });

  test('a member back from a dropped transport recovers the states it missed, written by either relay', async () => {
    // Carol's last state comes from her own relay (B delivers Bob's seek itself, with its entry's
    // id): recovery resumes from that offset, so it must be the id in the stream.
    const got = stateAt(carol.socket, 5.5);
    await seek(bob, 5.5);
    await got;
    const seen = positions(carol.socket);
    const away = nextEventWhere(alice.socket, 'member:updated', (m) => m.id === carol.joined.memberId && !m.connected);
    carol.socket.io.engine.close();
    await away;

    await seek(alice, 6);
    await seek(bob, 7);

    const back = new Promise<void>((done) => carol.socket.once('connect', () => done()));
    carol.socket.io.reconnection(true);
    carol.socket.connect();
    await back;
    expect(carol.socket.recovered).toBe(true);
    await carol.socket.emitWithAck('time:ping');
    expect(seen).toEqual([6, 7]);
  });
});
