/**
 * Who may touch a room: events carry no room code, so a connection acts only on the room it is
 * seated in; host-only rooms and host-only actions; resume tokens that are not this seat's.
 * (rooms.test.ts covers non-host controls in host-only mode and settings after a hand-over;
 * reconnect.test.ts forged tokens for a real room and tokens of no room.)
 */
import { ErrorCode, PROTOCOL_VERSION } from '../../../relay/contract/protocol';
import type { TestClient } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap, useRelay } from './support';

type Raw = { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
const raw = (s: TestClient): Raw => s as unknown as Raw;

/** Every event that acts on a room, with a valid payload. */
const actions = (memberId: string): Array<[string, unknown]> => [
  ['playback:control', { action: 'seek', position: 42 }],
  ['room:settings', { controlMode: 'everyone' }],
  ['room:transfer-host', { memberId }],
  ['member:status', { status: 'buffering' }],
  ['chat:send', { text: 'hello?' }],
  ['reaction:send', { emoji: '🎉' }],
];

describe.each(storeFactories)('authorization ($name store)', (storeFactory) => {
  const h = useRelay({ storeFactory });

  /** Collects everything room A's members receive. */
  const listen = (socket: TestClient): string[] => {
    const seen: string[] = [];
    socket.onAny((event: string) => seen.push(event));
    return seen;
  };

  test('a connection in no room, or in room B, cannot touch room A', async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const { socket: bob } = await h.joinRoom(a.room.code, 'Bob');
    const seenByA = [...listen(alice), ...listen(bob)];
    const before = await h.relay().store.get(a.room.code);
    const outsider = await h.client();
    for (const [event, payload] of actions(a.memberId))
      expect([event, await raw(outsider).emitWithAck(event, payload)]).toEqual([event, { ok: false, error: ErrorCode.NotInRoom }]);
    // Host of room B: every action lands in B (or names a member B does not have), never in A.
    const { socket: mallory, joined: b } = await h.createRoom('Mallory');
    for (const [event, payload] of actions(a.memberId)) {
      const res = await raw(mallory).emitWithAck(event, payload);
      if (event === 'room:transfer-host') expect(res).toEqual({ ok: false, error: ErrorCode.MemberNotFound });
      else expect([event, res]).toEqual([event, expect.objectContaining({ ok: true })]);
    }
    await new Promise((r) => setTimeout(r, 100));
    const after = await h.relay().store.get(a.room.code);
    expect(after?.timeline).toEqual(before?.timeline);
    expect(after?.members[a.memberId]?.role).toBe('host');
    expect(seenByA).toEqual([]);
    expect((await h.relay().store.get(b.room.code))?.timeline.position).toBe(42);
  });

  test('in a host-only room a member cannot change settings, hand over, or control', async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code, 'Bob');
    unwrap(await alice.emitWithAck('room:settings', { controlMode: 'host' }));
    const notHost = { ok: false, error: ErrorCode.NotHost };
    expect(await bob.emitWithAck('room:settings', { controlMode: 'everyone' })).toEqual(notHost);
    expect(await bob.emitWithAck('room:transfer-host', { memberId: b.memberId })).toEqual(notHost);
    for (const action of [{ action: 'play' }, { action: 'seek', position: 9 }, { action: 'rate', rate: 2 }] as const)
      expect(await bob.emitWithAck('playback:control', action)).toEqual(notHost);
    const room = await h.relay().store.get(a.room.code);
    expect(room?.settings.controlMode).toBe('host');
    expect(room?.timeline).toMatchObject({ paused: true, position: 0, rate: 1, seq: 0 });
    // What a member may still do in a host-only room: speak for itself.
    unwrap(await bob.emitWithAck('chat:send', { text: 'may I?' }));
    unwrap(await bob.emitWithAck('member:status', { status: 'paused' }));
  });

  test("a resume with another member's token, another room's, or an empty one fails", async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code, 'Bob');
    const { joined: c } = await h.createRoom('Carol');
    const bobKicked = new Promise<string>((done) => bob.once('disconnect', done));
    // Alice, seated, with Bob's token: she stays Alice and Bob keeps his connection.
    expect(await alice.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: b.resumeToken })).toEqual({
      ok: false,
      error: ErrorCode.AlreadyInRoom,
    });
    const secret = (token: string): string => token.slice(token.indexOf('.') + 1);
    const stranger = await h.client();
    const failed = { ok: false, error: ErrorCode.ResumeFailed };
    // A's code with a seat's secret from room C, and C's code with A's secret.
    for (const resumeToken of [`${a.room.code}.${secret(c.resumeToken)}`, `${c.room.code}.${secret(a.resumeToken)}`])
      expect(await stranger.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken })).toEqual(failed);
    for (const resumeToken of ['', '.', `${a.room.code}.`])
      expect(await stranger.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken })).toMatchObject({ ok: false });
    expect(await stranger.emitWithAck('chat:send', { text: 'in?' })).toEqual({ ok: false, error: ErrorCode.NotInRoom });
    const room = await h.relay().store.get(a.room.code);
    expect(Object.keys(room?.members ?? {}).sort()).toEqual([a.memberId, b.memberId].sort());
    expect(await Promise.race([bobKicked, new Promise((r) => setTimeout(() => r('still connected'), 200))])).toBe('still connected');
  });
});
