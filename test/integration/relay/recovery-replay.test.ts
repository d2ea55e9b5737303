/**
 * Connection state recovery on one relay without Redis (relay/store/memory-recovery.ts): what a
 * client missed while its transport was down is replayed in order when it comes back, to the
 * room's members only, and a broadcast that left the client out is not replayed to it.
 */
import { CLIENT_FEATURES, PROTOCOL_VERSION, type MemberStatusEntry } from '../../../relay/contract/protocol';
import { connectClient, nextEvent, type TestClient } from '../../support/relay';
import { unwrap, useRelay } from './support';

const h = useRelay();

/** `client`'s transport drops and it stays away (reconnection off) until `comeBackRecovered`; `other` sees it away. */
async function dropTransport(client: TestClient, other: TestClient, memberId: string): Promise<void> {
  client.io.reconnection(false);
  const away = nextEvent(other, 'member:updated');
  client.io.engine.close();
  expect((await away)[0]).toMatchObject({ id: memberId, connected: false });
}

/** `client` reconnects, recovered, and everything replayed to it has arrived (a round trip after the replay). */
async function comeBackRecovered(client: TestClient): Promise<void> {
  const back = new Promise<void>((done) => client.once('connect', () => done()));
  client.io.reconnection(true);
  client.connect();
  await back;
  expect(client.recovered).toBe(true);
  await client.emitWithAck('time:ping');
}

test('broadcasts missed during a transport drop are replayed in order, only those meant for the client', async () => {
  const { socket: bob, joined: b } = await h.createRoom('Bob');
  const { socket: stranger } = await h.createRoom('Stranger');
  // The client does not come back until the test lets it (reconnection opened below).
  const alice = await connectClient(h.relay().url, {
    reconnection: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 100,
    autoConnect: true,
  });
  try {
    const a = unwrap(await alice.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: b.room.code, profile: { name: 'Alice' } }));
    const first = nextEvent(alice, 'playback:state');
    unwrap(await bob.emitWithAck('playback:control', { action: 'seek', position: 3 }));
    await first;
    // Alice's own status: broadcast to the others, not to her (socket.to(room)).
    unwrap(await alice.emitWithAck('member:status', { status: 'paused' }));

    const seen: string[] = [];
    alice.onAny((event: string, payload: { position?: number; text?: string; connected?: boolean; name?: string; status?: string }) => {
      if (event === 'playback:state') seen.push(`state ${payload.position}`);
      else if (event === 'chat:message') seen.push(`chat ${payload.text}`);
      else if (event === 'member:updated' && payload.name === 'Bob') seen.push(`Bob ${payload.status}`);
      else if (event === 'member:updated') seen.push(payload.connected === true ? 'member back' : 'member away');
      else seen.push(event);
    });
    await dropTransport(alice, bob, a.memberId);

    unwrap(await bob.emitWithAck('playback:control', { action: 'seek', position: 11 }));
    unwrap(await bob.emitWithAck('chat:send', { text: 'while you were out' }));
    unwrap(await bob.emitWithAck('member:status', { status: 'buffering' }));
    unwrap(await bob.emitWithAck('playback:control', { action: 'seek', position: 12 }));
    unwrap(await bob.emitWithAck('member:status', { status: 'paused' }));
    unwrap(await stranger.emitWithAck('chat:send', { text: 'another room' }));

    await comeBackRecovered(alice);
    // Her own away notice went to the room (she was still in it as far as the session knows), then
    // what Bob sent, then her return; not her status report, nor the other room's chat. Bob's two
    // statuses: only the latest (each member:updated carries the whole member), where it was sent.
    expect(seen).toEqual(['member away', 'state 11', 'chat while you were out', 'state 12', 'Bob paused', 'member back']);
  } finally {
    alice.disconnect();
  }
});

test("status batches missed are replayed with each member's latest entry only; a batch left with none is not replayed", async () => {
  const features = { auth: { features: [...CLIENT_FEATURES] } };
  const bob = await connectClient(h.relay().url, features);
  const alice = await connectClient(h.relay().url, { ...features, reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
  try {
    const b = unwrap(await bob.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Bob' } }));
    const a = unwrap(await alice.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: b.room.code, profile: { name: 'Alice' } }));
    // A broadcast received: the offset recovery resumes from.
    const first = nextEvent(alice, 'playback:state');
    unwrap(await bob.emitWithAck('playback:control', { action: 'seek', position: 3 }));
    await first;
    const seen: string[] = [];
    alice.onAny((event: string, payload: unknown) => {
      if (event === 'members:status')
        seen.push(
          `status ${(payload as MemberStatusEntry[]).map((e) => `${e.memberId === b.memberId ? 'Bob' : 'Alice'} ${e.status}`).join(', ')}`,
        );
      else if (event === 'playback:state') seen.push(`state ${(payload as { position: number }).position}`);
      else if (event === 'member:updated') seen.push((payload as { connected: boolean }).connected ? 'member back' : 'member away');
      else seen.push(event);
    });
    await dropTransport(alice, bob, a.memberId);

    // Each broadcast sends the waiting batch first: Bob's buffering goes before the seek, alone.
    unwrap(await bob.emitWithAck('member:status', { status: 'buffering' }));
    unwrap(await bob.emitWithAck('playback:control', { action: 'seek', position: 12 }));
    const last = nextEvent(bob, 'members:status');
    unwrap(await bob.emitWithAck('member:status', { status: 'paused' }));
    await last;

    await comeBackRecovered(alice);
    expect(seen).toEqual(['member away', 'state 12', 'status Bob paused', 'member back']);
  } finally {
    alice.disconnect();
    bob.disconnect();
  }
});
