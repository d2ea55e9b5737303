/** The room timeline over a real relay: controls, stale bases, holds and who caused them (`by`), chat, the time service. */
import { ErrorCode } from '../../../relay/contract/protocol';
import { nextEvent } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap, useRelay } from './support';

const HOLD_MS = 1000;

describe.each(storeFactories)('playback ($name store)', (storeFactory) => {
  const h = useRelay({ storeFactory, config: { HOLD_TIMEOUT_MS: HOLD_MS } });

  test('a control is stamped with relay time, acked and broadcast to everyone incl. the sender', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob } = await h.joinRoom(a.room.code);
    const toAlice = nextEvent(alice, 'playback:state');
    const toBob = nextEvent(bob, 'playback:state');
    const before = unwrap(await alice.emitWithAck('playback:control', { action: 'play', position: 10 }));
    expect(before).toMatchObject({ paused: false, position: 10, seq: 1, by: a.memberId });
    expect((await toAlice)[0]).toEqual(before);
    expect((await toBob)[0]).toEqual(before);
    // Scheduled start: setAt lies ahead of the relay time at which it was applied.
    const relayTime = await bob.emitWithAck('time:ping');
    expect(before.setAt).toBeGreaterThan(relayTime - 200);
  });

  test('a control based on an old seq is refused as stale and changes nothing', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob } = await h.joinRoom(a.room.code);
    const t1 = unwrap(await alice.emitWithAck('playback:control', { action: 'seek', position: 20, baseSeq: 0 }));
    expect(await bob.emitWithAck('playback:control', { action: 'seek', position: 50, baseSeq: 0 })).toEqual({
      ok: false,
      error: ErrorCode.Stale,
    });
    expect(unwrap(await bob.emitWithAck('playback:control', { action: 'pause', baseSeq: t1.seq }))).toMatchObject({ position: 20, seq: 2 });
  });

  test('a buffering member holds the room; the hold times out and the room goes on', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code);
    unwrap(await alice.emitWithAck('playback:control', { action: 'play' }));
    const held = nextEvent(alice, 'playback:state');
    unwrap(await bob.emitWithAck('member:status', { status: 'buffering', offsetMs: null, rttMs: 30 }));
    const [hold] = await held;
    expect(hold).toMatchObject({ waitingFor: [b.memberId], by: null });
    expect(hold.holdUntil).not.toBeNull();
    const [released] = await nextEvent(alice, 'playback:state', HOLD_MS * 3);
    expect(released).toMatchObject({ waitingFor: [], holdUntil: null, paused: false, seq: hold.seq + 1, by: null });
  });

  test('status reports update the member for everyone', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code);
    const seen = nextEvent(alice, 'member:updated');
    const echoed: unknown[] = [];
    bob.on('member:updated', (m) => echoed.push(m));
    const own = unwrap(await bob.emitWithAck('member:status', { status: 'playing', offsetMs: -12.5, rttMs: 40 }));
    expect(own).toMatchObject({ id: b.memberId, status: 'playing', offsetMs: -12.5, rttMs: 40 });
    expect((await seen)[0]).toEqual(own);
    // The sender has its member in the ack; a broadcast to it would have arrived before the ack.
    expect(echoed).toEqual([]);
    bob.off('member:updated');
    const renamed = nextEvent(alice, 'member:updated');
    expect(unwrap(await bob.emitWithAck('member:profile', { name: 'Robert', color: '#123456' }))).toMatchObject({
      name: 'Robert',
      color: '#123456',
    });
    expect((await renamed)[0]).toMatchObject({ id: b.memberId, name: 'Robert' });
  });

  test('chat reaches the whole room and no other', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob } = await h.joinRoom(a.room.code);
    const { socket: stranger } = await h.createRoom('Stranger');
    let leaked = false;
    stranger.on('chat:message', () => (leaked = true));
    const got = nextEvent(bob, 'chat:message');
    unwrap(await alice.emitWithAck('chat:send', { text: 'hello' }));
    expect((await got)[0]).toMatchObject({ from: a.memberId, text: 'hello' });
    await stranger.emitWithAck('time:ping'); // a round trip after the broadcast
    expect(leaked).toBe(false);
  });

  test('relay time is monotonic and close to this machine’s clock', async () => {
    const c = await h.client();
    let last = -Infinity;
    for (let i = 0; i < 30; i++) {
      const t0 = performance.timeOrigin + performance.now();
      const t = await c.emitWithAck('time:ping');
      const t3 = performance.timeOrigin + performance.now();
      expect(t).toBeGreaterThan(last);
      expect(t).toBeGreaterThanOrEqual(t0 - 1);
      expect(t).toBeLessThanOrEqual(t3 + 1);
      last = t;
    }
  });
});

describe.each(storeFactories)('who caused a change ($name store)', (storeFactory) => {
  // Holds that outlast the test: an expiry (the relay's own broadcast) on a stalled CI machine
  // would otherwise come before the change under test and be taken for it.
  const h = useRelay({ storeFactory, config: { HOLD_TIMEOUT_MS: 600_000 } });

  test('by: the member for its play, pause and seek, whoever sees it; null for the relay’s own holds and restarts', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code);
    const { socket: carol, joined: c } = await h.joinRoom(a.room.code, 'Carol');
    /** The next playback:state as each member sees it: the same for all three; returns it. */
    const everyone = async (act: () => Promise<unknown>) => {
      const seen = [alice, bob, carol].map((s) => nextEvent(s, 'playback:state'));
      await act();
      const [first, ...rest] = (await Promise.all(seen)).map(([t]) => t);
      for (const t of rest) expect(t).toEqual(first);
      return first;
    };
    expect(await everyone(() => alice.emitWithAck('playback:control', { action: 'play', position: 5 }))).toMatchObject({ by: a.memberId });
    expect(await everyone(() => bob.emitWithAck('playback:control', { action: 'pause' }))).toMatchObject({ by: b.memberId });
    expect(await everyone(() => carol.emitWithAck('playback:control', { action: 'seek', position: 30 }))).toMatchObject({
      by: c.memberId,
      position: 30,
    });
    expect(await everyone(() => carol.emitWithAck('playback:control', { action: 'play' }))).toMatchObject({ by: c.memberId });
    // Bob buffers: the relay holds the room for him (he is in waitingFor, not in by) ...
    const status = (s: typeof bob, st: 'buffering' | 'playing') =>
      s.emitWithAck('member:status', { status: st, offsetMs: null, rttMs: 30 });
    expect(await everyone(() => status(bob, 'buffering'))).toMatchObject({ waitingFor: [b.memberId], by: null });
    // ... and restarts it when he is ready: a scheduled start of its own.
    expect(await everyone(() => status(bob, 'playing'))).toMatchObject({ waitingFor: [], paused: false, by: null });
    // A hold the host ends by switching to 'continue' is the host's doing.
    expect(await everyone(() => status(carol, 'buffering'))).toMatchObject({ waitingFor: [c.memberId], by: null });
    expect(await everyone(() => alice.emitWithAck('room:settings', { waitPolicy: 'continue' }))).toMatchObject({
      waitingFor: [],
      by: a.memberId,
    });
  });
});
