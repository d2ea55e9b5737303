/**
 * Private rooms (#15) in real browsers: Ana (Chromium) creates a private room, Cleo (Firefox) opens
 * its invite link. Their names, chat both ways in the room panel and a next-video navigation work;
 * the popup and the panel show the lock. Ben (Chromium) trying the bare room code is told the room
 * is private, and a link with another key is "This invite link is damaged". The relay only ever sees
 * sealed values (test/integration/redis/private-proof.test.ts proves that part).
 */
import { launchChromiumMember, launchFirefoxMember, waitFor, type Member, type MemberPage } from '../support/browsers';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { panelOf, say, seeLine } from '../support/panel';
import { startRelay, type TestRelay } from '../support/relay';
import { createRoom, setRelayUrl, tabState, waitForMembers, waitForVideo } from '../support/rooms';
import { answer, promptShowing } from '../support/prompt';

jest.setTimeout(120_000);

let relay: TestRelay;
let site: FixtureServer;
let ana: Member;
let ben: Member;
let cleo: Member;

beforeAll(async () => {
  [relay, site] = await Promise.all([startRelay(), startFixtureServer()]);
  [ana, ben, cleo] = await Promise.all([launchChromiumMember('ana'), launchChromiumMember('ben'), launchFirefoxMember('cleo')]);
  await Promise.all(
    [ana, ben, cleo].map(async (m) => {
      await setRelayUrl(m, relay.url);
      const saved = await m.send('setProfile', { name: m.name[0]!.toUpperCase() + m.name.slice(1) });
      if (!saved.ok) throw new Error(saved.message);
    }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([ana?.close(), ben?.close(), cleo?.close()]);
  await Promise.all([site?.close(), relay?.close()]);
});

const names = async (m: Member, tabId: number): Promise<string[]> => ((await tabState(m, tabId)).room?.members ?? []).map((x) => x.name);

test('a private room across Chromium and Firefox: invite link, names, chat, next video; a bare code and a wrong key are refused in words', async () => {
  const a = await ana.openTab(`${site.origin}/plain.html?ep=1&who=ana`);
  await waitForVideo(ana, a.tabId);
  const code = await createRoom(ana, a.tabId, { private: true });
  const room = (await tabState(ana, a.tabId)).room!;
  expect(room.private).toBe(true);
  expect(room.inviteLink).toMatch(/#lockstep=[0-9A-Z]{14}&relay=[^&]+&key=[A-Za-z0-9_-]{43}$/);
  expect(await names(ana, a.tabId)).toEqual(['Ana']);

  // Cleo opens the invite link: the fragment (with the key) leaves the address bar, she is in the room.
  const c = await cleo.openTab(room.inviteLink);
  // An opened link asks first, in the extension's prompt frame; she clicks Join there.
  const asked = await promptShowing(c.page, /join this room\?/, 'the invite asked about');
  await answer(asked.frame, 'Join');
  await waitFor(async () => (await tabState(cleo, c.tabId).catch(() => null))?.room?.code === code, 'Cleo in the room', 20_000);
  expect(await c.page.run<string>('location.hash')).toBe('');
  await waitForMembers(ana, a.tabId, 2, { following: true });
  await waitFor(async () => (await names(ana, a.tabId)).join() === 'Ana,Cleo', 'Ana sees Cleo by name');
  expect(await names(cleo, c.tabId)).toEqual(['Ana', 'Cleo']);
  expect((await tabState(cleo, c.tabId)).room?.private).toBe(true);

  // The popup shows the lock.
  const popup = await cleo.extensionPage(`popup.html?tab=${c.tabId}`);
  await waitFor(
    async () => (await popup.run<boolean | null>(`document.getElementById('room-lock')?.hidden ?? null`)) === false,
    'the lock in the popup',
  );
  await popup.close();

  // Chat both ways in the panel; the panel shows the lock.
  await Promise.all([ana.send('showPanel', { tabId: a.tabId, show: true }), cleo.send('showPanel', { tabId: c.tabId, show: true })]);
  const [pa, pc] = await Promise.all([panelOf(a.page, 'Ana'), panelOf(c.page, 'Cleo')]);
  await say(pa, 'sealed hello from Chromium');
  await seeLine(pc, 'Ana: sealed hello from Chromium', "Ana's line in Cleo's panel");
  await say(pc, 'und zurück aus Firefox 🎬');
  await seeLine(pa, 'Cleo: und zurück aus Firefox 🎬', "Cleo's line in Ana's panel");
  expect(await pc.run<boolean>(`document.getElementById('room-lock').hidden`)).toBe(false);

  // Next video: Ana opens episode 2 and takes Cleo along (the URL is sealed; equality by media key).
  await a.page.goto(`${site.origin}/plain.html?ep=2&who=ana`);
  await waitFor(async () => (await c.page.run<string>('location.search').catch(() => '')).includes('ep=2'), 'Cleo on episode 2', 20_000);
  await waitFor(
    async () => ((await tabState(cleo, c.tabId)).room?.timeline.media?.url ?? '').includes('ep=2'),
    "the room's media, opened, is episode 2",
  );

  // Ben, with the bare code: told the room is private, in the popup too.
  const b = await ben.openTab(`${site.origin}/plain.html?who=ben`);
  await waitForVideo(ben, b.tabId);
  const bare = await ben.send('joinRoom', { tabId: b.tabId, invite: code });
  expect(bare.ok).toBe(false);
  if (!bare.ok) expect(bare.message).toMatch(/^This room is private: open the invite link/);
  const benPopup: MemberPage = await ben.extensionPage(`popup.html?tab=${b.tabId}`);
  await waitFor(
    async () => /This room is private: open the invite link/.test(await benPopup.run<string>('document.body.innerText')),
    'the popup says so',
  );
  await benPopup.close();

  // Ben, with the link but another key (well-formed): the key check fails, he is not left in the room.
  const wrongKey = room.inviteLink.replace(/key=[A-Za-z0-9_-]{43}$/, `key=${'Q'.repeat(42)}A`);
  const damaged = await ben.send('joinRoom', { tabId: b.tabId, invite: wrongKey });
  expect(damaged.ok).toBe(false);
  if (!damaged.ok) expect(damaged.message).toBe('This invite link is damaged: ask for the invite link again.');
  await waitFor(async () => (await names(ana, a.tabId)).length === 2, 'still two members: the damaged join left at once');
  expect((await tabState(ben, b.tabId)).room).toBeNull();
});
