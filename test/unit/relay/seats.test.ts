/** Pure parts of the seats: putting back a seat a sweep marked away, and how seats are stored. */
import { encodeSeat, parseSeat } from '../../../relay/redis/redis-seats';
import { createRoom, join, leave, markAway, resume, type NewMember, type RoomRules } from '../../../relay/rooms/membership';
import { reclaimSeat } from '../../../relay/rooms/seats';
import type { Mutation, StoredRoom } from '../../../relay/store/room-store';

const rules: RoomRules = { maxMembers: 5, graceMs: 1000 };
const newMember = (id: string): NewMember => ({ id, profile: { name: id }, resumeHash: `hash-${id}`, connectionId: `conn-${id}` });

function ok<T, E>(m: Mutation<T, E>): StoredRoom {
  if (!m.ok || m.room === null) throw new Error(`expected a room, got ${m.ok ? 'deletion' : String(m.error)}`);
  return m.room;
}

/** Alice (host, present) and Bob, whom the sweep of his dead relay marked away at t=100. */
function swept(): StoredRoom {
  const room = ok(join(newMember('bob'), 10, rules)(createRoom('ROOMCODE000000', newMember('alice'), 0)));
  return ok(markAway('bob', 'conn-bob', 100, rules)(room));
}

describe('reclaimSeat', () => {
  test('puts back a member marked away while its connection lived on: present, same connection, nobody replaced', () => {
    const r = reclaimSeat('bob', 'conn-bob', 200, rules)(swept());
    if (!r.ok) throw new Error(r.error);
    expect(r.room?.members.bob).toMatchObject({ connected: true, awaySince: null, connectionId: 'conn-bob', role: 'member' });
    expect(r.value).toMatchObject({ member: { id: 'bob', connected: true }, replaced: null });
    expect(r.room?.expiresAt).toBeNull();
  });

  const elsewhere = (room: StoredRoom): StoredRoom => ok(resume({ resumeHash: 'hash-bob' }, 'conn-bob-2', 150, rules)(room));
  test.each<[string, (room: StoredRoom) => StoredRoom, number, string]>([
    ['still present (nothing to do)', (room) => ok(resume({ memberId: 'bob' }, 'conn-bob', 150, rules)(room)), 200, 'present'],
    ['resumed on another connection since', elsewhere, 200, 'moved'],
    [
      'away from another connection (resumed elsewhere, then lost that one too)',
      (room) => ok(markAway('bob', 'conn-bob-2', 160, rules)(elsewhere(room))),
      200,
      'moved',
    ],
    ['left the room', (room) => ok(leave('bob', 150, rules)(room)), 200, 'gone'],
    ['the seat outlived the grace', (room) => room, 100 + rules.graceMs, 'gone'],
  ])('refused when %s', (_what, before, now, error) => {
    expect(reclaimSeat('bob', 'conn-bob', now, rules)(before(swept()))).toEqual({ ok: false, error });
  });

  test('a member that never had a connection id recorded is put back by any connection of its own', () => {
    const room = swept();
    const legacy = { ...room, members: { ...room.members, bob: { ...room.members.bob!, connectionId: undefined } } };
    expect(reclaimSeat('bob', 'conn-x', 200, rules)(legacy).ok).toBe(true);
  });
});

describe('seats as stored in Redis', () => {
  test('round trip (codes, base64url member ids and socket ids have no spaces)', () => {
    const seat = { code: 'ABCD0123456789', memberId: 'aZ-_09xyAB8', socketId: 'Xy_-12abCDefGhIJAAAB' };
    expect(encodeSeat(seat)).toBe('ABCD0123456789 aZ-_09xyAB8 Xy_-12abCDefGhIJAAAB');
    expect(parseSeat(encodeSeat(seat))).toEqual(seat);
  });

  test.each(['', 'ABC', 'ABC def', 'A B C D', 'A  C', ' B C'])('%j is not a seat', (s) => {
    expect(parseSeat(s)).toBeNull();
  });
});
