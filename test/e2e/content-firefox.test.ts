/**
 * The content script in real Firefox (ESR, over WebDriver BiDi, the built dist/firefox): the
 * cross-origin player iframe owns the room video; the Netflix MAIN-world script works there too
 * (www.netflix.com resolved to 127.0.0.1 by network.dns.localDomains). The other member is a
 * socket.io client on the relay. (The event page kept awake by the owner frame's messages past
 * Firefox's 30 s idle timeout: test/e2e/firefox-idle.test.ts.)
 */
import {
  PROTOCOL_VERSION,
  type ControlRequest,
  type JoinedRoom,
  type Member as RoomMember,
  type Result,
  type Timeline,
} from '../../relay/contract/protocol';
import { launchFirefoxMember, waitFor, type Member, type MemberPage } from '../support/browsers';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { connectClient, startRelay, type TestClient, type TestRelay } from '../support/relay';
import { setRelayUrl, waitForVideo } from '../support/rooms';

jest.setTimeout(90_000);

let relay: TestRelay;
let site: FixtureServer;
let firefox: Member;

beforeAll(async () => {
  relay = await startRelay();
  site = await startFixtureServer();
  firefox = await launchFirefoxMember('firefox', {
    prefs: { 'network.dns.localDomains': 'www.netflix.com' },
  });
  await setRelayUrl(firefox, relay.url);
}, 60_000);

afterAll(async () => {
  await firefox?.close();
  await site?.close();
  await relay?.close();
});

async function roomWithFriend(
  tabId: number,
  member: Member = firefox,
): Promise<{ friend: TestClient; members: Map<string, RoomMember>; you: string }> {
  await waitForVideo(member, tabId);
  const created = await member.send('createRoom', { tabId, settings: { controlMode: 'everyone', waitPolicy: 'continue' }, private: false });
  if (!created.ok || created.data.room === null) throw new Error(`createRoom: ${created.ok ? 'no room' : created.message}`);
  const friend = await connectClient(relay.url);
  const joined = await new Promise<Result<JoinedRoom>>((done) =>
    friend.emit('room:join', { protocol: PROTOCOL_VERSION, code: created.data.room?.code ?? '', profile: { name: 'friend' } }, done),
  );
  if (!joined.ok) throw new Error(`join: ${joined.error}`);
  const members = new Map(joined.data.room.members.map((m) => [m.id, m]));
  friend.on('member:updated', (m) => members.set(m.id, m));
  return { friend, members, you: joined.data.memberId };
}

function control(friend: TestClient, req: ControlRequest): Promise<Result<Timeline>> {
  return new Promise((done) => friend.emit('playback:control', req, done));
}

const videoState = (page: MemberPage): Promise<{ paused: boolean; position: number; error: string | null }> =>
  page.run(
    '(() => { const v = document.querySelector("video"); return { paused: v.paused, position: v.currentTime, error: document.body.dataset.error ?? null }; })()',
  );

test('Crunchyroll-like page: the cross-origin player iframe owns the room video', async () => {
  const { page, tabId } = await firefox.openTab(`${site.origin}/crunchyroll.html?player=${encodeURIComponent(site.crossOrigin)}`);
  const { friend, members, you } = await roomWithFriend(tabId);
  expect((await control(friend, { action: 'play', position: 3 })).ok).toBe(true);
  await waitFor(
    async () => [...members.values()].some((m) => m.id !== you && m.status === 'playing'),
    'the iframe video playing in the room',
    20_000,
  );
  friend.disconnect();
  await page.close();
});

test('Netflix-like page: seek and play go through the MAIN-world player API (no M7375)', async () => {
  const { page, tabId } = await firefox.openTab(`http://www.netflix.com:${new URL(site.origin).port}/netflix.html`);
  const { friend } = await roomWithFriend(tabId);
  expect((await control(friend, { action: 'seek', position: 30 })).ok).toBe(true);
  await waitFor(async () => Math.abs((await videoState(page)).position - 30) < 0.2, 'the page at 30 s', 15_000);
  expect((await control(friend, { action: 'play' })).ok).toBe(true);
  await waitFor(
    async () => {
      const s = await videoState(page);
      return !s.paused && s.position > 30.5;
    },
    'the page playing',
    15_000,
  );
  expect((await videoState(page)).error).toBeNull();
  friend.disconnect();
  await page.close();
});
