/** Room membership over a real relay: create, join, leave, host hand-off and transfer, limits. */
import { ErrorCode, PROTOCOL_VERSION } from '../../../relay/contract/protocol';
import { nextEvent } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap, useRelay } from './support';

describe.each(storeFactories)('rooms ($name store)', (storeFactory) => {
  const h = useRelay({ storeFactory, config: { MAX_MEMBERS: 3 } });

  test('create gives a 14-symbol code, the creator as host, and a resume token', async () => {
    const { joined } = await h.createRoom('Alice');
    expect(joined.room.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{14}$/);
    expect(joined.room.members).toEqual([expect.objectContaining({ id: joined.memberId, name: 'Alice', role: 'host', connected: true })]);
    expect(joined.room.timeline).toMatchObject({ paused: true, position: 0, seq: 0 });
    expect(joined.resumeToken.length).toBeGreaterThan(40);
  });

  test('join (code typed in lower case with dashes) announces the joiner and returns the room', async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const announced = nextEvent(alice, 'member:joined');
    const typed = `${a.room.code.slice(0, 7)}-${a.room.code.slice(7)}`.toLowerCase();
    const { joined: b } = await h.joinRoom(typed, 'Bob');
    const [member] = await announced;
    expect(member).toMatchObject({ id: b.memberId, name: 'Bob', role: 'member' });
    expect(b.room.code).toBe(a.room.code);
    expect(b.room.members.map((m) => m.name)).toEqual(['Alice', 'Bob']);
  });

  test('joiners get the current timeline', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    unwrap(await alice.emitWithAck('playback:control', { action: 'seek', position: 42 }));
    const { joined: b } = await h.joinRoom(a.room.code);
    expect(b.room.timeline).toMatchObject({ position: 42, seq: 1, by: a.memberId });
  });

  test('leave: member:left to the others; a second leave is not_in_room', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code);
    const left = nextEvent(alice, 'member:left');
    expect(await bob.emitWithAck('room:leave')).toEqual({ ok: true, data: null });
    expect((await left)[0]).toEqual({ memberId: b.memberId, hostId: null });
    expect(await bob.emitWithAck('room:leave')).toEqual({ ok: false, error: ErrorCode.NotInRoom });
    expect(await bob.emitWithAck('chat:send', { text: 'hi' })).toEqual({ ok: false, error: ErrorCode.NotInRoom });
  });

  test('a leaving host hands over to the longest-present member', async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code, 'Bob');
    const { socket: carol } = await h.joinRoom(a.room.code, 'Carol');
    const seen = nextEvent(carol, 'member:left');
    const promoted = nextEvent(carol, 'member:updated');
    unwrap(await alice.emitWithAck('room:leave'));
    expect((await seen)[0]).toEqual({ memberId: a.memberId, hostId: b.memberId });
    expect((await promoted)[0]).toMatchObject({ id: b.memberId, role: 'host' });
    expect(unwrap(await bob.emitWithAck('room:settings', { controlMode: 'host' }))).toMatchObject({ controlMode: 'host' });
  });

  test('the host transfers the role; the old host can no longer change settings', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code);
    expect(await bob.emitWithAck('room:transfer-host', { memberId: b.memberId })).toEqual({ ok: false, error: ErrorCode.NotHost });
    expect(await alice.emitWithAck('room:transfer-host', { memberId: 'nobody' })).toEqual({ ok: false, error: ErrorCode.MemberNotFound });
    const updates: string[] = [];
    bob.on('member:updated', (m) => updates.push(`${m.id}:${m.role}`));
    const second = new Promise<void>((done) => bob.on('member:updated', () => updates.length === 2 && done()));
    unwrap(await alice.emitWithAck('room:transfer-host', { memberId: b.memberId }));
    await second;
    expect(updates.sort()).toEqual([`${a.memberId}:member`, `${b.memberId}:host`].sort());
    expect(await alice.emitWithAck('room:settings', { controlMode: 'host' })).toEqual({ ok: false, error: ErrorCode.NotHost });
  });

  test('host-only mode refuses other members’ controls with not_host', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob } = await h.joinRoom(a.room.code);
    const announced = nextEvent(bob, 'room:settings');
    unwrap(await alice.emitWithAck('room:settings', { controlMode: 'host' }));
    expect((await announced)[0]).toEqual({ controlMode: 'host', waitPolicy: 'wait', navigationPolicy: 'follow' });
    expect(await bob.emitWithAck('playback:control', { action: 'play' })).toEqual({ ok: false, error: ErrorCode.NotHost });
    expect(unwrap(await alice.emitWithAck('playback:control', { action: 'play' }))).toMatchObject({ paused: false, seq: 1 });
  });

  test('room_full at MAX_MEMBERS; already_in_room when joining twice', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    await h.joinRoom(a.room.code);
    await h.joinRoom(a.room.code);
    const dave = await h.client();
    const join = { protocol: PROTOCOL_VERSION, code: a.room.code, profile: { name: 'Dave' } };
    expect(await dave.emitWithAck('room:join', join)).toEqual({ ok: false, error: ErrorCode.RoomFull });
    expect(await alice.emitWithAck('room:join', join)).toEqual({ ok: false, error: ErrorCode.AlreadyInRoom });
  });

  test('unknown room, malformed code and wrong protocol version', async () => {
    const c = await h.client();
    const profile = { name: 'Eve' };
    expect(await c.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: '0000000000000Z', profile })).toEqual({
      ok: false,
      error: ErrorCode.RoomNotFound,
    });
    expect(await c.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: 'IIII', profile })).toEqual({
      ok: false,
      error: ErrorCode.RoomNotFound,
    });
    expect(await c.emitWithAck('room:create', { protocol: PROTOCOL_VERSION + 1, profile })).toEqual({
      ok: false,
      error: ErrorCode.VersionMismatch,
    });
  });
});
