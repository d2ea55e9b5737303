/** Members follow each new timeline (relay/rooms/followers.ts), over the real memory store. */
import type { Member, StatusReport } from '../../../relay/contract/protocol';
import { followedStatus } from '../../../relay/contract/timeline';
import { follow, followingStore } from '../../../relay/rooms/followers';
import type { Audience } from '../../../relay/rooms/room-view';
import { control, reportStatus } from '../../../relay/rooms/member-actions';
import { createRoom, join, type NewMember, type RoomRules } from '../../../relay/rooms/membership';
import { MemoryRoomStore } from '../../../relay/store/memory-store';
import type { StoredRoom } from '../../../relay/store/room-store';

const rules: RoomRules = { maxMembers: 5, graceMs: 1000 };
const member = (id: string, follows = true): NewMember => ({
  id,
  profile: { name: id },
  resumeHash: `hash-${id}`,
  connectionId: `conn-${id}`,
  batches: true,
  follows,
});

/** Alice (host) and Bob playing with the room, Carol buffering, Dave with no video; Dave's client is `daveFollows`. */
function room(daveFollows = true): StoredRoom {
  let r = createRoom('ROOMCODE000000', member('alice'), 0);
  for (const [i, m] of [member('bob'), member('carol'), member('dave', daveFollows)].entries()) {
    const j = join(m, 10 + i, rules)(r);
    if (!j.ok || j.room === null) throw new Error('join failed');
    r = j.room;
  }
  const statuses = { alice: 'playing', bob: 'playing', carol: 'buffering', dave: 'no_video' } as const;
  const members = Object.fromEntries(
    Object.entries(r.members).map(([id, m]) => [id, { ...m, status: statuses[id as keyof typeof statuses] }]),
  );
  return { ...r, members, timeline: { ...r.timeline, paused: false, seq: 5 } };
}

test('followedStatus: playing and paused follow the timeline; a stall, an ad or no video stay', () => {
  const t = room().timeline;
  const paused = { ...t, paused: true };
  const held = { ...t, waitingFor: ['carol'] };
  expect(followedStatus('playing', paused)).toBe('paused');
  expect(followedStatus('playing', held)).toBe('paused');
  expect(followedStatus('paused', t)).toBe('playing');
  expect(followedStatus('playing', t)).toBe('playing');
  for (const s of ['buffering', 'ad', 'no_video'] as const) expect(followedStatus(s, paused)).toBe(s);
});

test('follow: only the members whose status moved are new objects', () => {
  const r = room();
  const f = follow({ ...r, timeline: { ...r.timeline, paused: true } });
  expect(f.changed.map((m) => m.id)).toEqual(['alice', 'bob']);
  expect(f.room.members.carol).toBe(r.members.carol);
  expect(f.room.members.alice?.status).toBe('paused');
  const same = { ...r };
  expect(follow(same).room).toBe(same);
});

describe('followingStore', () => {
  async function storeWith(r: StoredRoom) {
    const told: Array<{ code: string; statuses: Array<[string, string]>; audience: Audience }> = [];
    const store = followingStore(new MemoryRoomStore({ now: () => 100 }), (code, members: Member[], audience) =>
      told.push({ code, statuses: members.map((m) => [m.id, m.status]), audience }),
    );
    expect(await store.create(r)).toBe(true);
    return { store, told };
  }

  test('a pause makes the members follow it without a report; clients that follow themselves are not told', async () => {
    const { store, told } = await storeWith(room());
    const r = await store.update('ROOMCODE000000', control('bob', { action: 'pause' }, 50));
    expect(r.ok).toBe(true);
    const stored = await store.get('ROOMCODE000000');
    const statuses = Object.fromEntries(Object.values(stored!.members).map((m) => [m.id, m.status]));
    expect(statuses).toEqual({ alice: 'paused', bob: 'paused', carol: 'buffering', dave: 'no_video' });
    expect(told).toEqual([]);
  });

  test('a room with a client that does not follow by itself: the statuses that moved are told', async () => {
    const { store, told } = await storeWith(room(false));
    await store.update('ROOMCODE000000', control('bob', { action: 'pause' }, 50));
    expect(told).toEqual([
      {
        code: 'ROOMCODE000000',
        statuses: [
          ['alice', 'paused'],
          ['bob', 'paused'],
        ],
        audience: { batches: true, legacy: false },
      },
    ]);
  });

  test('a client older than status batches is told too (a member:updated each)', async () => {
    const r = room();
    const legacy = { ...r, members: { ...r.members, dave: { ...r.members.dave!, batches: false, follows: false } } };
    const { store, told } = await storeWith(legacy);
    await store.update('ROOMCODE000000', control('bob', { action: 'pause' }, 50));
    expect(told.map((t) => t.audience)).toEqual([{ batches: false, legacy: true }]);
  });

  test('an update that leaves the timeline alone changes no status, and tells nothing', async () => {
    const { store, told } = await storeWith(room(false));
    const report: StatusReport = { status: 'paused', seq: 5 };
    await store.update('ROOMCODE000000', reportStatus('alice', report, 50, 10_000));
    const stored = await store.get('ROOMCODE000000');
    expect(stored?.members.alice?.status).toBe('paused'); // a member that did not follow: as reported
    expect(stored?.members.bob?.status).toBe('playing');
    expect(told).toEqual([]);
  });
});

test('a report seen under an older timeline is stored as the newer one implies', () => {
  const r = room();
  const paused = { ...r, timeline: { ...r.timeline, paused: true, seq: 6 } };
  const stale = reportStatus('alice', { status: 'playing', seq: 5 }, 50, 10_000)(paused);
  const current = reportStatus('alice', { status: 'playing', seq: 6 }, 50, 10_000)(paused);
  const unsaid = reportStatus('alice', { status: 'playing' }, 50, 10_000)(paused);
  const stalled = reportStatus('alice', { status: 'buffering', seq: 5 }, 50, 10_000)(paused);
  const statusOf = (m: typeof stale) => (m.ok ? m.value.member.status : m.error);
  expect([statusOf(stale), statusOf(current), statusOf(unsaid), statusOf(stalled)]).toEqual(['paused', 'playing', 'playing', 'buffering']);
});
