/**
 * Firefox stops an idle event page (30 s without extension events, even with an open WebSocket:
 * measured, see README "Firefox notes"). Once the clock estimate is good the content script pings
 * only every 20 s (extension/core/cadence.ts), and its messages (pings, and a keepAlive when
 * nothing else went for 10 s) are what keep the event page, and so the room connection, alive.
 * This test runs with Firefox's real timeout: it waits for the pings to back off, then sits in a
 * paused room for longer than an idle timeout and a ping gap. Waiting is the point here (the behaviour under test
 * is what happens when nothing does); everything else is awaited as events.
 */
import { PROTOCOL_VERSION } from '../../relay/contract/protocol';
import { CADENCE } from '../../extension/core/cadence';
import { launchMember, waitFor, type Member, type MemberPage } from '../support/browsers';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { connectClient, startRelay, type TestClient, type TestRelay } from '../support/relay';
import { createRoom, setRelayUrl, waitForMembers, waitForVideo } from '../support/rooms';

/** Firefox's default (extensions.background.idle.timeout), set explicitly so the test means it. */
const IDLE_TIMEOUT_MS = 30_000;
/** Longer than one idle timeout plus a steady ping gap: a page kept awake by nothing would stop in it. */
const QUIET_MS = IDLE_TIMEOUT_MS + 15_000;

jest.setTimeout(330_000);

let relay: TestRelay;
let site: FixtureServer;
let firefox: Member;
let tab: { page: MemberPage; tabId: number };
let friend: TestClient;

/** What the relay saw of the Firefox member's connections: pings (arrival times) and disconnects. */
const seen = { connections: 0, disconnects: 0, pings: [] as number[] };

const paused = (): Promise<boolean> => tab.page.run(`document.getElementById('player').paused`);

beforeAll(async () => {
  relay = await startRelay();
  relay.io.on('connection', (socket) => {
    let member = false;
    socket.onAny((event: string) => {
      if (event === 'room:create' || event === 'room:resume') {
        if (!member) seen.connections++;
        member = true;
      }
      if (member && event === 'time:ping') seen.pings.push(Date.now());
    });
    socket.on('disconnect', () => {
      if (member) seen.disconnects++;
    });
  });
  site = await startFixtureServer();
  firefox = await launchMember('firefox', 'firefox', { prefs: { 'extensions.background.idle.timeout': IDLE_TIMEOUT_MS } });
  tab = await firefox.openTab(`${site.origin}/bench/recorder.html?src=/media/main.webm`);
  await setRelayUrl(firefox, relay.url);
  await waitForVideo(firefox, tab.tabId);
});

afterAll(async () => {
  friend?.disconnect();
  await firefox?.close();
  await site?.close();
  await relay?.close();
});

test('with rare clock pings, a paused Firefox member keeps its room connection through idle timeouts and follows a remote play', async () => {
  const code = await createRoom(firefox, tab.tabId);
  friend = await connectClient(relay.url);
  const joined = await friend.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name: 'Friend' } });
  expect(joined.ok).toBe(true);
  await waitForMembers(firefox, tab.tabId, 2);
  expect(await paused()).toBe(true);

  // The clock backs off after its connect burst and dense first two minutes: wait for a steady gap.
  const gap = (i: number): number => (seen.pings[seen.pings.length - i] ?? 0) - (seen.pings[seen.pings.length - i - 1] ?? 0);
  await waitFor(
    async () => seen.pings.length > CADENCE.clock.burstCount && gap(1) >= CADENCE.clock.steadyMs - 1000,
    'the pings to back off',
    200_000,
  );

  const pingsBefore = seen.pings.length;
  const connectionsBefore = seen.connections;
  const quietFrom = Date.now();
  // The behaviour under test: more than an idle timeout with nothing happening.
  await new Promise((done) => setTimeout(done, QUIET_MS));

  expect(seen.disconnects).toBe(0);
  expect(seen.connections).toBe(connectionsBefore);
  const quietPings = seen.pings.slice(pingsBefore);
  // Rare: one every 20 s (a retransmission's confirmation may add one), nowhere near one a second.
  expect(quietPings.length).toBeLessThanOrEqual(Math.ceil(QUIET_MS / CADENCE.clock.steadyMs) + 2);
  expect(quietPings.every((at) => at >= quietFrom)).toBe(true);

  const res = await friend.emitWithAck('playback:control', { action: 'play', position: 5 });
  expect(res.ok).toBe(true);
  await waitFor(async () => !(await paused()), 'the Firefox player to start', 5000);
  const position = await tab.page.run<number>(`document.getElementById('player').currentTime`);
  expect(position).toBeGreaterThan(4.5);
});
