/**
 * A Chromium member and a Firefox member in one room, on the real extension builds, through a
 * real relay behind the latency proxy (20 ms one way): rooms made and joined through the popup,
 * then each follows the other through play, pause, seek, rate change, a reload, a worker stop
 * and a relay restart, and nobody ping-pongs (each change shows up once on the other side).
 */
import { startRelay, type TestRelay } from '../support/relay';
import { memoryStoreFactory } from '../support/stores';
import type { RoomStore } from '../../relay/store/room-store';
import { click, fill, launchMember, read, waitFor, type Member, type MemberPage } from '../support/browsers';
import { startLatencyProxy, symmetric, type LatencyProxy } from '../support/latency-proxy';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { setRelayUrl } from '../support/rooms';

jest.setTimeout(60_000);

interface VideoState {
  paused: boolean;
  position: number;
  rate: number;
}
interface PlayerEvent {
  type: string;
  wall: number;
}

let relay: TestRelay;
/** Outlives relay restarts, as Redis would. */
let store: { store: RoomStore; cleanup(): Promise<void> };
let proxy: LatencyProxy;
let site: FixtureServer;
let chrome: Member;
let firefox: Member;
let chromeTab: { page: MemberPage; tabId: number };
let firefoxTab: { page: MemberPage; tabId: number };

const state = (page: MemberPage): Promise<VideoState> =>
  page.run(
    `(() => { const v = document.getElementById('player'); return { paused: v.paused, position: v.currentTime, rate: v.playbackRate }; })()`,
  );
const events = (page: MemberPage): Promise<PlayerEvent[]> => page.run('window.lockstepRecorder.take().events');
const act = (page: MemberPage, js: string): Promise<unknown> =>
  page.run(`(() => { const v = document.getElementById('player'); ${js} })()`);

/** Waits until both players satisfy `check`, then returns their states (named in the error if not). */
async function both(what: string, check: (s: VideoState) => boolean, timeoutMs = 10_000): Promise<[VideoState, VideoState]> {
  let last: [VideoState, VideoState] | null = null;
  try {
    await waitFor(
      async () => {
        last = [await state(chromeTab.page), await state(firefoxTab.page)];
        return last.every(check);
      },
      what,
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen chromium ${JSON.stringify(last?.[0])}, firefox ${JSON.stringify(last?.[1])}`, {
      cause: err,
    });
  }
  return last as unknown as [VideoState, VideoState];
}

/** Positions compared at (nearly) one instant: read both, then correct for the read gap. */
async function gapMs(): Promise<number> {
  const [a, b] = await Promise.all([state(chromeTab.page), state(firefoxTab.page)]);
  return Math.abs(a.position - b.position) * 1000;
}

/** Connected members in the tab's room as its background sees them (0 while it cannot answer). */
async function membersSeen(member: Member, tabId: number): Promise<number> {
  const res = await member.send('getTabState', { tabId }).catch(() => null);
  if (res === null) return 0;
  return res.ok && res.data.room ? res.data.room.members.filter((m) => m.connected).length : 0;
}

beforeAll(async () => {
  store = await memoryStoreFactory.create();
  relay = await startRelay({ store: store.store });
  proxy = await startLatencyProxy(relay.port, symmetric(20));
  site = await startFixtureServer();
  [chrome, firefox] = await Promise.all([launchMember('chromium', 'chromium'), launchMember('firefox', 'firefox')]);
  chromeTab = await chrome.openTab(`${site.origin}/bench/recorder.html?src=/media/main.webm&who=chromium`);
  firefoxTab = await firefox.openTab(`${site.origin}/bench/recorder.html?src=/media/main.webm&who=firefox`);
  await setRelayUrl(chrome, proxy.url);
  await setRelayUrl(firefox, proxy.url);
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  await firefox?.close();
  await site?.close();
  await proxy?.close();
  await relay?.close();
  await store?.cleanup();
});

test('Chromium creates a room in the popup and Firefox joins it with the invite link', async () => {
  const popup = await chrome.extensionPage(`popup.html?tab=${chromeTab.tabId}`);
  await waitFor(async () => (await read(popup, 'Invite link or room code')) !== null, 'the Chromium popup');
  await click(popup, 'Create room');
  let invite: string | null = null;
  await waitFor(async () => (invite = await read(popup, 'Invite link')) !== null && invite !== '', 'an invite link');
  const joiner = await firefox.extensionPage(`popup.html?tab=${firefoxTab.tabId}`);
  await waitFor(async () => (await read(joiner, 'Invite link or room code')) !== null, 'the Firefox popup');
  await fill(joiner, 'Invite link or room code', invite ?? '');
  await click(joiner, 'Join room');
  await waitFor(async () => (await membersSeen(chrome, chromeTab.tabId)) === 2, 'two members seen from Chromium');
  await waitFor(async () => (await membersSeen(firefox, firefoxTab.tabId)) === 2, 'two members seen from Firefox');
  await popup.close();
  await joiner.close();
  await events(chromeTab.page);
  await events(firefoxTab.page);
});

test('Firefox plays, Chromium follows; then they stay within 100 ms', async () => {
  await act(firefoxTab.page, 'return v.play().then(() => null, (err) => String(err));');
  await both('both playing', (s) => !s.paused && s.position > 0.5);
  await waitFor(async () => (await gapMs()) < 100, 'positions within 100 ms', 10_000);
});

test('Chromium pauses, Firefox pauses at the same frame', async () => {
  await act(chromeTab.page, 'v.pause();');
  await both('both paused', (s) => s.paused);
  await waitFor(async () => (await gapMs()) < 100, 'paused positions within 100 ms');
});

test('Firefox seeks while paused, Chromium lands on the same position', async () => {
  await act(firefoxTab.page, 'v.currentTime = 42;');
  await both('both at 42 s', (s) => s.paused && Math.abs(s.position - 42) < 0.1);
});

test('Chromium plays at 1.5x, Firefox follows the rate', async () => {
  await act(chromeTab.page, 'v.playbackRate = 1.5; return v.play().then(() => null, (err) => String(err));');
  await both('both playing at 1.5x', (s) => !s.paused && Math.abs(s.rate - 1.5) < 0.15);
  await waitFor(async () => (await gapMs()) < 150, 'positions within 150 ms at 1.5x');
  await act(chromeTab.page, 'v.playbackRate = 1;');
  await both('both back to 1x', (s) => Math.abs(s.rate - 1) < 0.1);
});

test('nobody ping-pongs: a pause shows up once on each side and stays', async () => {
  await events(chromeTab.page);
  await events(firefoxTab.page);
  await act(firefoxTab.page, 'v.pause();');
  await both('both paused', (s) => s.paused);
  // Long enough for any echo to come back around twice at 20 ms + 20 ms.
  await new Promise((done) => setTimeout(done, 2000));
  for (const page of [chromeTab.page, firefoxTab.page]) {
    const kinds = (await events(page)).map((e) => e.type).filter((t) => t === 'play' || t === 'pause');
    expect(kinds).toEqual(['pause']);
  }
  const [a, b] = await both('still paused', (s) => s.paused);
  expect(Math.abs(a.position - b.position)).toBeLessThan(0.1);
});

test('Firefox reloads its page and follows the room again', async () => {
  await firefoxTab.page.reload();
  await act(chromeTab.page, 'return v.play().then(() => null, (err) => String(err));');
  await both('both playing after the reload', (s) => !s.paused, 15_000);
  await waitFor(async () => (await gapMs()) < 100, 'positions within 100 ms after the reload', 15_000);
});

test('the relay restarts on the same port; both come back and follow each other', async () => {
  const port = relay.port;
  await relay.close();
  relay = await startRelay({ port, store: store.store });
  // Both sockets on the new relay (the tab states alone may still show the room from before).
  await waitFor(async () => (await relay.io.fetchSockets()).length >= 2, 'both members reconnected', 20_000).catch(async (err: Error) => {
    const views = await Promise.all([
      chrome.send('getTabState', { tabId: chromeTab.tabId }),
      firefox.send('getTabState', { tabId: firefoxTab.tabId }),
    ]);
    throw new Error(`${err.message}; ${JSON.stringify(views.map((v) => (v.ok ? v.data.connection : v)))}`, { cause: err });
  });
  await waitFor(async () => (await membersSeen(chrome, chromeTab.tabId)) === 2, 'Chromium back in the room');
  await waitFor(async () => (await membersSeen(firefox, firefoxTab.tabId)) === 2, 'Firefox back in the room');
  await act(firefoxTab.page, 'v.pause();');
  await both('both paused after the restart', (s) => s.paused);
  await waitFor(async () => (await gapMs()) < 100, 'paused positions within 100 ms after the restart');
});

test('both backgrounds are stopped (worker and event page); the room carries on', async () => {
  await act(chromeTab.page, 'return v.play().then(() => null, (err) => String(err));');
  await both('both playing', (s) => !s.paused);
  const before = new Set((await relay.io.fetchSockets()).map((socket) => socket.id));
  await Promise.all([chrome.restartBackground(), firefox.restartBackground()]);
  // The woken backgrounds rebuild their relay connections from storage.session. (A user action
  // made while that is under way was lost in some runs: reported in STATUS.md.)
  await waitFor(
    async () => {
      const ids = (await relay.io.fetchSockets()).map((socket) => socket.id);
      return ids.filter((id) => !before.has(id)).length === 2;
    },
    'two new relay connections',
    20_000,
  );
  await waitFor(async () => (await membersSeen(chrome, chromeTab.tabId)) === 2, 'Chromium back in the room');
  await waitFor(async () => (await membersSeen(firefox, firefoxTab.tabId)) === 2, 'Firefox back in the room');
  await both('both still playing', (s) => !s.paused);
  await act(firefoxTab.page, 'v.pause();');
  await both('both paused after the backgrounds restarted', (s) => s.paused);
  await waitFor(async () => (await gapMs()) < 100, 'paused positions within 100 ms after the restart');
  await act(chromeTab.page, 'v.currentTime = 20;');
  await both('both at 20 s', (s) => s.paused && Math.abs(s.position - 20) < 0.1);
});
