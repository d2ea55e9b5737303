/**
 * The content script in real Chromium (two profiles, the built extension, a real relay, fixture
 * pages with a real WebM): an invite link opened in a tab joins the room and disappears from the
 * URL; then the owner frames follow each other through play, pause and seek; and the room video
 * is found when created late, inside nested shadow roots, in an MSE player and inside a
 * cross-origin player iframe; previews are left alone; a replaced element is followed; and a
 * member asked to follow the room to the next video gets a Go/Stay prompt.
 */
import { waitFor, type Member, type MemberPage } from '../support/browsers';
import type { FixtureServer } from '../support/fixture-server';
import type { TestRelay } from '../support/relay';
import { formatInvite } from '../../extension/invite';
import { createRoom, tabState, waitForMembers, startChromiumPair, waitForVideo, type ChromiumPair } from '../support/rooms';
import { answer, promptShowing } from '../support/prompt';

jest.setTimeout(90_000);

interface VideoState {
  paused: boolean;
  position: number;
}

let relay: TestRelay;
let site: FixtureServer;
let alice: Member;
let bob: Member;
let aliceTab: { page: MemberPage; tabId: number };
let bobTab: { page: MemberPage; tabId: number };

const state = (page: MemberPage): Promise<VideoState> =>
  page.run(`(() => { const v = document.querySelector('video'); return { paused: v.paused, position: v.currentTime }; })()`);
/**
 * Runs `js` with `v` the page's video, as a user would act on it. A user's play() may reject
 * (AbortError): the engine pauses the player it just saw start so that it starts in step with the
 * room at the scheduled time. What the players do next is what the tests check.
 */
const act = (page: MemberPage, js: string): Promise<unknown> => page.run(`(() => { const v = document.querySelector('video'); ${js} })()`);

async function both(what: string, check: (s: VideoState) => boolean): Promise<[VideoState, VideoState]> {
  let last: [VideoState, VideoState] = [
    { paused: true, position: 0 },
    { paused: true, position: 0 },
  ];
  await waitFor(
    async () => {
      last = [await state(aliceTab.page), await state(bobTab.page)];
      return last.every(check);
    },
    what,
    15_000,
  );
  return last;
}

let started: ChromiumPair | undefined;
beforeAll(async () => {
  started = await startChromiumPair();
  ({ relay, site, alice, bob } = started);
}, 60_000);

afterAll(async () => {
  await started?.close();
});

test('an invite link opened in a tab asks in the prompt, and Join joins the room; the invite leaves the URL', async () => {
  aliceTab = await alice.openTab(`${site.origin}/plain.html`);
  await waitForVideo(alice, aliceTab.tabId);
  await createRoom(alice, aliceTab.tabId);
  const room = (await tabState(alice, aliceTab.tabId)).room;
  expect(room?.inviteLink).toContain('#lockstep=');
  bobTab = await bob.openTab(room?.inviteLink ?? '');
  expect(await bobTab.page.run<string>('location.href')).toBe(`${site.origin}/plain.html`);
  const asked = await promptShowing(bobTab.page, /join this room\?/, "bob's invite");
  expect((await tabState(bob, bobTab.tabId)).room).toBeNull();
  await answer(asked.frame, 'Join');
  await waitForMembers(alice, aliceTab.tabId, 2);
  await waitFor(async () => (await tabState(bob, bobTab.tabId)).room?.code === room?.code, 'bob in the room');
});

test('alice plays; bob follows within 150 ms', async () => {
  await act(aliceTab.page, 'return v.play().then(() => null, (err) => String(err));');
  await both('both playing', (s) => !s.paused && s.position > 0.5);
  await waitFor(
    async () => {
      const [a, b] = await Promise.all([state(aliceTab.page), state(bobTab.page)]);
      return Math.abs(a.position - b.position) < 0.15;
    },
    'positions within 150 ms',
    15_000,
  );
});

test('bob pauses; alice pauses at the same position', async () => {
  await act(bobTab.page, 'v.pause();');
  const [a, b] = await both('both paused', (s) => s.paused);
  await waitFor(async () => {
    const [x, y] = await Promise.all([state(aliceTab.page), state(bobTab.page)]);
    return Math.abs(x.position - y.position) < 0.1;
  }, 'paused positions within 100 ms');
  expect(a.paused && b.paused).toBe(true);
});

test('alice seeks while paused; bob lands on the same position', async () => {
  await act(aliceTab.page, 'v.currentTime = 42;');
  await both('both at 42 s', (s) => s.paused && Math.abs(s.position - 42) < 0.1);
});

/** Opens `path` in a new room of alice's, and bob's plain page joins: bob's view shows alice's status. */
async function aliceStatusSeenByBob(path: string): Promise<void> {
  const tab = await alice.openTab(`${site.origin}${path}`);
  await waitForVideo(alice, tab.tabId);
  const code = await createRoom(alice, tab.tabId);
  const bobPage = await bob.openTab(`${site.origin}/plain.html?for=${encodeURIComponent(path)}`);
  const joined = await bob.send('joinRoom', { tabId: bobPage.tabId, invite: code });
  expect(joined.ok).toBe(true);
  await waitForMembers(bob, bobPage.tabId, 2, { following: true });
  await act(bobPage.page, 'return v.play().then(() => null, (err) => String(err));');
  // Only an owner frame that runs the engine on alice's video reports "playing" for her.
  await waitFor(
    async () => {
      const room = (await tabState(bob, bobPage.tabId)).room;
      return room?.members.some((m) => m.id !== room.you && m.status === 'playing') ?? false;
    },
    `alice's ${path} video playing in the room`,
    20_000,
  );
  await tab.page.close();
  await bobPage.page.close();
}

test('a video inside nested open shadow roots, created after load, owns the room', async () => {
  await aliceStatusSeenByBob('/shadow.html');
});

test('a video created long after load owns the room', async () => {
  await aliceStatusSeenByBob('/late.html?delay=2500');
});

test('an MSE (blob:) player owns the room', async () => {
  await aliceStatusSeenByBob('/mse.html');
});

/** A fresh room: alice and bob on `path`, bob joined by code; returns both tabs. */
async function pair(
  path: string,
  settings: object = {},
): Promise<[{ page: MemberPage; tabId: number }, { page: MemberPage; tabId: number }]> {
  const a = await alice.openTab(`${site.origin}${path}`);
  await waitForVideo(alice, a.tabId);
  const created = await alice.send('createRoom', { tabId: a.tabId, settings: { controlMode: 'everyone', ...settings }, private: false });
  if (!created.ok || created.data.room === null) throw new Error('createRoom failed');
  // Bob opens the same page (else the room's "follow" policy navigates his tab there mid-test).
  const b = await bob.openTab(`${site.origin}${path}`);
  await waitForVideo(bob, b.tabId);
  expect((await bob.send('joinRoom', { tabId: b.tabId, invite: created.data.room.code })).ok).toBe(true);
  await waitForMembers(alice, a.tabId, 2, { following: true });
  return [a, b];
}

/** Evaluates in a page that may be navigating (then: null, try again). */
async function during(page: MemberPage, expression: string): Promise<unknown> {
  try {
    return await page.run(expression);
  } catch (err) {
    if (err instanceof Error && /context was destroyed|navigat/i.test(err.message)) return null;
    throw err;
  }
}

const byId = (page: MemberPage, id: string): Promise<VideoState> =>
  page.run(`(() => { const v = document.getElementById('${id}'); return { paused: v.paused, position: v.currentTime }; })()`);

test('muted looping previews are left alone; the main video follows the room', async () => {
  const [a, b] = await pair('/previews.html');
  await b.page.run(
    "(() => { const v = document.getElementById('main'); v.currentTime = 10; return v.play().then(() => null, (err) => String(err)); })()",
  );
  await waitFor(
    async () => {
      const main = await byId(a.page, 'main');
      return !main.paused && main.position > 10;
    },
    'the main video playing from 10 s',
    15_000,
  );
  // In step first (as someone watching would be), then bob pauses.
  await waitFor(
    async () => {
      const [x, y] = await Promise.all([byId(a.page, 'main'), byId(b.page, 'main')]);
      return !x.paused && !y.paused && Math.abs(x.position - y.position) < 0.15;
    },
    'both main videos playing in step',
    15_000,
  );
  await b.page.run("document.getElementById('main').pause()");
  await waitFor(async () => (await byId(a.page, 'main')).paused, 'the main video paused', 15_000);
  for (const id of ['preview1', 'preview2']) expect((await byId(a.page, id)).paused).toBe(false);
  await a.page.close();
  await b.page.close();
});

test('next episode replaces the element: the new element follows the room', async () => {
  const [a, b] = await pair('/replaced.html');
  await a.page.run("window.nextEpisode('element')");
  await waitFor(async () => await a.page.run<boolean>("document.getElementById('main2').readyState >= 1"), 'episode 2 loaded');
  await act(b.page, 'v.currentTime = 5; return v.play().then(() => null, (err) => String(err));');
  await waitFor(
    async () => {
      const next = await byId(a.page, 'main2');
      return !next.paused && next.position > 5;
    },
    'the new element playing from 5 s',
    15_000,
  );
  await a.page.close();
  await b.page.close();
});

test('navigation policy "ask": the controller opens another video; the member is asked, and Go follows', async () => {
  const [a, b] = await pair('/plain.html?ep=1', { navigationPolicy: 'ask' });
  await b.page.goto(`${site.origin}/plain.html?ep=1`);
  await waitForVideo(bob, b.tabId);
  await a.page.goto(`${site.origin}/plain.html?ep=2`);
  const asked = await promptShowing(b.page, /the room moved on/, "the Go/Stay prompt on bob's tab");
  expect(asked.text).toContain(new URL(site.origin).host);
  await answer(asked.frame, 'Go');
  await waitFor(async () => (await during(b.page, 'location.search')) === '?ep=2', 'bob on episode 2', 15_000);
  await a.page.close();
  await b.page.close();
});

test('a cross-origin player iframe owns the room video (the top frame has none)', async () => {
  await aliceStatusSeenByBob(`/crunchyroll.html?player=${encodeURIComponent(site.crossOrigin)}`);
});

test('an invite to a room that does not exist says so in the prompt and joins nothing', async () => {
  const link = formatInvite(`${site.origin}/plain.html?gone`, 'ZZZZZZZZZZZZZZ', relay.url);
  const tab = await bob.openTab(link);
  await answer((await promptShowing(tab.page, /join this room\?/, 'the invite asked about')).frame, 'Join');
  await promptShowing(tab.page, /could not join/, 'the notice');
  expect(await tab.page.run<string>('location.hash')).toBe('');
  expect((await tabState(bob, tab.tabId)).room).toBeNull();
  await tab.page.close();
});
