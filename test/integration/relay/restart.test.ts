/**
 * A relay blip: the relay stops and another starts on the same port with the same store (as a
 * restarted relay finds its rooms in Redis). Clients reconnect, resume, and nothing is lost.
 */
import { PROTOCOL_VERSION } from '../../../relay/contract/protocol';
import { connectClient, nextEvent, startRelay } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap } from './support';

describe.each(storeFactories)('relay restart ($name store)', (storeFactory) => {
  test('members resume into the same room, timeline and roles after the relay comes back', async () => {
    const { store, cleanup } = await storeFactory.create();
    const first = await startRelay({ store, storeFactory });
    const opts = { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 200 };
    const alice = await connectClient(first.url, opts);
    const bob = await connectClient(first.url, opts);
    let second: Awaited<ReturnType<typeof startRelay>> | null = null;
    try {
      const a = unwrap(await alice.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Alice' } }));
      const b = unwrap(await bob.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: a.room.code, profile: { name: 'Bob' } }));
      const before = unwrap(await alice.emitWithAck('playback:control', { action: 'seek', position: 321 }));

      const down = Promise.all([alice, bob].map((s) => new Promise<void>((done) => s.once('disconnect', () => done()))));
      await first.close();
      await down;
      const away = await store.get(a.room.code);
      expect(Object.values(away?.members ?? {}).map((m) => m.connected)).toEqual([false, false]);

      const up = Promise.all([alice, bob].map((s) => new Promise<void>((done) => s.once('connect', () => done()))));
      second = await startRelay({ store, storeFactory, port: first.port });
      await up;
      const ra = unwrap(await alice.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: a.resumeToken }));
      const rb = unwrap(await bob.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: b.resumeToken }));
      expect([ra.memberId, rb.memberId]).toEqual([a.memberId, b.memberId]);
      expect(rb.room.timeline).toEqual(before);
      expect(rb.room.members.map((m) => [m.name, m.role, m.connected])).toEqual([
        ['Alice', 'host', true],
        ['Bob', 'member', true],
      ]);
      const seen = nextEvent(bob, 'playback:state');
      unwrap(await alice.emitWithAck('playback:control', { action: 'play' }));
      expect((await seen)[0].seq).toBe(before.seq + 1);
    } finally {
      alice.disconnect();
      bob.disconnect();
      await second?.close();
      await cleanup();
    }
  });
});
