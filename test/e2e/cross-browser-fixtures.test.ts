/**
 * The quirky fixture pages with one Chromium and one Firefox member in a room on each: the video
 * created late, inside nested shadow roots, beside muted previews, fed by MSE, and replaced by the
 * next episode's element. Firefox starts playback from 10 s, Chromium follows; Chromium pauses,
 * Firefox pauses at the same position. Then the cross-origin player iframe (play, pause, seek)
 * and the YouTube-like SPA under https://www.youtube.com/ (routed to the fixture server in both
 * browsers: HSTS-preloaded, so no plain-http resolver rule): an ad holds the other member under
 * the room's 'wait' policy, and SPA navigation to another video takes the other member along.
 */
import { waitFor, type Member, type MemberPage } from '../support/browsers';
import type { FixtureServer } from '../support/fixture-server';
import {
  createRoom,
  joinRoom,
  startCrossBrowserPair,
  tabState,
  waitForMembers,
  waitForVideo,
  type CrossBrowserPair,
} from '../support/rooms';

jest.setTimeout(60_000);

let site: FixtureServer;
let chrome: Member;
let firefox: Member;

/** The biggest <video> in the document or any open shadow root (the previews are small). */
const MAIN_VIDEO = `(() => {
  const all = [];
  const walk = (root) => { for (const el of root.querySelectorAll('*')) { if (el instanceof HTMLVideoElement) all.push(el); if (el.shadowRoot) walk(el.shadowRoot); } };
  walk(document);
  all.sort((a, b) => b.clientWidth * b.clientHeight - a.clientWidth * a.clientHeight);
  return all[0];
})()`;

interface VideoState {
  paused: boolean;
  position: number;
}
/** In the top frame, or (`frame`: part of its URL) in a player iframe. */
const inPage = <R>(page: MemberPage, expression: string, frame: string | null): Promise<R> =>
  frame === null ? page.run<R>(expression) : page.runInFrame<R>(frame, expression);
const state = (page: MemberPage, frame: string | null = null): Promise<VideoState> =>
  inPage(page, `(() => { const v = ${MAIN_VIDEO}; return { paused: v.paused, position: v.currentTime }; })()`, frame);
const act = (page: MemberPage, js: string, frame: string | null = null): Promise<unknown> =>
  inPage(page, `(() => { const v = ${MAIN_VIDEO}; ${js} })()`, frame);

let started: CrossBrowserPair | undefined;
beforeAll(async () => {
  started = await startCrossBrowserPair((fixtures) => ({ hosts: ['www.youtube.com'], origin: fixtures.origin }));
  ({ site, chrome, firefox } = started);
}, 60_000);

afterAll(async () => {
  await started?.close();
});
test.each([
  ['late video', '/late.html?delay=1500', null],
  ['nested shadow roots', '/shadow.html', null],
  ['muted previews beside the main video', '/previews.html', null],
  ['MSE-fed player', '/mse.html', null],
  ['next episode replaces the element', '/replaced.html', { run: "window.nextEpisode('element')", title: 'Episode 2' }],
])('%s: Chromium and Firefox follow each other', async (_name, path, afterJoin) => {
  const join = path.includes('?') ? '&' : '?';
  const [c, f] = await Promise.all([
    chrome.openTab(`${site.origin}${path}${join}who=c`),
    firefox.openTab(`${site.origin}${path}${join}who=f`),
  ]);
  await waitForVideo(chrome, c.tabId);
  await waitForVideo(firefox, f.tabId);
  const code = await createRoom(chrome, c.tabId);
  await joinRoom(firefox, f.tabId, code);
  await waitForMembers(chrome, c.tabId, 2, { following: true });
  if (afterJoin !== null) {
    await Promise.all([c.page.run(afterJoin.run), f.page.run(afterJoin.run)]);
    // Loaded: the new element shows its first frame (while it loads, what happens to it is the page's doing).
    await waitFor(async () => (await c.page.run<number>(`${MAIN_VIDEO}.readyState`)) >= 2, 'the new element loaded (Chromium)');
    await waitFor(async () => (await f.page.run<number>(`${MAIN_VIDEO}.readyState`)) >= 2, 'the new element loaded (Firefox)');
    // Act on the new element only once both members sync it: a play made before Firefox's
    // content script took the element over is no user action it saw, and the room's (paused)
    // timeline puts the element back.
    await Promise.all([waitForVideo(chrome, c.tabId, afterJoin.title), waitForVideo(firefox, f.tabId, afterJoin.title)]);
  }

  await act(f.page, 'v.currentTime = 10; return v.play().then(() => null, (err) => String(err));');
  await waitFor(
    async () => {
      const s = await state(c.page);
      return !s.paused && s.position > 10;
    },
    'Chromium playing from 10 s',
    15_000,
  );
  await act(c.page, 'v.pause();');
  await waitFor(async () => (await state(f.page)).paused, 'Firefox paused', 10_000);
  await waitFor(async () => {
    const [a, b] = await Promise.all([state(c.page), state(f.page)]);
    return a.paused && Math.abs(a.position - b.position) < 0.15;
  }, 'paused positions within 150 ms');
  await c.page.close();
  await f.page.close();
});

test('next episode by navigation: Chromium opens episode 2 and takes Firefox along', async () => {
  const [c, f] = await Promise.all([
    chrome.openTab(`${site.origin}/plain.html?ep=1&who=c`),
    firefox.openTab(`${site.origin}/plain.html?ep=1&who=f`),
  ]);
  await waitForVideo(chrome, c.tabId);
  await waitForVideo(firefox, f.tabId);
  const code = await createRoom(chrome, c.tabId);
  await joinRoom(firefox, f.tabId, code);
  await waitForMembers(chrome, c.tabId, 2, { following: true });
  await c.page.goto(`${site.origin}/plain.html?ep=2&who=c`);
  await waitFor(async () => (await f.page.run<string>('location.search').catch(() => '')).includes('ep=2'), 'Firefox on episode 2', 20_000);
  await waitForVideo(firefox, f.tabId);
  // Act once episode 2 shows its first frame in Chromium: while it loads, what happens to it is the
  // page's doing (seen under load: a seek and play during the load, rightly, not taken as the user's).
  await waitFor(async () => (await c.page.run<number>(`${MAIN_VIDEO}.readyState`)) >= 2, 'episode 2 loaded (Chromium)');
  await act(c.page, 'v.currentTime = 10; return v.play().then(() => null, (err) => String(err));');
  await waitFor(
    async () => {
      const s = await state(f.page).catch(() => ({ paused: true, position: 0 }));
      return !s.paused && s.position > 10;
    },
    'Firefox playing episode 2 from 10 s',
    15_000,
  );
  await c.page.close();
  await f.page.close();
});

/** Both members' tabs on `urls` (Chromium, Firefox), in one room ('wait' policy), both following. */
async function pair(urls: [string, string]): Promise<[{ page: MemberPage; tabId: number }, { page: MemberPage; tabId: number }]> {
  const [c, f] = await Promise.all([chrome.openTab(urls[0]), firefox.openTab(urls[1])]);
  await waitForVideo(chrome, c.tabId);
  await waitForVideo(firefox, f.tabId);
  const code = await createRoom(chrome, c.tabId);
  await joinRoom(firefox, f.tabId, code);
  await waitForMembers(chrome, c.tabId, 2, { following: true });
  return [c, f];
}

/** Waits for both players to satisfy `check`; the last states are in the error. */
async function inStep(
  what: string,
  read: () => Promise<[VideoState, VideoState]>,
  check: (c: VideoState, f: VideoState) => boolean,
  timeoutMs = 15_000,
): Promise<void> {
  let last: [VideoState, VideoState] | null = null;
  try {
    await waitFor(
      async () => {
        last = await read();
        return check(...last);
      },
      what,
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${String(err)}; last (chromium, firefox): ${JSON.stringify(last)}`, { cause: err });
  }
}

test('cross-origin player iframe: Chromium and Firefox follow each other through play, pause and seek', async () => {
  const player = encodeURIComponent(site.crossOrigin);
  const [c, f] = await pair([
    `${site.origin}/crunchyroll.html?player=${player}&who=c`,
    `${site.origin}/crunchyroll.html?player=${player}&who=f`,
  ]);
  const frame = 'crunchyroll-player.html';
  const both = (): Promise<[VideoState, VideoState]> => Promise.all([state(c.page, frame), state(f.page, frame)]);

  await act(f.page, 'v.currentTime = 10; return v.play().then(() => null, (err) => String(err));', frame);
  await inStep('both playing from 10 s', both, (a, b) => !a.paused && !b.paused && a.position > 10 && b.position > 10);
  await act(c.page, 'v.pause();', frame);
  await inStep('both paused within 150 ms', both, (a, b) => a.paused && b.paused && Math.abs(a.position - b.position) < 0.15);
  await act(f.page, 'v.currentTime = 40;', frame);
  await inStep(
    'both paused at 40 s',
    both,
    (a, b) => a.paused && b.paused && Math.abs(a.position - 40) < 0.15 && Math.abs(b.position - 40) < 0.15,
  );
  await act(c.page, 'return v.play().then(() => null, (err) => String(err));', frame);
  await inStep('both playing on from 40 s', both, (a, b) => !a.paused && !b.paused && a.position > 40 && b.position > 40);
  await c.page.close();
  await f.page.close();
});

test('YouTube-like SPA: play and pause followed; an ad holds the other member (wait policy); SPA navigation takes the other along', async () => {
  const url = 'https://www.youtube.com/youtube.html?v=one';
  const [c, f] = await pair([url, url]);
  const both = (): Promise<[VideoState, VideoState]> => Promise.all([state(c.page), state(f.page)]);
  /** Firefox's status as Chromium's room view shows it. */
  const firefoxStatus = async (): Promise<string | undefined> => {
    const room = (await tabState(chrome, c.tabId)).room;
    return room?.members.find((m) => m.id !== room.you)?.status;
  };

  await act(c.page, 'v.currentTime = 10; return v.play().then(() => null, (err) => String(err));');
  await inStep('both playing from 10 s', both, (a, b) => !a.paused && !b.paused && a.position > 10 && b.position > 10);
  await act(f.page, 'v.pause();');
  await inStep('both paused within 150 ms', both, (a, b) => a.paused && b.paused && Math.abs(a.position - b.position) < 0.15);
  await act(c.page, 'return v.play().then(() => null, (err) => String(err));');
  await inStep('both playing again', both, (a, b) => !a.paused && !b.paused);

  // Firefox's ad: it reports 'ad'; Chromium holds (paused) while it lasts, then both play on in step.
  await f.page.run('window.adBreak(4000)');
  await waitFor(async () => (await firefoxStatus()) === 'ad', 'Firefox reported in an ad', 10_000);
  await waitFor(
    async () => {
      const [held, inAd] = await Promise.all([
        state(c.page),
        f.page.run<boolean>("document.getElementById('movie_player').classList.contains('ad-showing')"),
      ]);
      return held.paused && inAd;
    },
    'Chromium holding (paused) while the ad shows',
    10_000,
  );
  await waitFor(async () => (await firefoxStatus()) === 'playing', 'Firefox back after the ad', 15_000);
  await inStep('both playing on in step after the ad', both, (a, b) => !a.paused && !b.paused && Math.abs(a.position - b.position) < 0.3);

  // Chromium opens video two in the SPA (same element, pushState): Firefox is taken to it.
  await c.page.run("window.navigateTo('two')");
  await waitFor(async () => (await f.page.run<string>('location.search').catch(() => '')) === '?v=two', 'Firefox on video two', 20_000);
  await waitForVideo(firefox, f.tabId, 'Video two - YouTube fixture');
  // Act once video two's source shows its first frame: while it loads, what happens to it is the page's doing.
  await waitFor(async () => (await c.page.run<number>(`${MAIN_VIDEO}.readyState`)) >= 2, 'video two loaded (Chromium)');
  await act(c.page, 'v.currentTime = 5; return v.play().then(() => null, (err) => String(err));');
  await inStep(
    'both playing video two from 5 s',
    () => Promise.all([state(c.page), state(f.page).catch(() => ({ paused: true, position: 0 }))]),
    (a, b) => !a.paused && !b.paused && a.position > 5 && b.position > 5,
  );
  expect(await Promise.all([c.page.run<string>('document.title'), f.page.run<string>('document.title')])).toEqual([
    'Video two - YouTube fixture',
    'Video two - YouTube fixture',
  ]);
  await c.page.close();
  await f.page.close();
});
