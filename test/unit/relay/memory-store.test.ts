/** MemoryRoomStore: atomic updates, no aliasing, versions, expiry, the chat history beside the room. */
import { createRoom } from '../../../relay/rooms/membership';
import { MemoryRoomStore } from '../../../relay/store/memory-store';

const member = { id: 'm1', profile: { name: 'Ann' }, resumeHash: 'h', connectionId: 'c' };

function setup() {
  let now = 1000;
  const store = new MemoryRoomStore({ now: () => now });
  return { store, advance: (ms: number) => (now += ms), now: () => now };
}

test('create refuses a taken code and keeps a copy; what get and update return cannot change the stored room', async () => {
  const { store } = setup();
  const room = createRoom('ROOM', member, 0);
  expect(await store.create(room)).toBe(true);
  expect(await store.create(room)).toBe(false);
  room.settings.controlMode = 'host'; // the caller's object is not the stored one
  const got = (await store.get('ROOM'))!;
  expect(got.settings.controlMode).toBe('everyone');
  expect(() => {
    got.members.m1!.name = 'changed';
  }).toThrow(TypeError);
  expect((await store.get('ROOM'))!.members.m1!.name).toBe('Ann');
  // Nor can a mutate function: it must return a new room (the room rules are pure).
  const r = await store
    .update('ROOM', (room) => {
      room.settings.controlMode = 'host';
      return { ok: true, room, value: null };
    })
    .catch((err: unknown) => err);
  expect(r).toBeInstanceOf(TypeError);
  const updated = await store.update('ROOM', (room) => ({
    ok: true,
    room: { ...room, settings: { ...room.settings, controlMode: 'host' } },
    value: { n: 1 },
  }));
  expect(updated.ok && Object.isFrozen(updated.room) && Object.isFrozen(updated.room!.settings) && Object.isFrozen(updated.value)).toBe(
    true,
  );
  await store.close();
});

test('an update freezes what it made new at any depth (a changed member, a new one, a new timeline), not only the room', async () => {
  const { store } = setup();
  await store.create(createRoom('ROOM', member, 0));
  const r = await store.update('ROOM', (room) => {
    const m1 = room.members.m1!;
    return {
      ok: true,
      room: {
        ...room,
        members: { ...room.members, m1: { ...m1, status: 'playing' }, m2: { ...m1, id: 'm2', name: 'Bo' } },
        timeline: { ...room.timeline, waitingFor: ['m2'] },
      },
      value: null,
    };
  });
  const room = r.ok ? r.room! : null;
  expect(
    room === null ? [] : [room.members, room.members.m1, room.members.m2, room.timeline, room.timeline.waitingFor].map(Object.isFrozen),
  ).toEqual([true, true, true, true, true]);
  // An update that leaves the members as they were keeps them, frozen.
  const again = await store.update('ROOM', (prev) => ({ ok: true, room: { ...prev, media: null }, value: null }));
  expect(again.ok && again.room!.members === room!.members && Object.isFrozen(again.room)).toBe(true);
  await store.close();
});

test('update applies mutate atomically, bumps the version, and keeps the room on an error value', async () => {
  const { store } = setup();
  await store.create(createRoom('ROOM', member, 0));
  const r = await store.update('ROOM', (room) => ({
    ok: true,
    room: { ...room, settings: { ...room.settings, waitPolicy: 'continue' } },
    value: 7,
  }));
  expect(r).toMatchObject({ ok: true, value: 7, room: { version: 1, settings: { waitPolicy: 'continue' } } });
  expect(await store.update('ROOM', () => ({ ok: false, error: 'nope' }))).toEqual({ ok: false, error: 'nope' });
  expect((await store.get('ROOM'))!.version).toBe(1);
  expect(await store.update('NONE', (room) => ({ ok: true, room, value: 1 }))).toEqual({ ok: false, error: 'room_not_found' });
  expect(await store.update('ROOM', () => ({ ok: true, room: null, value: null }))).toEqual({ ok: true, room: null, value: null });
  expect(await store.count()).toBe(0);
  await store.close();
});

test('a room past its expiresAt is gone; clearing expiresAt keeps it', async () => {
  const { store, advance, now } = setup();
  await store.create({ ...createRoom('A', member, 0), expiresAt: now() + 500 });
  await store.create({ ...createRoom('B', member, 0), expiresAt: now() + 500 });
  await store.update('B', (room) => ({ ok: true, room: { ...room, expiresAt: null }, value: null }));
  advance(499);
  expect(await store.get('A')).not.toBeNull();
  advance(1);
  expect(await store.get('A')).toBeNull();
  expect(await store.get('B')).not.toBeNull();
  expect(await store.count()).toBe(1);
  await store.close();
  expect(store.ready()).toBe(false);
});

test('the chat history: appended within the caps, frozen, and gone with its room (deleted or expired)', async () => {
  const { store, advance, now } = setup();
  const at = (n: number) => ({ id: `id${n}`, from: 'm1', text: `hi ${n}`, at: n });
  expect(await store.appendChat('NONE', at(0))).toBe(false);
  expect(await store.chat('NONE')).toEqual([]);
  await store.create(createRoom('A', member, 0));
  expect(await store.chat('A')).toEqual([]);
  for (let n = 1; n <= 55; n++) expect(await store.appendChat('A', at(n))).toBe(true);
  const history = await store.chat('A');
  expect(history.map((m) => m.at)).toEqual(Array.from({ length: 50 }, (_, i) => i + 6));
  expect(Object.isFrozen(history) && Object.isFrozen(history[0])).toBe(true);

  await store.update('A', () => ({ ok: true, room: null, value: null }));
  expect(await store.chat('A')).toEqual([]);
  await store.create(createRoom('A', member, 0)); // the same code again starts with no history
  expect(await store.chat('A')).toEqual([]);

  await store.create({ ...createRoom('B', member, 0), expiresAt: now() + 500 });
  await store.appendChat('B', at(1));
  expect(await store.chat('B')).toHaveLength(1);
  advance(500);
  expect(await store.chat('B')).toEqual([]);
  expect(await store.appendChat('B', at(2))).toBe(false);
  await store.close();
});
