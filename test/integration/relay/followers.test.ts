/**
 * Members follow the room over a real relay (relay/rooms/followers.ts): after a control nobody needs
 * to report the status it implies. The relay stores it for every member that was playing or paused,
 * says so in its join answer (`follows`), and tells a client that does not follow timelines itself
 * (one declaring only `members:status`) in the room's status batch.
 */
import { CLIENT_FEATURES, PROTOCOL_VERSION, type ClientFeature, type Member } from '../../../relay/contract/protocol';
import { connectClient, nextEvent, nextEventWhere, type TestClient } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap, useRelay } from './support';

describe.each(storeFactories)('members follow the room ($name store)', (storeFactory) => {
  const h = useRelay({ storeFactory, config: { STATUS_BATCH_MS: 50 } });
  const clients: TestClient[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });

  async function member(code: string | null, name: string, features: readonly ClientFeature[] = CLIENT_FEATURES) {
    const socket = await connectClient(h.relay().url, { auth: { features: [...features] } });
    clients.push(socket);
    const joined = unwrap(
      code === null
        ? await socket.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name } })
        : await socket.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name } }),
    );
    return { socket, joined, id: joined.memberId };
  }

  /** Alice and Bob, both playing with the room (each reported it once). */
  async function playingRoom(bobFeatures: readonly ClientFeature[] = CLIENT_FEATURES) {
    const alice = await member(null, 'Alice');
    const code = alice.joined.room.code;
    const bob = await member(code, 'Bob', bobFeatures);
    const playing = nextEventWhere(bob.socket, 'playback:state', (t) => !t.paused);
    const t = unwrap(await alice.socket.emitWithAck('playback:control', { action: 'play', position: 0 }));
    await playing;
    for (const m of [alice, bob])
      unwrap(await m.socket.emitWithAck('member:status', { status: 'playing', offsetMs: 0, rttMs: 10, seq: t.seq }));
    return { alice, bob, code, seq: t.seq };
  }

  const statuses = (members: Member[]) => Object.fromEntries(members.map((m) => [m.name, m.status]));

  test('the relay says it makes members follow; after a pause the room lists everyone paused, though nobody reported it', async () => {
    const { alice, bob, code } = await playingRoom();
    expect(alice.joined.follows).toBe(true);
    const paused = nextEventWhere(bob.socket, 'playback:state', (t) => t.paused);
    unwrap(await alice.socket.emitWithAck('playback:control', { action: 'pause' }));
    await paused;
    const carol = await member(code, 'Carol');
    expect(statuses(carol.joined.room.members)).toEqual({ Alice: 'paused', Bob: 'paused', Carol: 'no_video' });
  });

  test('a status the timeline does not imply (a stall) is kept through a control', async () => {
    const { alice, bob, code } = await playingRoom();
    unwrap(await bob.socket.emitWithAck('member:status', { status: 'buffering', offsetMs: null, rttMs: 10 }));
    // The room waits for Bob ('wait' policy); Alice pauses meanwhile.
    unwrap(await alice.socket.emitWithAck('playback:control', { action: 'pause' }));
    const carol = await member(code, 'Carol');
    expect(statuses(carol.joined.room.members)).toMatchObject({ Alice: 'paused', Bob: 'buffering' });
  });

  test('a report that releases a hold follows the release: its ack, and the room, say playing', async () => {
    const { alice, bob, code } = await playingRoom();
    const held = nextEventWhere(alice.socket, 'playback:state', (t) => t.waitingFor.includes(bob.id));
    unwrap(await bob.socket.emitWithAck('member:status', { status: 'buffering', offsetMs: null, rttMs: 10 }));
    const [hold] = await held;
    // Bob's player is held paused with the room; he is ready again.
    const ack = unwrap(await bob.socket.emitWithAck('member:status', { status: 'paused', offsetMs: 0, rttMs: 10, seq: hold.seq }));
    expect(ack.status).toBe('playing');
    const carol = await member(code, 'Carol');
    expect(carol.joined.room.timeline.waitingFor).toEqual([]);
    expect(statuses(carol.joined.room.members)).toMatchObject({ Alice: 'playing', Bob: 'playing' });
  });

  test('a report seen under the timeline before a pause is stored as the pause implies', async () => {
    const { alice, bob, seq } = await playingRoom();
    unwrap(await alice.socket.emitWithAck('playback:control', { action: 'pause' }));
    const late = unwrap(await bob.socket.emitWithAck('member:status', { status: 'playing', offsetMs: 0, rttMs: 10, seq }));
    expect(late.status).toBe('paused');
  });

  test('a client that does not follow timelines itself is told the statuses in the next batch, before the timeline', async () => {
    const { alice, bob } = await playingRoom(['members:status']);
    const told = nextEventWhere(bob.socket, 'members:status', (entries) =>
      entries.some((e) => e.memberId === alice.id && e.status === 'paused'),
    );
    // What Bob hears, in order: the batch that tells Alice paused must come before the paused timeline.
    const seen: string[] = [];
    bob.socket.onAny((event: string, payload: unknown) => {
      const tellsPause =
        event === 'members:status' &&
        (payload as Array<{ memberId: string; status: string }>).some((e) => e.memberId === alice.id && e.status === 'paused');
      const paused = event === 'playback:state' && (payload as { paused: boolean }).paused;
      if (tellsPause || paused) seen.push(event);
    });
    const paused = nextEventWhere(bob.socket, 'playback:state', (t) => t.paused);
    unwrap(await alice.socket.emitWithAck('playback:control', { action: 'pause' }));
    const [[entries]] = await Promise.all([told, paused]);
    expect(
      entries
        .filter((e) => e.status === 'paused')
        .map((e) => e.memberId)
        .sort(),
    ).toEqual([alice.id, bob.id].sort());
    expect(seen).toEqual(['members:status', 'playback:state']);
  });

  test('a client older than status batches hears each moved status as a member:updated', async () => {
    const { alice, bob } = await playingRoom([]);
    const updated = nextEventWhere(bob.socket, 'member:updated', (m) => m.id === alice.id && m.status === 'paused');
    unwrap(await alice.socket.emitWithAck('playback:control', { action: 'pause' }));
    const [m] = await updated;
    expect(m).toMatchObject({ name: 'Alice', status: 'paused' });
  });

  test('a room of clients that all follow is told no status after a control', async () => {
    const { alice, bob } = await playingRoom();
    // (The batch of the reports before the pause may still be on its way: only what it says counts.)
    const told: string[] = [];
    bob.socket.on('members:status', (entries) => told.push(...entries.map((e) => e.status)));
    const paused = nextEventWhere(bob.socket, 'playback:state', (t) => t.paused);
    unwrap(await alice.socket.emitWithAck('playback:control', { action: 'pause' }));
    await paused;
    // A barrier: the relay sends a room's waiting batch before any later broadcast to it.
    const barrier = nextEvent(bob.socket, 'member:updated');
    unwrap(await alice.socket.emitWithAck('member:profile', { name: 'Alice' }));
    await barrier;
    expect(told).not.toContain('paused');
  });
});
