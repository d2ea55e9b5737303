/**
 * Invite links that cannot be honoured, opened in a real Chromium with the built extension: an
 * unknown room and a full room. The page still loads the video (the invite leaves its URL); the
 * tab's prompt (an extension page at the top of the tab, out of the page's reach) asks to join, and
 * once the person clicks Join says why joining failed, and the popup for that tab says it too, in
 * words, while offering to create or join instead. An invite to a room on another relay than the one
 * in the options is asked about as such, and joined only after the person agrees there.
 */
import { mkdirSync } from 'node:fs';
import { formatInvite } from '../../extension/invite';
import { PROTOCOL_VERSION } from '../../relay/contract/protocol';
import { connectClient, startRelay, type TestClient, type TestRelay } from '../support/relay';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { launchChromiumMember, waitFor, type Member, type MemberPage } from '../support/browsers';
import { setRelayUrl, tabState } from '../support/rooms';
import { answer, noPrompt, promptShowing } from '../support/prompt';

jest.setTimeout(60_000);

let relay: TestRelay;
let site: FixtureServer;
let eve: Member;
const clients: TestClient[] = [];

beforeAll(async () => {
  // Two seats a room, so two relay clients fill one.
  [relay, site] = await Promise.all([startRelay({ config: { MAX_MEMBERS: 2 } }), startFixtureServer()]);
  eve = await launchChromiumMember('eve');
  await setRelayUrl(eve, relay.url);
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await eve?.close();
  await Promise.all([relay?.close(), site?.close()]);
});

/** The popup's visible alert, or null. */
function popupAlert(popup: MemberPage): Promise<string | null> {
  return popup.run<string | null>(
    `(() => { const a = document.getElementById('error'); return a && !a.hidden ? a.textContent : null; })()`,
  );
}

async function openInvite(code: string, tag: string): Promise<{ page: MemberPage; tabId: number; popup: MemberPage }> {
  const tab = await eve.openTab(formatInvite(`${site.origin}/plain.html?${tag}`, code, relay.url));
  expect(await tab.page.run<string>('location.href')).toBe(`${site.origin}/plain.html?${tag}`);
  const popup = await eve.extensionPage(`popup.html?tab=${tab.tabId}`);
  return { ...tab, popup };
}

test('an invite to a room that does not exist says so in the page and in the popup', async () => {
  const { page, popup, tabId } = await openInvite('00000000000000', 'unknown');
  const asked = await promptShowing(page, /join this room\?/, 'the invite asked about');
  expect(asked.text).toContain('0000-0000-0000-00');
  expect((await tabState(eve, tabId)).room).toBeNull(); // nothing joined before the click
  await answer(asked.frame, 'Join');
  const told = await promptShowing(page, /does not exist/, 'the notice in the prompt');
  expect(told.text).toMatch(/could not join the room/);
  await waitFor(async () => /does not exist/.test((await popupAlert(popup)) ?? ''), 'the popup alert', 20_000);
  expect(await popupAlert(popup)).toBe(
    'That room does not exist any more (rooms end 10 minutes after everyone leaves). Ask for a new invite.',
  );
  // Still usable: the lobby with both ways in.
  const buttons = await popup.run<string[]>(
    `[...document.querySelectorAll('button')].filter((b) => !b.closest('[hidden]')).map((b) => b.textContent.trim())`,
  );
  expect(buttons).toEqual(expect.arrayContaining(['Join room']));
  mkdirSync('/tmp/lockstep-popup-shots', { recursive: true });
  await popup.screenshot('/tmp/lockstep-popup-shots/invite-unknown-room.png');
  await popup.close();
  await page.close();
});

test('an invite to a full room says the room is full, in the page and in the popup', async () => {
  const profile = (name: string): { name: string; color: string } => ({ name, color: '#3cb44b' });
  const host = await connectClient(relay.url);
  const guest = await connectClient(relay.url);
  clients.push(host, guest);
  const created = await host.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: profile('Cy') });
  if (!created.ok) throw new Error(`room:create failed: ${created.error}`);
  const joined = await guest.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: created.data.room.code, profile: profile('Di') });
  expect(joined.ok).toBe(true);
  const { page, popup } = await openInvite(created.data.room.code, 'full');
  await answer((await promptShowing(page, /join this room\?/, 'the invite asked about')).frame, 'Join');
  await promptShowing(page, /full/, 'the notice in the prompt');
  await waitFor(async () => (await popupAlert(popup)) === 'That room is full.', 'the popup alert', 20_000);
  await popup.close();
  await page.close();
});

test('the question outlives a stopped background (the browser stops an idle worker): Join still joins', async () => {
  const host = await connectClient(relay.url);
  clients.push(host);
  const created = await host.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Gus' } });
  if (!created.ok) throw new Error(`room:create failed: ${created.error}`);
  const { page, tabId, popup } = await openInvite(created.data.room.code, 'restart');
  await popup.close();
  await promptShowing(page, /join this room\?/, 'the invite asked about');
  await eve.restartBackground();
  const again = await promptShowing(page, /join this room\?/, 'the question after the restart');
  await answer(again.frame, 'Join');
  await waitFor(async () => (await tabState(eve, tabId)).room?.code === created.data.room.code, 'eve in the room', 20_000);
  await page.close();
});

describe('an invite naming another relay than the configured one', () => {
  let other: TestRelay;
  let code: string;
  beforeAll(async () => {
    other = await startRelay();
    const host = await connectClient(other.url);
    clients.push(host);
    const created = await host.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Fay' } });
    if (!created.ok) throw new Error(`room:create failed: ${created.error}`);
    code = created.data.room.code;
  });
  afterAll(async () => {
    await other?.close();
  });

  /** Clicks a button of the prompt once it asks about the other relay. */
  async function answerRelay(page: MemberPage, button: string): Promise<void> {
    const { frame, text } = await promptShowing(page, /another relay/, 'the relay question');
    expect(text).toContain(other.url);
    mkdirSync('/tmp/lockstep-popup-shots', { recursive: true });
    await page.screenshot(`/tmp/lockstep-popup-shots/prompt-other-relay-${button}.png`);
    expect(other.io.of('/').sockets.size).toBe(1); // asked before anything connects there
    await answer(frame, button);
  }

  test('Cancel: nothing is joined and nothing connects to that relay', async () => {
    const tab = await eve.openTab(formatInvite(`${site.origin}/plain.html?cancel`, code, other.url));
    await answerRelay(tab.page, 'Cancel');
    await waitFor(() => noPrompt(tab.page), 'the prompt gone');
    expect((await tabState(eve, tab.tabId)).room).toBeNull();
    expect(other.io.of('/').sockets.size).toBe(1); // the host only
    await tab.page.close();
  });

  test('Join: the tab joins the room on that relay', async () => {
    const tab = await eve.openTab(formatInvite(`${site.origin}/plain.html?join`, code, other.url));
    await answerRelay(tab.page, 'Join');
    await waitFor(async () => (await tabState(eve, tab.tabId)).room?.code === code, 'eve in the room on the other relay', 20_000);
    expect((await tabState(eve, tab.tabId)).connection.relayUrl).toBe(other.url);
    await tab.page.close();
  });
});
