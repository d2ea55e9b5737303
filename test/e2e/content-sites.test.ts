/**
 * Site quirks in real Chromium with the built extension: fixture pages served under the real
 * site host names (--host-resolver-rules maps them to 127.0.0.1, the port stays in the URL), so
 * the site adapters and the Netflix MAIN-world script apply as on the real sites. The other room
 * member is a plain socket.io client on the relay, which lets the test drive and read the room.
 */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  PROTOCOL_VERSION,
  type ControlRequest,
  type JoinedRoom,
  type Member,
  type Result,
  type Timeline,
} from '../../relay/contract/protocol';
import type { PopupToBackground } from '../../extension/messages';
import { waitFor } from '../support/browsers';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { connectClient, startRelay, type TestClient, type TestRelay } from '../support/relay';

jest.setTimeout(90_000);

/** Netflix over plain http via the resolver; youtube.com is HSTS-preloaded (https only), so it is routed. */
const HOSTS = ['www.netflix.com'];
const extensionDir = resolve(__dirname, '../../dist/chrome');

let relay: TestRelay;
let site: FixtureServer;
let profile: string;
let context: BrowserContext;
let helper: Page;
let port: string;

/** The extension APIs the helper page uses (typed here: the project has no @types/chrome). */
interface ChromeApi {
  runtime: { sendMessage(message: unknown): Promise<unknown> };
  tabs: { query(q: object): Promise<Array<{ id?: number; url?: string }>> };
  storage: { sync: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> } };
}
declare const chrome: ChromeApi;

async function send<K extends keyof PopupToBackground>(
  type: K,
  payload: PopupToBackground[K]['payload'],
): Promise<PopupToBackground[K]['response']> {
  return helper.evaluate(([t, p]) => chrome.runtime.sendMessage({ type: t, payload: p }), [type, payload] as const) as Promise<
    PopupToBackground[K]['response']
  >;
}

async function open(url: string): Promise<{ page: Page; tabId: number }> {
  const page = await context.newPage();
  await page.goto(url);
  const ids = await helper.evaluate(
    async (href) => (await chrome.tabs.query({})).filter((t) => t.url === href).map((t) => t.id ?? -1),
    page.url(),
  );
  if (ids.length !== 1 || ids[0] === undefined) throw new Error(`${ids.length} tabs show ${url}`);
  await page.bringToFront(); // hidden tabs paint no frames
  return { page, tabId: ids[0] };
}

/** A room made from the tab, joined by a socket client (the "friend"). */
async function roomWithFriend(tabId: number): Promise<{ friend: TestClient; joined: JoinedRoom }> {
  await waitFor(
    async () => {
      const s = await send('getTabState', { tabId });
      return s.ok && s.data.video.present && s.data.connection.relayUrl === relay.url;
    },
    'the tab reports a video (and the background uses the test relay)',
    20_000,
  );
  const created = await send('createRoom', { tabId, settings: { controlMode: 'everyone', waitPolicy: 'continue' }, private: false });
  if (!created.ok || created.data.room === null) throw new Error(`createRoom: ${created.ok ? 'no room' : created.message}`);
  const friend = await connectClient(relay.url);
  const joined = await new Promise<Result<JoinedRoom>>((done) =>
    friend.emit('room:join', { protocol: PROTOCOL_VERSION, code: created.data.room?.code ?? '', profile: { name: 'friend' } }, done),
  );
  if (!joined.ok) throw new Error(`join: ${joined.error}`);
  return { friend, joined: joined.data };
}

function control(friend: TestClient, req: ControlRequest): Promise<Result<Timeline>> {
  return new Promise((done) => friend.emit('playback:control', req, done));
}

/** The page's member as the friend sees it (member:updated events keep `members` fresh). */
function trackMembers(friend: TestClient, joined: JoinedRoom): Map<string, Member> {
  const members = new Map(joined.room.members.map((m) => [m.id, m]));
  friend.on('member:updated', (m) => members.set(m.id, m));
  friend.on('member:joined', (m) => members.set(m.id, m));
  return members;
}

const videoState = (page: Page): Promise<{ paused: boolean; position: number; error: string | null }> =>
  page.evaluate(() => {
    const v = document.querySelector('video') as HTMLVideoElement;
    return { paused: v.paused, position: v.currentTime, error: document.body.dataset.error ?? null };
  });

beforeAll(async () => {
  relay = await startRelay();
  site = await startFixtureServer();
  port = new URL(site.origin).port;
  profile = mkdtempSync(join(tmpdir(), 'lockstep-sites-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.LOCKSTEP_CHROMIUM ?? '/usr/bin/chromium',
    headless: false,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
      `--host-resolver-rules=${HOSTS.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  helper = await context.newPage();
  // https://www.youtube.com/* and www.primevideo.com answered from the fixture server (Range headers pass through).
  // Site paths that are not fixture file names are mapped onto one.
  const pages: Array<[RegExp, string]> = [
    [/^\/videos\/\d+$|^\/somechannel$/, '/twitch.html'],
    [/^\/video\/\d+$/, '/vimeo-player.html'],
  ];
  for (const host of ['www.youtube.com', 'www.primevideo.com', 'www.disneyplus.com', 'www.twitch.tv', 'player.vimeo.com']) {
    await context.route(`https://${host}/**`, async (route) => {
      const url = new URL(route.request().url());
      const path = pages.find(([re]) => re.test(url.pathname))?.[1] ?? url.pathname;
      await route.fulfill({ response: await route.fetch({ url: `${site.origin}${path}${url.search}` }) });
    });
  }
  await helper.goto(`chrome-extension://${new URL(worker.url()).host}/options.html`);
  await helper.evaluate(async (url) => {
    const stored = (await chrome.storage.sync.get('settings')).settings;
    await chrome.storage.sync.set({ settings: { ...(typeof stored === 'object' && stored !== null ? stored : {}), relayUrl: url } });
  }, relay.url);
}, 60_000);

afterAll(async () => {
  // Media fetches still in flight must not fail as the context goes away.
  await context?.unrouteAll({ behavior: 'ignoreErrors' });
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await site?.close();
  await relay?.close();
});

test('Netflix: the room plays and seeks through the page player API (ms), never the element: no M7375', async () => {
  const { page, tabId } = await open(`http://www.netflix.com:${port}/netflix.html`);
  const { friend } = await roomWithFriend(tabId);
  expect((await control(friend, { action: 'seek', position: 30 })).ok).toBe(true);
  await waitFor(async () => Math.abs((await videoState(page)).position - 30) < 0.2, 'the Netflix page at 30 s', 15_000);
  expect((await control(friend, { action: 'play' })).ok).toBe(true);
  await waitFor(
    async () => {
      const s = await videoState(page);
      return !s.paused && s.position > 30.5;
    },
    'the Netflix page playing',
    15_000,
  );
  expect((await control(friend, { action: 'pause' })).ok).toBe(true);
  await waitFor(async () => (await videoState(page)).paused, 'the Netflix page paused', 15_000);
  expect((await videoState(page)).error).toBeNull();
  friend.disconnect();
  await page.close();
});

test('YouTube: an ad break shows as status "ad"; SPA navigation to another video becomes the room media', async () => {
  const { page, tabId } = await open('https://www.youtube.com/youtube.html?v=one');
  const { friend, joined } = await roomWithFriend(tabId);
  const members = trackMembers(friend, joined);
  const pageMember = (): Member | undefined => [...members.values()].find((m) => m.id !== joined.memberId);
  expect((await control(friend, { action: 'play', position: 5 })).ok).toBe(true);
  await waitFor(async () => pageMember()?.status === 'playing', 'the YouTube member playing', 15_000);
  await page.evaluate(() => (window as unknown as { adBreak(ms: number): void }).adBreak(3000));
  await waitFor(async () => pageMember()?.status === 'ad', 'the YouTube member in an ad', 10_000);
  await waitFor(async () => pageMember()?.status === 'playing', 'the YouTube member back after the ad', 15_000);

  let media: Timeline['media'] = null;
  friend.on('playback:state', (t) => (media = t.media));
  await page.evaluate(() => (window as unknown as { navigateTo(id: string): void }).navigateTo('two'));
  await waitFor(async () => (media as Timeline['media'])?.url.includes('v=two') ?? false, 'the room media on video two', 15_000);
  friend.disconnect();
  await page.close();
});

test("YouTube: a navigation reported while the old video is still loaded gets the new video's duration once it loads, timeline kept", async () => {
  const { page, tabId } = await open('https://www.youtube.com/youtube.html?v=one');
  await page.waitForFunction(() => Number.isFinite(document.querySelector('video')?.duration));
  const { friend } = await roomWithFriend(tabId);
  expect((await control(friend, { action: 'play', position: 5 })).ok).toBe(true);
  const states: Timeline[] = [];
  friend.on('playback:state', (t) => states.push(t));
  const onTwo = (): Timeline[] => states.filter((t) => t.media?.url.includes('v=two') === true);
  // The page goes to video two and says so while its element still holds video one (90 s).
  await page.evaluate(() => {
    history.pushState({}, '', '?v=two');
    document.title = 'Video two - YouTube fixture';
  });
  await waitFor(
    async () =>
      (await helper.evaluate(async (id) => (await chrome.tabs.query({})).find((t) => t.id === id)?.url ?? '', tabId)).includes('v=two'),
    'the tab on ?v=two',
  );
  await page.evaluate(() => document.dispatchEvent(new CustomEvent('yt-navigate-finish')));
  await waitFor(async () => onTwo().length > 0, 'the room media on video two', 15_000);
  // Then its new source loads (20 s): the room takes that duration and keeps its timeline.
  await page.evaluate(() => {
    (document.querySelector('video') as HTMLVideoElement).src = 'media/next.webm';
  });
  await waitFor(
    async () => Math.abs((onTwo().at(-1)?.media?.duration ?? 0) - 20) < 0.5,
    "the room media with video two's duration",
    15_000,
  );
  const [first, last] = [onTwo()[0] as Timeline, onTwo().at(-1) as Timeline];
  expect(last.media).toMatchObject({ url: first.media?.url, title: 'Video two - YouTube fixture' });
  expect({ paused: last.paused, position: last.position, setAt: last.setAt }).toEqual({
    paused: first.paused,
    position: first.position,
    setAt: first.setAt,
  });
  friend.disconnect();
  await page.close();
});

test('Prime Video: the visible blob: (MSE) player is the title, not the bigger trailer beside it', async () => {
  const { page, tabId } = await open('https://www.primevideo.com/prime.html');
  await page.waitForSelector('body[data-mse="ready"]');
  const { friend } = await roomWithFriend(tabId);
  expect((await control(friend, { action: 'play', position: 10 })).ok).toBe(true);
  const read = (id: string): Promise<{ paused: boolean; position: number }> =>
    page.evaluate((which) => {
      const v = document.getElementById(which) as HTMLVideoElement;
      return { paused: v.paused, position: v.currentTime };
    }, id);
  await waitFor(
    async () => {
      const main = await read('main');
      return !main.paused && main.position > 10;
    },
    'the MSE title playing from 10 s',
    15_000,
  );
  expect(await read('trailer')).toEqual({ paused: true, position: 0 });
  friend.disconnect();
  await page.close();
});

test("Disney+: the video in the player's shadow root owns the room, titled from the player overlay", async () => {
  const { page, tabId } = await open('https://www.disneyplus.com/disney.html');
  const { friend, joined } = await roomWithFriend(tabId);
  expect(joined.room.timeline.media?.title).toBe('S1:E3 The Fixture Strikes Back');
  friend.disconnect();
  await page.close();
});

// (Live channels ignore seeks: see the unit test; the engine is not meant for live streams.)
test("Twitch: a VOD page (/videos/ID) follows the room's seek and play", async () => {
  const { page, tabId } = await open('https://www.twitch.tv/videos/123');
  const { friend } = await roomWithFriend(tabId);
  expect((await control(friend, { action: 'seek', position: 20 })).ok).toBe(true);
  expect((await control(friend, { action: 'play' })).ok).toBe(true);
  await waitFor(
    async () => {
      const s = await videoState(page);
      return !s.paused && s.position > 20;
    },
    'the VOD playing from 20 s',
    15_000,
  );
  friend.disconnect();
  await page.close();
});

test('Vimeo embed: the cross-origin player.vimeo.com iframe owns the room video', async () => {
  const { page, tabId } = await open(`${site.origin}/vimeo.html`);
  const { friend, joined } = await roomWithFriend(tabId);
  const members = trackMembers(friend, joined);
  expect((await control(friend, { action: 'play', position: 2 })).ok).toBe(true);
  const playing = () => [...members.values()].some((m) => m.id !== joined.memberId && m.status === 'playing');
  // Seen once to time out at 15 s in a full CI run (other browser suites beside it), never alone or
  // under CPU load: the wait is longer, and a timeout says what the room and the player were doing.
  await waitFor(async () => playing(), 'the Vimeo iframe playing', 30_000).catch(async (err: Error) => {
    const frame = page.frames().find((f) => f.url().startsWith('https://player.vimeo.com/'));
    const player = await frame?.evaluate(() => {
      const v = document.querySelector('video');
      return (
        v && { paused: v.paused, time: v.currentTime, readyState: v.readyState, networkState: v.networkState, error: v.error?.code ?? null }
      );
    });
    const statuses = [...members.values()].map((m) => `${m.name}: ${m.status}`).join(', ');
    throw new Error(
      `${err.message}; members ${statuses}; player ${JSON.stringify(player ?? 'no frame')}; tab ${JSON.stringify(await send('getTabState', { tabId }))}`,
    );
  });
  friend.disconnect();
  await page.close();
});
