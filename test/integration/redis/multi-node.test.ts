/**
 * Three relay processes sharing one Redis (each test run under its own key prefix): one room
 * served by all three (joins, controls, chat, telemetry), a node killed mid-session, every node
 * restarted; one chat history kept for a room whose members are on all three.
 */
import {
  CLIENT_FEATURES,
  LIMITS,
  PROTOCOL_VERSION,
  type ChatMessage,
  type JoinedRoom,
  type Timeline,
} from '../../../relay/contract/protocol';
import { connectClient, nextEvent, nextEventWhere, type TestClient } from '../../support/relay';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../../support/stores';
import { unwrap } from '../relay/support';
import { startRelayProcess, type RelayProcess } from './processes';

jest.setTimeout(60_000);

const prefix = uniquePrefix('nodes');
let nodes: RelayProcess[] = [];
const clients: TestClient[] = [];

async function client(url: string): Promise<TestClient> {
  const c = await connectClient(url);
  clients.push(c);
  return c;
}

/** Each relay lists the rooms it has telemetry watchers in every 300 ms (10 s by default). */
const start = (): Promise<RelayProcess> =>
  startRelayProcess({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix, env: { WATCH_REFRESH_MS: '300', TELEMETRY_FLUSH_MS: '100' } });

/** Resumes a seat on the node at `url` with the resume token. */
async function resumeOn(url: string, seat: JoinedRoom): Promise<{ socket: TestClient; joined: JoinedRoom }> {
  const socket = await client(url);
  const joined = unwrap(await socket.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: seat.resumeToken }));
  return { socket, joined };
}

beforeAll(async () => {
  nodes = await Promise.all([start(), start(), start()]);
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all(nodes.map((n) => n.stop()));
  await deleteKeys(TEST_REDIS_URL, prefix);
});

describe('three relays, one room', () => {
  let alice: { socket: TestClient; joined: JoinedRoom };
  let bob: { socket: TestClient; joined: JoinedRoom };
  let carol: { socket: TestClient; joined: JoinedRoom };
  let code: string;
  let playing: Timeline;
  let hi: ChatMessage;

  test('joins and control events are seen by members on every node', async () => {
    const [a, b, c] = nodes as [RelayProcess, RelayProcess, RelayProcess];
    const aSock = await client(a.url);
    alice = {
      socket: aSock,
      joined: unwrap(await aSock.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Alice' } })),
    };
    code = alice.joined.room.code;

    const bSock = await client(b.url);
    const aliceSeesBob = nextEvent(alice.socket, 'member:joined');
    bob = {
      socket: bSock,
      joined: unwrap(await bSock.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name: 'Bob' } })),
    };
    expect((await aliceSeesBob)[0].name).toBe('Bob');

    const cSock = await client(c.url);
    // Through Redis a joiner can hear its own member:joined late (the adapter picks the receivers
    // after storing it, when the joiner is in the room): Bob waits for Carol's by name.
    const isCarol = (m: { name: string }): boolean => m.name === 'Carol';
    const seesCarol = [nextEvent(alice.socket, 'member:joined'), nextEventWhere(bob.socket, 'member:joined', isCarol)];
    carol = {
      socket: cSock,
      joined: unwrap(await cSock.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name: 'Carol' } })),
    };
    for (const [m] of await Promise.all(seesCarol)) expect(m.name).toBe('Carol');
    expect(Object.keys(carol.joined.room.members)).toHaveLength(3);

    // Bob (node B) plays; Alice (A) and Carol (C) get the same timeline, seq and all.
    const states = [alice, bob, carol].map((m) => nextEvent(m.socket, 'playback:state'));
    playing = unwrap(await bob.socket.emitWithAck('playback:control', { action: 'play', position: 42 }));
    for (const [t] of await Promise.all(states)) expect(t).toEqual(playing);
    expect(playing.paused).toBe(false);

    // Chat from C reaches A, B and C itself: one message, one id.
    const chats = [alice, bob, carol].map((m) => nextEvent(m.socket, 'chat:message'));
    unwrap(await carol.socket.emitWithAck('chat:send', { text: 'hi from C' }));
    const [said, ...heard] = (await Promise.all(chats)).map(([m]) => m);
    expect(said).toMatchObject({ from: carol.joined.memberId, text: 'hi from C' });
    for (const m of heard) expect(m).toEqual(said);
    hi = said!;

    // Telemetry from B reaches A and C, who watch, in the batch B's relay sends to the room's watchers.
    for (const m of [alice, carol]) unwrap(await m.socket.emitWithAck('members:watch', { on: true }));
    const batches = [nextEvent(alice.socket, 'members:telemetry'), nextEvent(carol.socket, 'members:telemetry')];
    bob.socket.emit('member:telemetry', { offsetMs: 6, rttMs: null });
    for (const [entries] of await Promise.all(batches))
      expect(entries).toEqual([{ memberId: bob.joined.memberId, offsetMs: 6, rttMs: null }]);

    // Alice stops watching and starts again (a popup closed and opened): B's relay, asked through
    // Redis, sends Bob's latest report again, unasked by Bob.
    unwrap(await alice.socket.emitWithAck('members:watch', { on: false }));
    const again = nextEvent(alice.socket, 'members:telemetry');
    unwrap(await alice.socket.emitWithAck('members:watch', { on: true }));
    expect((await again)[0]).toEqual([{ memberId: bob.joined.memberId, offsetMs: 6, rttMs: null }]);
  });

  test('a node killed mid-session: its member resumes on another node and keeps the room', async () => {
    const [, b, c] = nodes as [RelayProcess, RelayProcess, RelayProcess];
    const lost = new Promise<void>((done) => bob.socket.once('disconnect', () => done()));
    await b.kill();
    await lost;

    const aliceSeesBob = nextEvent(alice.socket, 'member:updated');
    const resumed = await resumeOn(c.url, bob.joined);
    expect(resumed.joined.memberId).toBe(bob.joined.memberId);
    expect(resumed.joined.room.code).toBe(code);
    expect(resumed.joined.room.timeline).toEqual(playing);
    expect(resumed.joined.chat).toEqual([hi]);
    const [seen] = await aliceSeesBob;
    expect(seen).toMatchObject({ id: bob.joined.memberId });
    bob = resumed;

    // The room goes on: Alice pauses on A, Bob (now on C) follows.
    const bobState = nextEvent(bob.socket, 'playback:state');
    const paused = unwrap(await alice.socket.emitWithAck('playback:control', { action: 'pause', position: 50 }));
    expect((await bobState)[0]).toEqual(paused);
    playing = paused;
    nodes[1] = await start();
  });

  test('every node restarted: the room is back and every member resumes where it was', async () => {
    const gone = [alice, bob, carol].map((m) => new Promise<void>((done) => m.socket.once('disconnect', () => done())));
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(gone);
    nodes = await Promise.all([start(), start(), start()]);

    const back = await Promise.all([alice, bob, carol].map((m, i) => resumeOn(nodes[(i + 1) % 3]!.url, m.joined)));
    for (const [i, r] of back.entries()) {
      expect(r.joined.room.code).toBe(code);
      expect(r.joined.memberId).toBe([alice, bob, carol][i]!.joined.memberId);
      expect(r.joined.room.timeline).toEqual(playing);
      expect(r.joined.chat).toEqual([hi]); // the history is in Redis, not in the relays
    }
    const [a2, b2] = back as [typeof alice, typeof bob];
    const bState = nextEvent(b2.socket, 'playback:state');
    const seek = unwrap(await a2.socket.emitWithAck('playback:control', { action: 'seek', position: 10 }));
    expect((await bState)[0]).toEqual(seek);
    expect(seek.seq).toBeGreaterThan(playing.seq);
  });
});

describe('three relays, one chat history', () => {
  test('members on every node fill it; it is capped by count and by bytes; joiners and resumers on any node get it, oldest first', async () => {
    // Seven members, spread over the nodes: each may send 10 messages at once (its chat budget).
    const seats: Array<{ socket: TestClient; joined: JoinedRoom }> = [];
    const first = await client(nodes[0]!.url);
    seats.push({
      socket: first,
      joined: unwrap(await first.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'M0' } })),
    });
    const code = seats[0]!.joined.room.code;
    for (let i = 1; i < 7; i++) {
      const socket = await client(nodes[i % 3]!.url);
      seats.push({
        socket,
        joined: unwrap(await socket.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name: `M${i}` } })),
      });
    }
    const watcher = seats[0]!.socket;
    const live = new Map<string, ChatMessage>();
    watcher.on('chat:message', (m) => live.set(m.text, m));
    /** Sends each text from the next member in turn (so from every node), one after another, until the watcher has them all. */
    let turn = 0;
    const say = async (texts: string[]): Promise<void> => {
      for (const text of texts) unwrap(await seats[turn++ % seats.length]!.socket.emitWithAck('chat:send', { text }));
      for (let i = 0; i < 100 && !texts.every((t) => live.has(t)); i++) await new Promise((done) => setTimeout(done, 20));
      expect(texts.filter((t) => !live.has(t))).toEqual([]);
    };
    /** The history's texts as a joiner on `node` gets it, each message as it was broadcast. */
    const joinerSees = async (node: RelayProcess, name: string): Promise<string[]> => {
      const socket = await client(node.url);
      const joined = unwrap(await socket.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name } }));
      for (const m of joined.chat!) expect(m).toEqual(live.get(m.text));
      unwrap(await socket.emitWithAck('room:leave'));
      return joined.chat!.map((m) => m.text);
    };

    const short = Array.from({ length: LIMITS.chatHistoryCount + 5 }, (_, i) => `short ${i}`);
    await say(short);
    for (const node of nodes) expect(await joinerSees(node, 'Late')).toEqual(short.slice(5));

    // 1,496 bytes each: the 55 short ones and the first long one no longer fit.
    const long = Array.from({ length: 11 }, (_, i) => `${'€'.repeat(498)}${String(i).padStart(2, '0')}`);
    await say(long);
    for (const node of nodes) expect(await joinerSees(node, 'Later')).toEqual(long.slice(1));

    const away = seats[1]!;
    const gone = new Promise<void>((done) => away.socket.once('disconnect', () => done()));
    away.socket.disconnect();
    await gone;
    const back = await resumeOn(nodes[2]!.url, away.joined);
    expect(back.joined.chat?.map((m) => m.text)).toEqual(long.slice(1));
  });
});

describe('status batches across relays', () => {
  test("each relay batches its own members' reports; the room on every relay gets them, and nobody a member:updated", async () => {
    const batching = async (url: string): Promise<TestClient> => {
      const c = await connectClient(url, { auth: { features: [...CLIENT_FEATURES] } });
      clients.push(c);
      return c;
    };
    const [a, b, c] = nodes as [RelayProcess, RelayProcess, RelayProcess];
    const ann = await batching(a.url);
    const created = unwrap(await ann.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Ann' } }));
    const seat = async (url: string, name: string): Promise<{ socket: TestClient; id: string }> => {
      const socket = await batching(url);
      const joined = unwrap(
        await socket.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: created.room.code, profile: { name } }),
      );
      return { socket, id: joined.memberId };
    };
    const [ben, cat, cid] = [await seat(b.url, 'Ben'), await seat(c.url, 'Cat'), await seat(c.url, 'Cid')];
    const updates: string[] = [];
    ann.on('member:updated', (m) => updates.push(m.name));
    const latest = new Map<string, string>();
    const batchCount = { n: 0 };
    const all = new Promise<void>((done) =>
      ann.on('members:status', (entries) => {
        batchCount.n++;
        for (const e of entries) latest.set(e.memberId, e.status);
        if (latest.size === 3) done();
      }),
    );
    await Promise.all([ben, cat, cid].map((m) => m.socket.emitWithAck('member:status', { status: 'paused' })));
    await all;
    // A barrier on each relay: anything else they sent Ann about these reports would have come by now.
    for (const m of [ben, cat, cid]) unwrap(await m.socket.emitWithAck('member:profile', { name: 'Same' }));
    // All three may be in already (each barrier's ack can come after its broadcast).
    await new Promise<void>((done) => {
      const check = (): void => void (updates.length === 3 && done());
      ann.on('member:updated', check);
      check();
    });
    expect(Object.fromEntries(latest)).toEqual({ [ben.id]: 'paused', [cat.id]: 'paused', [cid.id]: 'paused' });
    // One batch from B, and Cat's and Cid's together from C (two if C's window closed between them).
    expect(batchCount.n).toBeGreaterThanOrEqual(2);
    expect(batchCount.n).toBeLessThanOrEqual(3);
    // Only the three profile changes: no member:updated for any status.
    expect(updates).toEqual(['Same', 'Same', 'Same']);
  });

  test('a pause through one relay: members on every relay follow it without a report, in the shared store and in what a joiner on another relay sees', async () => {
    const [a, b, c] = nodes as [RelayProcess, RelayProcess, RelayProcess];
    const current = async (url: string): Promise<TestClient> => {
      const socket = await connectClient(url, { auth: { features: [...CLIENT_FEATURES] } });
      clients.push(socket);
      return socket;
    };
    const ann = await current(a.url);
    const created = unwrap(await ann.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Ann' } }));
    expect(created.follows).toBe(true);
    const seat = async (url: string, name: string): Promise<TestClient> => {
      const socket = await current(url);
      unwrap(await socket.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: created.room.code, profile: { name } }));
      return socket;
    };
    const [ben, cat] = [await seat(b.url, 'Ben'), await seat(c.url, 'Cat')];
    const playing = [ben, cat].map((s) => nextEventWhere(s, 'playback:state', (t) => !t.paused));
    const play = unwrap(await ann.emitWithAck('playback:control', { action: 'play', position: 0 }));
    await Promise.all(playing);
    for (const s of [ann, ben, cat])
      unwrap(await s.emitWithAck('member:status', { status: 'playing', offsetMs: 0, rttMs: 5, seq: play.seq }));
    const paused = [ben, cat].map((s) => nextEventWhere(s, 'playback:state', (t) => t.paused));
    unwrap(await ann.emitWithAck('playback:control', { action: 'pause' }));
    await Promise.all(paused);
    const dee = await current(c.url);
    const joined = unwrap(
      await dee.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: created.room.code, profile: { name: 'Dee' } }),
    );
    expect(Object.fromEntries(joined.room.members.map((m) => [m.name, m.status]))).toEqual({
      Ann: 'paused',
      Ben: 'paused',
      Cat: 'paused',
      Dee: 'no_video',
    });
  });
});

describe('telemetry watchers across relays', () => {
  test("a relay started after a member began watching learns of the watcher from the others' list, and sends its members' telemetry", async () => {
    const alice = await client(nodes[0]!.url);
    const created = unwrap(await alice.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Alice' } }));
    unwrap(await alice.emitWithAck('members:watch', { on: true }));
    // A relay that did not exist when Alice asked the others to replay their members' reports.
    const late = await start();
    try {
      const dave = await client(late.url);
      const joined = unwrap(
        await dave.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: created.room.code, profile: { name: 'Dave' } }),
      );
      const fromDave = nextEventWhere(alice, 'members:telemetry', (entries) => entries.some((e) => e.memberId === joined.memberId));
      dave.emit('member:telemetry', { offsetMs: 7, rttMs: 30 });
      const [entries] = await fromDave;
      expect(entries).toEqual([{ memberId: joined.memberId, offsetMs: 7, rttMs: 30 }]);
    } finally {
      await late.stop();
    }
  });
});
