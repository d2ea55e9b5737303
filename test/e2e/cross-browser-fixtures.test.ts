/**
 * The quirky fixture pages with one Chromium and one Firefox member in a room on each: the video
 * created late, inside nested shadow roots, beside muted previews, fed by MSE, and replaced by the
 * next episode's element. Firefox starts playback from 10 s, Chromium follows; Chromium pauses,
 * Firefox pauses at the same position. (Cross-origin iframe and site pages: content-*.test.ts.)
 */
import { launchMember, waitFor, type Member, type MemberPage } from '../support/browsers';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { startLatencyProxy, symmetric, type LatencyProxy } from '../support/latency-proxy';
import { startRelay, type TestRelay } from '../support/relay';
import { createRoom, joinRoom, setRelayUrl, waitForMembers, waitForVideo } from '../support/rooms';

jest.setTimeout(60_000);

let relay: TestRelay;
let proxy: LatencyProxy;
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
const state = (page: MemberPage): Promise<VideoState> => page.run(`(() => { const v = ${MAIN_VIDEO}; return { paused: v.paused, position: v.currentTime }; })()`);
const act = (page: MemberPage, js: string): Promise<unknown> => page.run(`(() => { const v = ${MAIN_VIDEO}; ${js} })()`);

beforeAll(async () => {
  relay = await startRelay();
  proxy = await startLatencyProxy(relay.port, symmetric(20));
  site = await startFixtureServer();
  [chrome, firefox] = await Promise.all([launchMember('chromium', 'chromium'), launchMember('firefox', 'firefox')]);
  await setRelayUrl(chrome, proxy.url);
  await setRelayUrl(firefox, proxy.url);
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  await firefox?.close();
  await site?.close();
  await proxy?.close();
  await relay?.close();
});

test.each([
  ['late video', '/late.html?delay=1500', null],
  ['nested shadow roots', '/shadow.html', null],
  ['muted previews beside the main video', '/previews.html', null],
  ['MSE-fed player', '/mse.html', null],
  ['next episode replaces the element', '/replaced.html', { run: "window.nextEpisode('element')", title: 'Episode 2' }],
])('%s: Chromium and Firefox follow each other', async (_name, path, afterJoin) => {
  const join = path.includes('?') ? '&' : '?';
  const [c, f] = await Promise.all([chrome.openTab(`${site.origin}${path}${join}who=c`), firefox.openTab(`${site.origin}${path}${join}who=f`)]);
  await waitForVideo(chrome, c.tabId);
  await waitForVideo(firefox, f.tabId);
  const code = await createRoom(chrome, c.tabId);
  await joinRoom(firefox, f.tabId, code);
  await waitForMembers(chrome, c.tabId, 2, { following: true });
  if (afterJoin !== null) {
    await Promise.all([c.page.run(afterJoin.run), f.page.run(afterJoin.run)]);
    await waitFor(async () => (await c.page.run<number>(`${MAIN_VIDEO}.readyState`)) >= 1, 'the new element loaded');
    // Act on the new element only once both members sync it: a play made before Firefox's
    // content script took the element over is no user action it saw, and the room's (paused)
    // timeline puts the element back.
    await Promise.all([waitForVideo(chrome, c.tabId, afterJoin.title), waitForVideo(firefox, f.tabId, afterJoin.title)]);
  }

  await act(f.page, 'v.currentTime = 10; return v.play().then(() => null, (err) => String(err));');
  await waitFor(async () => {
    const s = await state(c.page);
    return !s.paused && s.position > 10;
  }, 'Chromium playing from 10 s', 15_000);
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
  await act(c.page, 'v.currentTime = 10; return v.play().then(() => null, (err) => String(err));');
  await waitFor(async () => {
    const s = await state(f.page).catch(() => ({ paused: true, position: 0 }));
    return !s.paused && s.position > 10;
  }, 'Firefox playing episode 2 from 10 s', 15_000);
  await c.page.close();
  await f.page.close();
});
