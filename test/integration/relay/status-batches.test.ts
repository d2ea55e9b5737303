/**
 * Status reports over a real relay: a client that declares `members:status` in its handshake gets
 * the room's reports in batches (the latest of each member, to the whole room), in order with the
 * relay's other broadcasts; a client that does not (an older extension) still gets a
 * `member:updated` per report, and a room with one of those sends both.
 */
import { CLIENT_FEATURES, PROTOCOL_VERSION, type Member, type MemberStatusEntry } from '../../../relay/contract/protocol';
import { connectClient, nextEvent, nextEventWhere, type TestClient } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap, useRelay } from './support';

/**
 * Long enough that the four reports of the first test land in one window even with the Redis
 * store on a loaded machine (each report is a store round trip): the batch goes on a timer.
 */
const BATCH_MS = 500;

/** Everything a client receives, by event, in order. */
function recorder(socket: TestClient): Array<[string, unknown]> {
  const seen: Array<[string, unknown]> = [];
  socket.onAny((event: string, payload: unknown) => seen.push([event, payload]));
  return seen;
}

/** A member's batch entry, stored under timeline `seq` (0: no control yet). */
const entry = (m: Member, seq = 0): MemberStatusEntry => ({ memberId: m.id, status: m.status, offsetMs: m.offsetMs, rttMs: m.rttMs, seq });

describe.each(storeFactories)('status batches ($name store)', (storeFactory) => {
  const h = useRelay({ storeFactory, config: { STATUS_BATCH_MS: BATCH_MS } });
  const clients: TestClient[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });

  /** A client of a current extension (it declares the feature), or of an older one. */
  async function member(code: string | null, name: string, batches = true) {
    const socket = await connectClient(h.relay().url, batches ? { auth: { features: [...CLIENT_FEATURES] } } : {});
    clients.push(socket);
    const joined = unwrap(
      code === null
        ? await socket.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name } })
        : await socket.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name } }),
    );
    return { socket, joined, seen: recorder(socket) };
  }

  test("every member's report after a control reaches the room as one batch per member, sender included, and no member:updated", async () => {
    const alice = await member(null, 'Alice');
    const bob = await member(alice.joined.room.code, 'Bob');
    const carol = await member(alice.joined.room.code, 'Carol');
    for (const m of [alice, bob, carol]) m.seen.length = 0;
    const batches = [alice, bob, carol].map((m) => nextEvent(m.socket, 'members:status'));
    // Alice reports twice within the window: only her latest goes.
    unwrap(await alice.socket.emitWithAck('member:status', { status: 'buffering', offsetMs: 1, rttMs: 10 }));
    const acks = await Promise.all([
      alice.socket.emitWithAck('member:status', { status: 'paused', offsetMs: 2, rttMs: 10 }),
      bob.socket.emitWithAck('member:status', { status: 'paused', offsetMs: 3, rttMs: 20 }),
      carol.socket.emitWithAck('member:status', { status: 'paused', offsetMs: null, rttMs: 30 }),
    ]);
    const expected = acks.map((a) => entry(unwrap(a)));
    for (const [got] of await Promise.all(batches))
      expect([...got].sort((x, y) => x.memberId.localeCompare(y.memberId))).toEqual(
        [...expected].sort((x, y) => x.memberId.localeCompare(y.memberId)),
      );
    // A barrier: an acked event after the batch; still nothing but the one batch each. (Listening
    // before it is sent: the others' copies may be read before Alice's ack.)
    const barrier = [bob, carol].map((m) => nextEvent(m.socket, 'member:updated'));
    unwrap(await alice.socket.emitWithAck('member:profile', { name: 'Alice' }));
    await Promise.all(barrier);
    for (const m of [alice, bob, carol]) expect(m.seen.filter(([e]) => e === 'members:status')).toHaveLength(1);
    expect(bob.seen.map(([e]) => e)).toEqual(['members:status', 'member:updated']);
  });

  test('a batch goes before any later broadcast of the relay to the room: the status, then the departure', async () => {
    const alice = await member(null, 'Alice');
    const bob = await member(alice.joined.room.code, 'Bob');
    alice.seen.length = 0;
    const left = nextEvent(alice.socket, 'member:left');
    unwrap(await bob.socket.emitWithAck('member:status', { status: 'playing', offsetMs: 0, rttMs: 5 }));
    unwrap(await bob.socket.emitWithAck('room:leave'));
    await left;
    expect(alice.seen.map(([e]) => e)).toEqual(['members:status', 'member:left']);
    expect(alice.seen[0]![1]).toEqual([{ memberId: bob.joined.memberId, status: 'playing', offsetMs: 0, rttMs: 5, seq: 0 }]);
  });

  test('a status that releases a hold: the batch first, then the released timeline', async () => {
    const alice = await member(null, 'Alice');
    const bob = await member(alice.joined.room.code, 'Bob');
    unwrap(await alice.socket.emitWithAck('playback:control', { action: 'play', position: 0 }));
    const held = nextEvent(alice.socket, 'playback:state');
    unwrap(await bob.socket.emitWithAck('member:status', { status: 'buffering' }));
    expect((await held)[0].waitingFor).toEqual([bob.joined.memberId]);
    alice.seen.length = 0;
    const released = nextEvent(alice.socket, 'playback:state');
    unwrap(await bob.socket.emitWithAck('member:status', { status: 'playing' }));
    expect((await released)[0].waitingFor).toEqual([]);
    expect(alice.seen.map(([e]) => e)).toEqual(['members:status', 'playback:state']);
  });

  test('an older client in the room gets a member:updated per report, and the others still their batch', async () => {
    const alice = await member(null, 'Alice');
    const old = await member(alice.joined.room.code, 'Old', false);
    const bob = await member(alice.joined.room.code, 'Bob');
    for (const m of [alice, old, bob]) m.seen.length = 0;
    const oldSees = nextEvent(old.socket, 'member:updated');
    const bobBatch = nextEvent(bob.socket, 'members:status');
    const ack = unwrap(await alice.socket.emitWithAck('member:status', { status: 'paused', offsetMs: 4, rttMs: 8 }));
    expect((await oldSees)[0]).toEqual(ack);
    expect((await bobBatch)[0]).toEqual([entry(ack)]);
    // The older client's own report: the others still hear of it in a batch; it needs no update of its own.
    // Alice's copy of the first batch may still be on its way (Bob's came first): wait for Old's.
    const aliceBatch = nextEventWhere(alice.socket, 'members:status', (entries) => entries.some((e) => e.memberId === old.joined.memberId));
    const oldAck = unwrap(await old.socket.emitWithAck('member:status', { status: 'playing' }));
    expect((await aliceBatch)[0]).toEqual([entry(oldAck)]);
  });

  test('a room of older clients only gets no batches', async () => {
    const alice = await member(null, 'Alice', false);
    const bob = await member(alice.joined.room.code, 'Bob', false);
    bob.seen.length = 0;
    const updated = nextEvent(bob.socket, 'member:updated');
    unwrap(await alice.socket.emitWithAck('member:status', { status: 'paused' }));
    await updated;
    const renamed = nextEvent(bob.socket, 'member:updated');
    unwrap(await alice.socket.emitWithAck('member:profile', { name: 'Alice' }));
    await renamed;
    expect(bob.seen.map(([e]) => e)).toEqual(['member:updated', 'member:updated']);
  });

  test.each([
    ['a string', { features: 'members:status' }],
    ['unknown features and junk', { features: ['teleport', 7, null, { a: 1 }] }],
    ['an object', { features: { 0: 'members:status' } }],
  ])('a handshake with %s is an older client: it gets member:updated, and nothing breaks', async (_, auth) => {
    const alice = await member(null, 'Alice');
    const odd = await connectClient(h.relay().url, { auth });
    clients.push(odd);
    unwrap(await odd.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: alice.joined.room.code, profile: { name: 'Odd' } }));
    const updated = nextEvent(odd, 'member:updated');
    unwrap(await alice.socket.emitWithAck('member:status', { status: 'paused' }));
    expect((await updated)[0].status).toBe('paused');
  });
});
