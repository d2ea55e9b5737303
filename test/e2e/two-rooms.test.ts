/**
 * One room per tab; two tabs may be in two rooms. Real Chromium (three profiles), the built
 * extension, a real relay: alice has two tabs, each the creator of its own room; bob joins room 1
 * only, carol room 2 only. A play in room 1 moves alice's tab 1 and bob, not alice's tab 2; a seek
 * in room 2 moves only room 2's tabs; each tab's state shows its own room; alice leaving room 1
 * from tab 1 leaves her seat in room 2 (tab 2) as it was.
 */
import { launchChromiumMember, waitFor, type Member, type MemberPage } from '../support/browsers';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { startRelay, type TestRelay } from '../support/relay';
import { createRoom, joinRoom, setRelayUrl, tabState, waitForMembers, waitForVideo } from '../support/rooms';

jest.setTimeout(60_000);

interface VideoState {
  paused: boolean;
  position: number;
}

interface Seat {
  member: Member;
  page: MemberPage;
  tabId: number;
}

let relay: TestRelay;
let site: FixtureServer;
let alice: Member;
let bob: Member;
let carol: Member;
/** Room 1: alice's tab 1 and bob. Room 2: alice's tab 2 and carol. */
let alice1: Seat;
let alice2: Seat;
let bobSeat: Seat;
let carolSeat: Seat;
let code1: string;
let code2: string;

const state = (seat: Seat): Promise<VideoState> =>
  seat.page.run(`(() => { const v = document.querySelector('video'); return { paused: v.paused, position: v.currentTime }; })()`);
/**
 * Runs `js` with `v` the page's video, as a user would act on it. A user's play() may reject (the
 * engine pauses a player it just saw start, to start it in step at the scheduled time).
 */
const act = (seat: Seat, js: string): Promise<unknown> => seat.page.run(`(() => { const v = document.querySelector('video'); ${js} })()`);

/** Waits until `check` holds for the seats' videos together; the last reading goes into the error. */
async function until(what: string, seats: Seat[], check: (states: VideoState[]) => boolean): Promise<VideoState[]> {
  let last: VideoState[] = [];
  try {
    await waitFor(
      async () => {
        last = await Promise.all(seats.map(state));
        return check(last);
      },
      what,
      15_000,
    );
  } catch (err) {
    throw new Error(`${String(err)}; last: ${JSON.stringify(last)}`, { cause: err });
  }
  return last;
}

const playing = (s: VideoState): boolean => !s.paused;
const within =
  (ms: number) =>
  (states: VideoState[]): boolean =>
    Math.max(...states.map((s) => s.position)) - Math.min(...states.map((s) => s.position)) < ms / 1000;

async function openSeat(member: Member, path: string): Promise<Seat> {
  const tab = await member.openTab(`${site.origin}${path}`);
  await waitForVideo(member, tab.tabId);
  return { member, ...tab };
}

async function roomOf(seat: Seat): Promise<{ code: string; you: string; members: string[] }> {
  const room = (await tabState(seat.member, seat.tabId)).room;
  if (room === null) throw new Error(`${seat.member.name}'s tab ${seat.tabId} is in no room`);
  return {
    code: room.code,
    you: room.you,
    members: room.members
      .filter((m) => m.connected)
      .map((m) => m.id)
      .sort(),
  };
}

beforeAll(async () => {
  [relay, site] = await Promise.all([startRelay(), startFixtureServer()]);
  [alice, bob, carol] = await Promise.all([launchChromiumMember('alice'), launchChromiumMember('bob'), launchChromiumMember('carol')]);
  await Promise.all([alice, bob, carol].map((m) => setRelayUrl(m, relay.url)));
}, 45_000);

afterAll(async () => {
  await Promise.all([alice, bob, carol].map((m) => m?.close()));
  await site?.close();
  await relay?.close();
});

test('alice creates a room from each of her two tabs; bob joins room 1, carol room 2', async () => {
  alice1 = await openSeat(alice, '/plain.html?one');
  code1 = await createRoom(alice, alice1.tabId);
  alice2 = await openSeat(alice, '/plain.html?two');
  code2 = await createRoom(alice, alice2.tabId);
  expect(code2).not.toBe(code1);
  // Creating room 2 in tab 2 left tab 1 in room 1.
  expect((await roomOf(alice1)).code).toBe(code1);

  [bobSeat, carolSeat] = await Promise.all([openSeat(bob, '/plain.html?one'), openSeat(carol, '/plain.html?two')]);
  await Promise.all([joinRoom(bob, bobSeat.tabId, code1), joinRoom(carol, carolSeat.tabId, code2)]);
  await Promise.all([alice1, alice2, bobSeat, carolSeat].map((seat) => waitForMembers(seat.member, seat.tabId, 2, { following: true })));
});

test("each tab's state shows its own room code and members", async () => {
  const [a1, a2, b, c] = await Promise.all([roomOf(alice1), roomOf(alice2), roomOf(bobSeat), roomOf(carolSeat)]);
  expect([a1.code, b.code]).toEqual([code1, code1]);
  expect([a2.code, c.code]).toEqual([code2, code2]);
  // Alice has a seat of her own in each room (one connection per tab).
  expect(a1.you).not.toBe(a2.you);
  expect(a1.members).toEqual([a1.you, b.you].sort());
  expect(b.members).toEqual(a1.members);
  expect(a2.members).toEqual([a2.you, c.you].sort());
  expect(c.members).toEqual(a2.members);
});

test("a play in room 1 moves alice's tab 1 and bob, not alice's tab 2 nor carol", async () => {
  await act(bobSeat, 'return v.play().then(() => null, (err) => String(err));');
  await until('room 1 playing past 0.5 s', [alice1, bobSeat], (s) => s.every((x) => playing(x) && x.position > 0.5));
  await until('room 1 in step within 150 ms', [alice1, bobSeat], (s) => s.every(playing) && within(150)(s));
  // Room 1 has played for a while by now: anything it sent room 2 would have arrived.
  const room2 = await Promise.all([alice2, carolSeat].map(state));
  expect(room2).toEqual([
    { paused: true, position: 0 },
    { paused: true, position: 0 },
  ]);
  expect((await tabState(alice, alice2.tabId)).room?.timeline).toMatchObject({ paused: true, position: 0 });
});

test('a seek in room 2 moves only room 2', async () => {
  const before = await Promise.all([alice1, bobSeat].map(state));
  await act(carolSeat, 'v.currentTime = 60;');
  await until('room 2 paused at 60 s', [alice2, carolSeat], (s) => s.every((x) => x.paused && Math.abs(x.position - 60) < 0.1));
  // Alice's background took room 2's seek for tab 2 only: tab 1's timeline is room 1's, untouched.
  const [t1, t2] = await Promise.all([alice1, alice2].map(async (seat) => (await tabState(alice, seat.tabId)).room?.timeline));
  expect(t2).toMatchObject({ paused: true, position: 60 });
  expect(t1?.paused).toBe(false);
  expect(t1?.position).toBeLessThan(40);
  // Room 1 plays on from where it was, in step, nowhere near 60 s.
  const room1 = await until('room 1 still playing in step', [alice1, bobSeat], (s) => s.every(playing) && within(150)(s));
  room1.forEach((s, i) => {
    expect(s.position).toBeGreaterThanOrEqual(before[i]?.position ?? Infinity);
    expect(s.position).toBeLessThan(40);
  });
});

test('alice leaves room 1 from tab 1; her seat in room 2 (tab 2) stays as it was', async () => {
  const seat2 = await roomOf(alice2);
  const left = await alice.send('leaveRoom', { tabId: alice1.tabId });
  if (!left.ok) throw new Error(`leaveRoom failed: ${left.message}`);
  expect(left.data.room).toBeNull();
  expect((await tabState(alice, alice1.tabId)).room).toBeNull();
  await waitForMembers(bob, bobSeat.tabId, 1);

  // Tab 2: same room, same seat, same members; carol still sees alice there.
  expect(await roomOf(alice2)).toEqual(seat2);
  expect((await roomOf(carolSeat)).members).toEqual(seat2.members);

  // Room 2 still syncs alice's tab 2 ...
  await act(carolSeat, 'return v.play().then(() => null, (err) => String(err));');
  await until(
    'room 2 playing from 60 s in step',
    [alice2, carolSeat],
    (s) => s.every((x) => playing(x) && x.position > 60) && within(150)(s),
  );
  // ... and room 1 no longer reaches tab 1: bob pauses, alice's tab 1 plays on.
  await act(bobSeat, 'v.pause();');
  await until('bob paused', [bobSeat], (s) => s.every((x) => x.paused));
  const pausedAt = (await state(bobSeat)).position;
  await until("alice's tab 1 playing past bob's pause", [alice1], (s) => s.every((x) => playing(x) && x.position > pausedAt + 1));
});
