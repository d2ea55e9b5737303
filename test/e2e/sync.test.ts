/**
 * Two Chromium profiles in one room keep their videos together through what breaks connections:
 * a rate change, a member reloading the page, the browser stopping the background worker, and a
 * 20 s relay outage. The relay counts every control it receives, so a ping-pong would show.
 */
import { launchChromiumMember, waitFor, type Member, type MemberPage } from '../support/browsers';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { startRelay, type TestRelay } from '../support/relay';
import { createRoom, joinRoom, setRelayUrl, tabState, waitForMembers, waitForVideo } from '../support/rooms';
import { memoryStoreFactory } from '../support/stores';
import type { RoomStore } from '../../relay/store/room-store';

jest.setTimeout(120_000);

interface VideoState {
  paused: boolean;
  position: number;
  rate: number;
}

let relay: TestRelay;
let store: RoomStore;
let dropStore: () => Promise<void>;
let site: FixtureServer;
let ana: Member;
let bo: Member;
let anaTab: { page: MemberPage; tabId: number };
let boTab: { page: MemberPage; tabId: number };
const controls: string[] = [];

const read = (page: MemberPage): Promise<VideoState> =>
  page.run(
    `(() => { const v = document.querySelector('video'); return { paused: v.paused, position: v.currentTime, rate: v.playbackRate }; })()`,
  );
/**
 * Runs `js` with `v` the page's video, as a user would act on it. A user's play() may reject
 * (AbortError): the engine pauses the player it just saw start so that it starts in step with the
 * room at the scheduled time. What the players do next is what the tests check.
 */
const act = (page: MemberPage, js: string): Promise<unknown> => page.run(`(() => { const v = document.querySelector('video'); ${js} })()`);

/** Counts the playback controls the relay receives, across relay restarts. */
function countControls(r: TestRelay): void {
  r.io.on('connection', (socket) =>
    socket.onAny((event: string, req: { action?: string }) => {
      if (event === 'playback:control') controls.push(req.action ?? '?');
    }),
  );
}

/** A relay over `store`, which outlives it (as Redis would outlive a relay process). */
async function launchRelay(port?: number): Promise<TestRelay> {
  const r = await startRelay({ store, ...(port === undefined ? {} : { port }) });
  countControls(r);
  return r;
}

/** Waits until both players are in the same state and within `toleranceS` of each other. */
async function inStep(
  what: string,
  check: (s: VideoState) => boolean,
  toleranceS = 0.1,
  timeoutMs = 15_000,
): Promise<[VideoState, VideoState]> {
  let last: [VideoState, VideoState] | null = null;
  try {
    await waitFor(
      async () => {
        last = await Promise.all([read(anaTab.page), read(boTab.page)]);
        const [a, b] = last;
        return check(a) && check(b) && a.paused === b.paused && Math.abs(a.position - b.position) < toleranceS;
      },
      what,
      timeoutMs,
    );
  } catch (err) {
    const states = await Promise.all([tabState(ana, anaTab.tabId), tabState(bo, boTab.tabId)]);
    throw new Error(
      `${String(err)}\nplayers: ${JSON.stringify(last)}\nconnections: ${JSON.stringify(states.map((s) => [s.connection, s.room?.timeline, s.lastError]))}`,
      { cause: err },
    );
  }
  return last as unknown as [VideoState, VideoState];
}

/** Waits until the member's tab is connected to the relay again, with the tab state in the error. */
async function reconnected(member: Member, tabId: number): Promise<void> {
  try {
    await waitFor(async () => (await tabState(member, tabId)).connection.status === 'connected', `${member.name} reconnected`, 30_000);
  } catch (err) {
    const s = await tabState(member, tabId);
    throw new Error(
      `${String(err)}\nconnection: ${JSON.stringify(s.connection)} room: ${s.room?.code ?? 'none'} error: ${JSON.stringify(s.lastError)}`,
      { cause: err },
    );
  }
}

beforeAll(async () => {
  ({ store, cleanup: dropStore } = await memoryStoreFactory.create());
  relay = await launchRelay();
  site = await startFixtureServer();
  [ana, bo] = await Promise.all([launchChromiumMember('ana'), launchChromiumMember('bo')]);
  await Promise.all([setRelayUrl(ana, relay.url), setRelayUrl(bo, relay.url)]);
  anaTab = await ana.openTab(`${site.origin}/plain.html`);
  await waitForVideo(ana, anaTab.tabId);
  const code = await createRoom(ana, anaTab.tabId);
  boTab = await bo.openTab(`${site.origin}/plain.html`);
  await waitForVideo(bo, boTab.tabId);
  await joinRoom(bo, boTab.tabId, code);
  await waitForMembers(ana, anaTab.tabId, 2);
  await act(anaTab.page, 'return v.play().then(() => null, (err) => String(err));');
  await inStep('both playing', (s) => !s.paused && s.position > 0.5);
}, 90_000);

afterAll(async () => {
  await ana?.close();
  await bo?.close();
  await site?.close();
  await relay?.close();
  await dropStore?.();
});

test('a rate change reaches the other member, and playing at 1.5x they stay together', async () => {
  await act(boTab.page, 'v.playbackRate = 1.5;');
  await inStep('both at 1.5x', (s) => !s.paused && s.rate > 1.3 && s.rate < 1.7);
  await act(anaTab.page, 'v.playbackRate = 1;');
  await inStep('both back at 1x', (s) => !s.paused && Math.abs(s.rate - 1) < 0.1);
});

test('a member reloads the page and is back on the room timeline', async () => {
  await boTab.page.reload();
  await waitFor(async () => (await tabState(bo, boTab.tabId)).video.present, 'bo sees the video again');
  await inStep('bo follows after reloading', (s) => !s.paused && s.position > 1);
  expect((await tabState(bo, boTab.tabId)).room?.members).toHaveLength(2);
});

test('the browser stops the background worker; the next change still reaches everyone', async () => {
  await bo.stopBackground();
  await act(anaTab.page, 'v.pause();');
  await inStep('both paused after the worker stopped', (s) => s.paused, 0.1, 20_000);
  await act(boTab.page, 'v.currentTime = 30;');
  await inStep("ana follows bo's seek, sent through a restarted worker", (s) => s.paused && Math.abs(s.position - 30) < 0.1, 0.1, 20_000);
  await act(anaTab.page, 'return v.play().then(() => null, (err) => String(err));');
  await inStep('both playing again', (s) => !s.paused && s.position > 30.2);
});

test('a 20 s relay outage: both keep playing, come back to the same room and follow again', async () => {
  const port = relay.port;
  const code = (await tabState(ana, anaTab.tabId)).room?.code;
  await relay.close();
  await waitFor(async () => (await tabState(ana, anaTab.tabId)).connection.status !== 'connected', 'ana notices the outage');
  await new Promise((r) => setTimeout(r, 20_000)); // the outage itself: its length is what is tested
  const during = await Promise.all([read(anaTab.page), read(boTab.page)]);
  expect(during.every((s) => !s.paused)).toBe(true); // nobody stopped the video meanwhile
  relay = await launchRelay(port);
  await Promise.all([reconnected(ana, anaTab.tabId), reconnected(bo, boTab.tabId)]);
  expect((await tabState(bo, boTab.tabId)).room?.code).toBe(code);
  await act(boTab.page, 'v.pause();');
  await inStep("ana follows bo's pause after the outage", (s) => s.paused);
});

test('nobody ping-pongs: each user action reached the relay once', () => {
  // User actions in this file: 2 rate changes, pause, seek, play, pause (plus the first play);
  // the engine's own corrections must never come back as controls.
  expect(controls.length).toBeLessThanOrEqual(8);
  expect(controls.filter((a) => a === 'rate')).toHaveLength(2);
});
