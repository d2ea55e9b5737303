/** Coming back: resume tokens, socket.io connection state recovery, the grace period and expiry. */
import { ErrorCode, PROTOCOL_VERSION } from '../../../relay/contract/protocol';
import { connectClient, nextEvent } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap, useRelay } from './support';

const GRACE_MS = 1000;

describe.each(storeFactories)('reconnect ($name store)', (storeFactory) => {
  const h = useRelay({ storeFactory, config: { ROOM_GRACE_MS: GRACE_MS } });

  test('a dropped host is shown away, then resumes with the same id and role and no new join', async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const { socket: bob } = await h.joinRoom(a.room.code, 'Bob');
    const joins: string[] = [];
    bob.on('member:joined', (m) => joins.push(m.id));
    const away = nextEvent(bob, 'member:updated');
    alice.disconnect();
    expect((await away)[0]).toMatchObject({ id: a.memberId, connected: false, role: 'host' });

    const again = await h.client();
    const back = nextEvent(bob, 'member:updated');
    const r = unwrap(await again.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: a.resumeToken }));
    expect(r.memberId).toBe(a.memberId);
    expect(r.room.members.find((m) => m.id === a.memberId)).toMatchObject({ role: 'host', connected: true });
    expect((await back)[0]).toMatchObject({ id: a.memberId, connected: true });
    // Back in the room's broadcasts, with host rights.
    const state = nextEvent(again, 'playback:state');
    unwrap(await bob.emitWithAck('playback:control', { action: 'seek', position: 5 }));
    expect((await state)[0].position).toBe(5);
    unwrap(await again.emitWithAck('room:settings', { controlMode: 'host' }));
    expect(joins).toEqual([]);
  });

  test('resuming from a new connection while the old one still looks alive closes the old one', async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const { socket: bob } = await h.joinRoom(a.room.code, 'Bob');
    const kicked = new Promise<string>((done) => alice.once('disconnect', (reason) => done(reason)));
    const again = await h.client();
    unwrap(await again.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: a.resumeToken }));
    expect(await kicked).toBe('io server disconnect');
    // The old connection's late disconnect did not mark the member away.
    const seen = nextEvent(bob, 'chat:message');
    unwrap(await again.emitWithAck('chat:send', { text: 'still me' }));
    expect((await seen)[0].from).toBe(a.memberId);
    expect((await h.relay().store.get(a.room.code))?.members[a.memberId]).toMatchObject({ connected: true, role: 'host' });
  });

  test('resume with a forged or foreign token fails', async () => {
    const { joined: a } = await h.createRoom();
    const c = await h.client();
    const forged = `${a.room.code}.${'A'.repeat(43)}`;
    for (const resumeToken of [forged, 'garbage', `0000000000000Z.${'A'.repeat(43)}`]) {
      expect(await c.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken })).toEqual({
        ok: false,
        error: ErrorCode.ResumeFailed,
      });
    }
  });

  test('connection state recovery: after a transport drop the socket is back in its room without a resume', async () => {
    const { socket: bob, joined: b } = await h.createRoom('Bob');
    const alice = await connectClient(h.relay().url, { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
    try {
      const a = unwrap(await alice.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: b.room.code, profile: { name: 'Alice' } }));
      // Recovery replays from the last broadcast the client saw, so it needs to have seen one.
      const first = nextEvent(alice, 'playback:state');
      unwrap(await bob.emitWithAck('playback:control', { action: 'seek', position: 3 }));
      await first;
      const away = nextEvent(bob, 'member:updated');
      const reconnected = new Promise<void>((done) => alice.once('connect', () => done()));
      alice.io.engine.close(); // an abrupt transport close, as on a network blip
      expect((await away)[0]).toMatchObject({ id: a.memberId, connected: false });
      const back = nextEvent(bob, 'member:updated');
      await reconnected;
      expect(alice.recovered).toBe(true);
      expect((await back)[0]).toMatchObject({ id: a.memberId, connected: true });
      const state = nextEvent(alice, 'playback:state');
      unwrap(await bob.emitWithAck('playback:control', { action: 'seek', position: 7 }));
      expect((await state)[0].position).toBe(7);
      expect(unwrap(await alice.emitWithAck('playback:control', { action: 'pause' })).by).toBe(a.memberId);
      // A client that resumes anyway after a recovered reconnect gets its seat back, not an error.
      expect(unwrap(await alice.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: a.resumeToken })).memberId).toBe(
        a.memberId,
      );
      // ... but a seated connection cannot take another member's seat.
      expect(await alice.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: b.resumeToken })).toEqual({
        ok: false,
        error: ErrorCode.AlreadyInRoom,
      });
      expect(bob.connected).toBe(true);
    } finally {
      alice.disconnect();
    }
  });

  test('an empty room lives on for the grace period, then is gone', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    unwrap(await alice.emitWithAck('playback:control', { action: 'seek', position: 99 }));
    alice.disconnect();
    await waitFor(async () => (await h.relay().store.get(a.room.code))?.expiresAt != null);
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code);
    expect(b.room.timeline.position).toBe(99);
    bob.disconnect();
    await waitFor(async () => (await h.relay().store.get(a.room.code)) === null, GRACE_MS * 3);
    const c = await h.client();
    expect(await c.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: a.room.code, profile: { name: 'Late' } })).toEqual({
      ok: false,
      error: ErrorCode.RoomNotFound,
    });
    expect(await c.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: a.resumeToken })).toEqual({
      ok: false,
      error: ErrorCode.ResumeFailed,
    });
  });
});

/** Polls a condition that depends on time passing (expiry), not on an event we could await. */
async function waitFor(check: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
