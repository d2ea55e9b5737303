/**
 * Firefox stops an idle event page (30 s without extension events, even with an open WebSocket:
 * measured, see README "Firefox notes"). A member sitting in a paused room must still follow a
 * remote play afterwards. The idle timeout is shortened to 3 s here so the test runs in seconds.
 */
import { PROTOCOL_VERSION } from '../../relay/contract/protocol';
import { launchMember, waitFor, type Member, type MemberPage } from '../support/browsers';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { connectClient, startRelay, type TestClient, type TestRelay } from '../support/relay';
import { createRoom, setRelayUrl, waitForMembers, waitForVideo } from '../support/rooms';

jest.setTimeout(60_000);

const IDLE_TIMEOUT_MS = 3000;

let relay: TestRelay;
let site: FixtureServer;
let firefox: Member;
let tab: { page: MemberPage; tabId: number };
let friend: TestClient;

const paused = (): Promise<boolean> => tab.page.run(`document.getElementById('player').paused`);

beforeAll(async () => {
  relay = await startRelay();
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

test('a paused Firefox member follows a remote play after several idle timeouts', async () => {
  const code = await createRoom(firefox, tab.tabId);
  friend = await connectClient(relay.url);
  const joined = await friend.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name: 'Friend' } });
  expect(joined.ok).toBe(true);
  await waitForMembers(firefox, tab.tabId, 2);
  expect(await paused()).toBe(true);

  // Idle time is what this test is about: three idle timeouts with nothing happening.
  await new Promise((done) => setTimeout(done, 3 * IDLE_TIMEOUT_MS));

  const res = await friend.emitWithAck('playback:control', { action: 'play', position: 5 });
  expect(res.ok).toBe(true);
  await waitFor(async () => !(await paused()), 'the Firefox player to start', 10_000);
  const position = await tab.page.run<number>(`document.getElementById('player').currentTime`);
  expect(position).toBeGreaterThan(4.5);
});
