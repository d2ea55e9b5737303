/**
 * Member telemetry over a real relay: `member:telemetry` has no ack, reaches the room's watchers
 * (`members:watch`) in batches (`members:telemetry`), is stored only when the RTT moved enough to
 * matter, and bad reports are dropped without changing anything.
 */
import type { MemberTelemetry } from '../../../relay/contract/protocol';
import type { TestClient } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap, useRelay } from './support';

const FLUSH_MS = 100;

type Raw = { emit(event: string, ...args: unknown[]): unknown; emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
const raw = (c: TestClient): Raw => c as unknown as Raw;

/** Batches a client receives until `done` says the entries so far are enough. */
function batchesUntil(
  socket: TestClient,
  done: (latest: Map<string, MemberTelemetry>) => boolean,
  timeoutMs = 5000,
): Promise<MemberTelemetry[][]> {
  const batches: MemberTelemetry[][] = [];
  const latest = new Map<string, MemberTelemetry>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('members:telemetry', listener);
      reject(new Error(`telemetry incomplete after ${timeoutMs} ms: ${JSON.stringify(batches)}`));
    }, timeoutMs);
    const listener = (entries: MemberTelemetry[]): void => {
      batches.push(entries);
      for (const e of entries) latest.set(e.memberId, e);
      if (!done(latest)) return;
      clearTimeout(timer);
      socket.off('members:telemetry', listener);
      resolve(batches);
    };
    socket.on('members:telemetry', listener);
  });
}

/** `c` gets the room's telemetry from now on. */
async function watch(c: TestClient, on = true): Promise<void> {
  unwrap(await c.emitWithAck('members:watch', { on }));
}

/** A queued, acked event after the ones before it: every earlier event of `c` has been handled. */
async function barrier(c: TestClient, name: string): Promise<void> {
  unwrap(await c.emitWithAck('member:profile', { name }));
}

describe.each(storeFactories)('telemetry ($name store)', (storeFactory) => {
  const h = useRelay({ storeFactory, config: { TELEMETRY_FLUSH_MS: FLUSH_MS } });

  test('reaches every watching member in per-room batches (latest report per member), with no ack and no per-report broadcast', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code);
    const { socket: carol, joined: c } = await h.joinRoom(a.room.code, 'Carol');
    const { socket: stranger } = await h.createRoom('Stranger');
    for (const s of [alice, bob, stranger]) await watch(s);
    const perReport: unknown[] = [];
    alice.on('member:updated', (m) => perReport.push(m));
    let leaked = false;
    stranger.on('members:telemetry', () => (leaked = true));
    const want = (m: Map<string, MemberTelemetry>): boolean => m.get(b.memberId)?.offsetMs === -3 && m.get(c.memberId)?.offsetMs === 7.5;
    const toAlice = batchesUntil(alice, want);
    const toBob = batchesUntil(bob, want);

    bob.emit('member:telemetry', { offsetMs: 4, rttMs: null });
    bob.emit('member:telemetry', { offsetMs: -3, rttMs: null });
    carol.emit('member:telemetry', { offsetMs: 7.5, rttMs: null });

    const batches = await toAlice;
    await toBob; // the sender's own relay sends the room's batch to it too
    for (const batch of batches) expect(new Set(batch.map((e) => e.memberId)).size).toBe(batch.length);
    expect(batches.flat()).toContainEqual({ memberId: c.memberId, offsetMs: 7.5, rttMs: null });
    // Only profile changes and the like are `member:updated`; telemetry never is.
    await barrier(bob, 'Bob');
    expect(perReport).toHaveLength(1);
    expect(leaked).toBe(false);
  });

  test('a room nobody watches gets no batches at all: nothing is sent for it', async () => {
    const sentBatches = async (): Promise<number> => {
      const text = await (await fetch(`${h.relay().url}/metrics`)).text();
      return Number(/^lockstep_events_out_total\{event="members:telemetry"\} (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const before = await sentBatches();
    const { joined: quiet } = await h.createRoom('Quiet');
    const { socket: quietBob } = await h.joinRoom(quiet.room.code);
    const { socket: watcher, joined: w } = await h.createRoom('Watcher');
    const { socket: reporter, joined: r } = await h.joinRoom(w.room.code, 'Reporter');
    await watch(watcher);
    // The unwatched room's report is on the board first: its batch would be due no later than the watched one's.
    quietBob.emit('member:telemetry', { offsetMs: 3, rttMs: 40 });
    await barrier(quietBob, 'Bob');
    const got = batchesUntil(watcher, (latest) => latest.has(r.memberId));
    reporter.emit('member:telemetry', { offsetMs: 4, rttMs: 40 });
    const batches = await got;
    expect(await sentBatches()).toBe(before + batches.length);
  });

  test('the store keeps an RTT only when it moved enough to change the scheduling lead', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code);
    await watch(alice);
    const stored = async (): Promise<{ offsetMs: number | null; rttMs: number | null }> => {
      const m = (await h.relay().store.get(a.room.code))!.members[b.memberId]!;
      return { offsetMs: m.offsetMs, rttMs: m.rttMs };
    };
    bob.emit('member:telemetry', { offsetMs: 1, rttMs: 40 });
    await barrier(bob, 'Bob');
    expect(await stored()).toEqual({ offsetMs: 1, rttMs: 40 });
    bob.emit('member:telemetry', { offsetMs: 9, rttMs: 55 });
    await barrier(bob, 'Bob');
    expect(await stored()).toEqual({ offsetMs: 1, rttMs: 40 }); // 15 ms: not worth a write
    bob.emit('member:telemetry', { offsetMs: 2, rttMs: 90 });
    await barrier(bob, 'Bob');
    expect(await stored()).toEqual({ offsetMs: 2, rttMs: 90 });
    // A status report stores its RTT too, and telemetry compares with that.
    unwrap(await bob.emitWithAck('member:status', { status: 'playing', offsetMs: 0, rttMs: 200 }));
    // Listening before the report: its batch may go out while the barrier below is on its way.
    const latest = batchesUntil(alice, (m) => m.get(b.memberId)?.rttMs === 210);
    bob.emit('member:telemetry', { offsetMs: 5, rttMs: 210 });
    await barrier(bob, 'Bob');
    expect(await stored()).toEqual({ offsetMs: 0, rttMs: 200 });
    // Everyone still got the latest values, batched.
    await latest;
  });

  test('bad telemetry is dropped: nothing stored or sent, the connection stays up; one sent with an ack is refused', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob } = await h.joinRoom(a.room.code);
    const { socket: carol, joined: c } = await h.joinRoom(a.room.code, 'Carol');
    await watch(alice);
    const outsider = await h.client();
    outsider.emit('member:telemetry', { offsetMs: 1, rttMs: null }); // in no room
    const before = await h.relay().store.get(a.room.code);
    const got = batchesUntil(alice, (m) => m.has(c.memberId));
    for (const bad of [
      [{ offsetMs: '5', rttMs: null }],
      [{ offsetMs: 5 }],
      [{ offsetMs: 5, rttMs: -1 }],
      [{ offsetMs: 1e12, rttMs: null }],
      [{ offsetMs: 5, rttMs: null, status: 'playing' }],
      [],
      [
        { offsetMs: 5, rttMs: null },
        { offsetMs: 6, rttMs: null },
      ],
    ])
      raw(bob).emit('member:telemetry', ...bad);
    // Answered after the ones before it (one queue per connection): they have all been handled.
    expect(await raw(bob).emitWithAck('member:telemetry', { offsetMs: 5, rttMs: null })).toEqual({ ok: false, error: 'bad_request' });
    carol.emit('member:telemetry', { offsetMs: 42, rttMs: null });
    // Had any of Bob's been taken, it would be in this batch or an earlier one.
    expect((await got).flat()).toEqual([{ memberId: c.memberId, offsetMs: 42, rttMs: null }]);
    expect(await h.relay().store.get(a.room.code)).toEqual(before);
    expect(bob.connected && outsider.connected).toBe(true);
  });

  test("only watchers get batches; a new watcher gets each member's latest report since its last status; one that stops gets none", async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code);
    const { socket: carol, joined: c } = await h.joinRoom(a.room.code, 'Carol');
    const { socket: dan, joined: d } = await h.joinRoom(a.room.code, 'Dan');
    await watch(carol);
    const toAlice: MemberTelemetry[][] = [];
    alice.on('members:telemetry', (entries) => toAlice.push(entries));
    const carolGot = batchesUntil(carol, (m) => m.get(b.memberId)?.offsetMs === 9 && m.has(d.memberId));
    bob.emit('member:telemetry', { offsetMs: 4, rttMs: 30 });
    bob.emit('member:telemetry', { offsetMs: 9, rttMs: 30 });
    dan.emit('member:telemetry', { offsetMs: 2, rttMs: 30 });
    // Dan's status comes after his report: the room's view of him (member:updated) is newer.
    unwrap(await dan.emitWithAck('member:status', { status: 'playing', offsetMs: 1, rttMs: 30 }));
    await carolGot;
    // Carol got them, Alice, not watching, none: a ping answer comes after anything sent to her before it.
    await alice.emitWithAck('time:ping');
    expect(toAlice).toEqual([]);

    // Alice opens her popup: Bob's latest comes again, unasked; Dan's status superseded his report.
    const replayed = batchesUntil(alice, (m) => m.has(b.memberId));
    await watch(alice);
    const first = (await replayed).flat();
    expect(first).toEqual([{ memberId: b.memberId, offsetMs: 9, rttMs: 30 }]);

    // Carol closes hers: the next report reaches Alice only.
    const toCarol: MemberTelemetry[][] = [];
    carol.on('members:telemetry', (entries) => toCarol.push(entries));
    await watch(carol, false);
    const aliceGot = batchesUntil(alice, (m) => m.get(c.memberId)?.offsetMs === -5);
    carol.emit('member:telemetry', { offsetMs: -5, rttMs: 30 });
    await aliceGot;
    await carol.emitWithAck('time:ping');
    expect(toCarol).toEqual([]);
  });

  test('watching outside a room is refused; a bad watch request changes nothing', async () => {
    const outsider = await h.client();
    expect(await outsider.emitWithAck('members:watch', { on: true })).toEqual({ ok: false, error: 'not_in_room' });
    const { socket: alice, joined: a } = await h.createRoom();
    for (const bad of [{ on: 'yes' }, {}, { on: true, room: 'X' }, null])
      expect(await raw(alice).emitWithAck('members:watch', bad)).toEqual({ ok: false, error: 'bad_request' });
    expect(h.relay().io.of('/').adapter.rooms.has(`watch:${a.room.code}`)).toBe(false);
    // After leaving, the socket is in neither channel.
    await watch(alice);
    unwrap(await alice.emitWithAck('room:leave'));
    expect(h.relay().io.of('/').adapter.rooms.has(`watch:${a.room.code}`)).toBe(false);
  });
});

describe.each(storeFactories)('telemetry, one batch a second ($name store)', (storeFactory) => {
  const h = useRelay({ storeFactory, config: { TELEMETRY_FLUSH_MS: 1000 } });

  test('a member who leaves takes its unsent telemetry with it', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob } = await h.joinRoom(a.room.code);
    const { socket: carol, joined: c } = await h.joinRoom(a.room.code, 'Carol');
    await watch(alice);
    const afterLeft: MemberTelemetry[][] = [];
    let gone = false;
    alice.on('member:left', () => (gone = true));
    alice.on('members:telemetry', (entries) => {
      if (gone) afterLeft.push(entries);
    });
    const got = batchesUntil(alice, (m) => m.has(c.memberId));
    bob.emit('member:telemetry', { offsetMs: 3, rttMs: null });
    unwrap(await bob.emitWithAck('room:leave'));
    carol.emit('member:telemetry', { offsetMs: 8, rttMs: null });
    await got;
    // Bob's report may have gone out before he left, never after.
    expect(gone).toBe(true);
    expect(afterLeft.flat()).toContainEqual({ memberId: c.memberId, offsetMs: 8, rttMs: null });
    expect(afterLeft.flat().some((e) => e.memberId !== c.memberId)).toBe(false);
  });
});
