/**
 * A hostile page against Lockstep's prompt, in Chromium (Ana) and Firefox (Cleo) with the built
 * extension: test/fixtures/hostile-prompt.html, served as www.netflix.com so the Netflix adapter
 * and its MAIN-world bridge run there too. The page puts an invite to a room on ITS relay in its
 * own address and reloads, then keeps trying to read and answer the prompt (synthetic clicks,
 * dispatchEvent, focus + Enter, shadow roots and the DOM walked for the prompt's words and the
 * room code), posts messages shaped like the extension's and forges the bridge's CustomEvents.
 * It must get nothing: no join, no connection to its relay, no navigation, no player call, no
 * word of the prompt. Then the real person's path: a real click on Join in the extension's frame
 * joins; the room moves to another site, the page tries to press Go, nothing opens; Stay keeps
 * the page. In Chromium, a decoy the page draws over the prompt (clickjacking) puts its buttons to
 * sleep until it is gone. One set of browsers for the file.
 */
import { PROTOCOL_VERSION } from '../../relay/contract/protocol';
import { launchChromiumMember, launchFirefoxMember, waitFor, type HostRoutes, type Member, type MemberPage } from '../support/browsers';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { answer, noPrompt, promptShowing } from '../support/prompt';
import { connectClient, startRelay, type TestClient, type TestRelay } from '../support/relay';
import { setRelayUrl, tabState } from '../support/rooms';

jest.setTimeout(120_000);

let relay: TestRelay;
let evil: TestRelay;
let site: FixtureServer;
let ana: Member;
let cleo: Member;
const clients: TestClient[] = [];

beforeAll(async () => {
  [relay, evil, site] = await Promise.all([startRelay(), startRelay(), startFixtureServer()]);
  const routes: HostRoutes = { hosts: ['www.netflix.com'], origin: site.origin };
  [ana, cleo] = await Promise.all([launchChromiumMember('ana', undefined, routes), launchFirefoxMember('cleo', {}, routes)]);
  await Promise.all([ana, cleo].map((m) => setRelayUrl(m, relay.url)));
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all([ana?.close(), cleo?.close()]);
  await Promise.all([site?.close(), relay?.close(), evil?.close()]);
});

type Attempts = {
  loads: number;
  rounds: number;
  reads: string[];
  html: string;
  extensionUrls: string[];
  frames: number;
  clicks: number;
  keys: number;
  messages: number;
  bridgeEvents: number;
  heard: string[];
  playerCalls: string[];
  sawCode: boolean;
};

const attempts = (page: MemberPage): Promise<Attempts> => page.run<Attempts>('window.attempts');

/** The page's tries for a few rounds more (it attacks five times a second). */
async function letItTry(page: MemberPage, rounds: number): Promise<void> {
  const from = (await attempts(page)).rounds;
  await waitFor(async () => (await attempts(page)).rounds >= from + rounds, `${rounds} more rounds of attacks`, 20_000);
}

/** A room on the attacker's relay, its host a plain socket.io client. */
async function evilRoom(): Promise<{ host: TestClient; code: string }> {
  const host = await connectClient(evil.url);
  clients.push(host);
  const created = await host.emitWithAck('room:create', {
    protocol: PROTOCOL_VERSION,
    profile: { name: 'Mallory', color: '#e6194b' },
    settings: { controlMode: 'everyone', waitPolicy: 'wait', navigationPolicy: 'follow' },
  });
  if (!created.ok) throw new Error(`room:create failed: ${created.error}`);
  return { host, code: created.data.room.code };
}

describe.each([
  ['Chromium', () => ana],
  ['Firefox', () => cleo],
])('%s', (_browser, member) => {
  test('the page lands an invite to its room, and every trick to answer or read the prompt fails; a real click on Join still works', async () => {
    const m = member();
    const { host, code } = await evilRoom();
    const grouped = code.match(/.{1,4}/g)!.join('-');
    const joinedRoom: string[] = [];
    host.on('member:joined', (joined) => joinedRoom.push(joined.name));
    const socketsBefore = evil.io.of('/').sockets.size;
    const url = `https://www.netflix.com/hostile-prompt.html?code=${code}&relay=${encodeURIComponent(evil.url)}&who=${m.name}`;
    const { page, tabId } = await m.openTab(url);
    await waitFor(async () => (await page.run<number>('window.attempts?.loads ?? 0')) >= 2, 'the page reloaded with the invite', 20_000);

    // The extension asks, in its own frame, naming the page's relay and room...
    const asked = await promptShowing(page, /another relay/, 'the prompt');
    expect(asked.text).toContain(evil.url);
    expect(asked.text).toContain(grouped);
    // ...while the page tries everything, for a good while (the prompt's buttons arm after half a second).
    await letItTry(page, 15);
    const got = await attempts(page);

    // It tried: clicks, keys, messages and bridge events, round after round.
    expect({ clicks: got.clicks > 100, keys: got.keys > 300, messages: got.messages > 50, bridge: got.bridgeEvents > 200 }).toEqual({
      clicks: true,
      keys: true,
      messages: true,
      bridge: true,
    });
    // No join: the tab is in no room, nobody joined the attacker's, and nothing more connected to its relay.
    expect((await tabState(m, tabId)).room).toBeNull();
    expect(joinedRoom).toEqual([]);
    expect(evil.io.of('/').sockets.size).toBeLessThanOrEqual(socketsBefore);
    // No navigation: the page is where it put itself (two loads: its own and its reload), the invite gone from its address.
    expect(got.loads).toBe(2);
    expect(await page.run<string>('location.pathname + location.search + location.hash')).toBe(
      `/hostile-prompt.html?code=${code}&relay=${encodeURIComponent(evil.url)}&who=${m.name}`,
    );
    // Nothing readable: no word of the prompt, no room code, not even the extension's address.
    expect(got.sawCode).toBe(false);
    expect(got.reads.filter((r) => /another relay|Join|Cancel|Lockstep|Relay:/.test(r))).toEqual([]);
    expect(got.html).not.toContain(code);
    expect(got.html).not.toContain(grouped);
    expect(got.html).not.toMatch(/extension:\/\//);
    expect(got.extensionUrls).toEqual([]);
    // The bridge: the page heard none of it and its forged commands (seeks, "navigate", "join") reached no player.
    expect(got.heard).toEqual([]);
    expect(got.playerCalls).toEqual([]);
    // The prompt is still asking: nothing the page did answered it.
    expect((await promptShowing(page, /another relay/, 'the prompt, still')).text).toContain(grouped);

    // The person's own click in the extension's frame joins the room on that relay.
    await answer(asked.frame, 'Join');
    await waitFor(async () => (await tabState(m, tabId)).room?.code === code, 'in the room on the relay the person agreed to', 20_000);
    expect((await tabState(m, tabId)).connection.relayUrl).toBe(evil.url);

    // The room moves to a video on another site: asked about (whatever the room's policy), and the page cannot press Go.
    const moved = await host.emitWithAck('playback:control', {
      action: 'media',
      media: { url: 'https://evil.example/watch?v=1', title: 'Episode 2 on www.netflix.com', duration: 60 },
    });
    expect(moved.ok).toBe(true);
    const follow = await promptShowing(page, /the room moved on/, 'the follow prompt');
    expect(follow.text).toContain('On evil.example');
    await letItTry(page, 10);
    expect(await page.run<string>('location.host')).toBe('www.netflix.com');
    expect((await attempts(page)).reads.filter((r) => /moved on|evil\.example|Go|Stay/.test(r))).toEqual([]);
    await answer(follow.frame, 'Stay');
    await waitFor(() => noPrompt(page), 'the prompt gone');
    expect(await page.run<string>('location.host')).toBe('www.netflix.com');
    expect((await tabState(m, tabId)).room?.code).toBe(code);
    await page.close();
  });
});

test("Chromium: while the page covers the prompt with a decoy (clickjacking), the prompt's buttons sleep", async () => {
  const { code } = await evilRoom();
  const url = `https://www.netflix.com/hostile-prompt.html?code=${code}&relay=${encodeURIComponent(evil.url)}&quiet`;
  const { page, tabId } = await ana.openTab(url);
  const { frame } = await promptShowing(page, /another relay/, 'the prompt');
  const awake = (): Promise<boolean> => frame.run<boolean>(`!document.getElementById('accept').disabled`);
  await waitFor(awake, 'Join awake');
  await page.run('window.cover()');
  await waitFor(async () => !(await awake()), 'Join asleep under the decoy', 10_000);
  // Asleep means disabled: a click the decoy steered there does nothing (the browser's automation will not even try).
  expect(await frame.run<boolean>(`document.getElementById('decline').disabled`)).toBe(true);
  expect((await tabState(ana, tabId)).room).toBeNull();
  await page.run('window.uncover()');
  await waitFor(awake, 'Join awake again', 10_000);
  await answer(frame, 'Cancel');
  await waitFor(() => noPrompt(page), 'the prompt gone');
  expect((await tabState(ana, tabId)).room).toBeNull();
  await page.close();
});
