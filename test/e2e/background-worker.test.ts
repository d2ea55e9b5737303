/**
 * The background worker on its own, in Chromium with the built extension: the room survives the
 * worker being stopped (state in storage.session, resumed without user action), the popup page
 * for a tab is served with ?tab=, and closing the tab leaves the room. The other member is a
 * socket.io client on the relay.
 */
import type { Page } from 'playwright-core';
import { PROTOCOL_VERSION, type Member as RoomMember } from '../../relay/contract/protocol';
import type { PopupToBackground, TabState } from '../../extension/messages';
import { launchExtensionBrowser, type ExtensionBrowser } from '../support/extension-browser';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { connectClient, startRelay, type TestClient, type TestRelay } from '../support/relay';
import { waitFor } from '../support/firefox';
import { codecOf } from '../support/private';

jest.setTimeout(60_000);

let relay: TestRelay;
let site: FixtureServer;
let b: ExtensionBrowser;
let helper: Page;

async function send<K extends keyof PopupToBackground>(
  type: K,
  payload: PopupToBackground[K]['payload'],
): Promise<PopupToBackground[K]['response']> {
  return helper.evaluate(
    (m: { type: string; payload: unknown }) =>
      (globalThis as unknown as { chrome: { runtime: { sendMessage(x: unknown): Promise<never> } } }).chrome.runtime.sendMessage(m),
    { type, payload },
  );
}

async function state(tabId: number): Promise<TabState> {
  const r = await send('getTabState', { tabId });
  if (!r.ok) throw new Error(r.message);
  return r.data;
}

beforeAll(async () => {
  relay = await startRelay();
  site = await startFixtureServer();
  b = await launchExtensionBrowser({ relayUrl: relay.url });
  helper = await b.context.newPage();
  await helper.goto(`${b.extensionOrigin}options.html`);
});

afterAll(async () => {
  await b?.close();
  await site?.close();
  await relay?.close();
});

test('a private room (and its key) outlives the stopped worker, the popup shows it, and closing the tab leaves it', async () => {
  const page = await b.context.newPage();
  await page.goto(`${site.origin}/plain.html`);
  await page.bringToFront();
  const tabId = await b.tabIdOf(page);
  await waitFor(async () => (await state(tabId)).video.present, 'the video reported', 20_000);
  const created = await send('createRoom', { tabId, settings: { controlMode: 'everyone' } });
  if (!created.ok || created.data.room === null) throw new Error(`createRoom: ${JSON.stringify(created)}`);
  const { code, you, inviteLink } = created.data.room;
  expect(created.data.room.private).toBe(true);
  const codec = await codecOf(inviteLink);

  const friend: TestClient = await connectClient(relay.url);
  const members = new Map<string, RoomMember>();
  friend.on('member:joined', (m) => members.set(m.id, m));
  friend.on('member:updated', (m) => members.set(m.id, m));
  friend.on('member:left', ({ memberId }) => members.delete(memberId));
  const joined = await friend.emitWithAck('room:join', {
    protocol: PROTOCOL_VERSION,
    code,
    profile: await codec.profileOut({ name: 'Friend' }),
  });
  if (!joined.ok) throw new Error(joined.error);
  for (const m of joined.data.room.members) members.set(m.id, m);

  await b.stopServiceWorker();
  // A new instance: the marker stopServiceWorker() left in the old worker's globals is gone.
  expect(await (await b.serviceWorker()).evaluate(() => (globalThis as { __lockstepOld?: boolean }).__lockstepOld ?? false)).toBe(false);
  // Nothing from the user: the new worker restores the room from storage.session and resumes the seat.
  await waitFor(async () => (await state(tabId)).connection.status === 'connected', 'the restarted worker reconnected', 20_000);
  expect((await state(tabId)).room?.you).toBe(you);
  const play = await friend.emitWithAck('playback:control', { action: 'play', position: 2 });
  expect(play.ok).toBe(true);
  await waitFor(async () => page.evaluate(() => !document.querySelector('video')!.paused), "the page follows the friend's play", 15_000);

  const popup = await b.openPopup(tabId);
  // The invite link (holding the code) sits in a read-only field, so look at field values too.
  const shown = (): Promise<string> =>
    popup.evaluate(() =>
      [document.body.innerText, ...[...document.querySelectorAll('input, output')].map((el) => (el as HTMLInputElement).value)].join(' '),
    );
  await waitFor(async () => (await shown()).includes(code), 'the popup shows the room code', 10_000);
  // The restarted worker still holds the room key: a new name, sealed, opens in its popup.
  const renamed = await friend.emitWithAck('member:profile', await codec.profileOut({ name: 'Friend Renamed' }));
  expect(renamed.ok).toBe(true);
  await waitFor(async () => (await shown()).includes('Friend Renamed'), "the popup shows the friend's new name, opened", 10_000);
  expect(await popup.evaluate(() => document.getElementById('room-lock')?.hidden)).toBe(false);
  await popup.close();

  await page.close();
  await waitFor(async () => !members.has(you), 'the member left when its tab closed', 10_000);
  friend.disconnect();
});
