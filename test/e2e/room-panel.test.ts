/**
 * The room panel in real browsers: two Chromium members (Ana, Ben) and one Firefox member (Cleo)
 * with the built extension, a relay and the fixture pages. On the plain page, the cross-origin
 * player iframe and the YouTube-like SPA: chat both ways, a reaction floating over the others'
 * videos, "Ana paused at …" in the others' logs. Then: the panel inside a fullscreen container
 * (and what a bare fullscreen <video> leaves), surviving an SPA navigation and reloads, the
 * collapsed pill and the badge counting unread messages, refusals in words, a hostile page that
 * tries to read and drive the panel, and a late joiner seeing the room's chat history.
 * One set of browsers for the whole file.
 */
import {
  click,
  launchChromiumMember,
  launchFirefoxMember,
  waitFor,
  type HostRoutes,
  type Member,
  type MemberPage,
} from '../support/browsers';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { chatLines, panelOf, press, refusal, say, seeLine } from '../support/panel';
import { startRelay, type TestRelay } from '../support/relay';
import { createRoom, joinRoom, setRelayUrl, tabState, waitForMembers, waitForVideo } from '../support/rooms';

jest.setTimeout(90_000);

let relay: TestRelay;
let site: FixtureServer;
let ana: Member;
let ben: Member;
let cleo: Member;

type Tab = { page: MemberPage; tabId: number };

beforeAll(async () => {
  [relay, site] = await Promise.all([startRelay(), startFixtureServer()]);
  const routes: HostRoutes = { hosts: ['www.youtube.com'], origin: site.origin };
  [ana, ben, cleo] = await Promise.all([
    launchChromiumMember('ana', undefined, routes),
    launchChromiumMember('ben', undefined, routes),
    launchFirefoxMember('cleo', {}, routes),
  ]);
  const colours: Record<string, string> = { Ana: '#e6194b', Ben: '#3cb44b', Cleo: '#4363d8' };
  await Promise.all(
    [ana, ben, cleo].map(async (m) => {
      await setRelayUrl(m, relay.url);
      const name = m.name[0]!.toUpperCase() + m.name.slice(1);
      const saved = await m.send('setProfile', { name, color: colours[name]! });
      if (!saved.ok) throw new Error(saved.message);
    }),
  );
}, 90_000);

afterAll(async () => {
  await Promise.all([ana?.close(), ben?.close(), cleo?.close()]);
  await Promise.all([site?.close(), relay?.close()]);
});

let opened = 0;
/** `members` on `url` (a unique query each time), all in one room that the first creates, each with its panel shown. */
async function room(url: string, members: Member[]): Promise<Tab[]> {
  opened += 1;
  const join = url.includes('?') ? '&' : '?';
  const tabs = await Promise.all(members.map((m) => m.openTab(`${url}${join}room=${opened}&who=${m.name}`)));
  await Promise.all(members.map((m, i) => waitForVideo(m, tabs[i]!.tabId)));
  const code = await createRoom(members[0]!, tabs[0]!.tabId);
  for (const [i, m] of members.entries()) if (i > 0) await joinRoom(m, tabs[i]!.tabId, code);
  await waitForMembers(members[0]!, tabs[0]!.tabId, members.length, { following: true });
  // The first member opens the panel the way a person does: the popup's "Show room panel".
  const popup = await members[0]!.extensionPage(`popup.html?tab=${tabs[0]!.tabId}`);
  await waitFor(
    async () => (await popup.run<boolean>(`!!document.getElementById('show-panel')?.isConnected`)) === true,
    'the popup in the room',
  );
  await click(popup, 'Show room panel');
  await waitFor(
    async () => (await popup.run<string>(`document.getElementById('show-panel').getAttribute('aria-pressed')`)) === 'true',
    'pressed',
  );
  await popup.close();
  for (const [i, m] of members.entries()) if (i > 0) await m.send('showPanel', { tabId: tabs[i]!.tabId, show: true });
  return tabs;
}

async function closeAll(tabs: Tab[]): Promise<void> {
  for (const t of tabs) await t.page.close();
}

/** Runs `js` with `v` the page's video, in the top frame or in the player frame whose URL has `frame`. */
function video(tab: Tab, js: string, frame: string | null): Promise<unknown> {
  const code = `(() => { const v = document.querySelector('video'); ${js} })()`;
  return frame === null ? tab.page.run(code) : tab.page.runInFrame(frame, code);
}

/** Waits until the reactions overlay over the tab's video floats `emoji` from `who` (a float lasts 2 s). */
async function seeReaction(tab: Tab, emoji: string, who: string, what: string): Promise<void> {
  await waitFor(
    async () => {
      const overlay = await tab.page.frame('/reactions.html');
      const text = overlay === null ? '' : await overlay.run<string>('document.body.innerText').catch(() => '');
      return text.includes(emoji) && text.includes(who);
    },
    what,
    10_000,
  );
}

describe.each([
  ['the plain page', () => `${site.origin}/plain.html`, null],
  [
    'the cross-origin player iframe',
    () => `${site.origin}/crunchyroll.html?player=${encodeURIComponent(site.crossOrigin)}`,
    'crunchyroll-player.html',
  ],
  ['the YouTube-like SPA', () => 'https://www.youtube.com/youtube.html?v=one', null],
])('%s', (_name, url, playerFrame) => {
  test('chat both ways, a reaction seen by the others, and "Ana paused at …" for the others', async () => {
    const tabs = await room(url(), [ana, ben, cleo]);
    const [a, b, c] = tabs as [Tab, Tab, Tab];
    const [pa, pb, pc] = await Promise.all([panelOf(a.page, 'Ana'), panelOf(b.page, 'Ben'), panelOf(c.page, 'Cleo')]);

    await say(pa, 'Hello from Ana');
    await seeLine(pb, 'Ana: Hello from Ana', 'Ben reads Ana');
    await seeLine(pc, 'Ana: Hello from Ana', 'Cleo (Firefox) reads Ana');
    await say(pc, 'Bonjour from Firefox');
    await seeLine(pa, 'Cleo: Bonjour from Firefox', 'Ana reads Cleo');
    await seeLine(pb, 'Cleo: Bonjour from Firefox', 'Ben reads Cleo');
    await seeLine(pc, 'Cleo (you): Bonjour from Firefox', 'Cleo sees her own message once it went round');

    await press(pb, 'React 🎉');
    await Promise.all([seeReaction(a, '🎉', 'Ben', "Ben's reaction over Ana's video"), seeReaction(c, '🎉', 'Ben', "over Cleo's")]);

    await video(a, 'v.currentTime = 5; return v.play().then(() => null, (err) => String(err));', playerFrame);
    await seeLine(pb, /^Ana played from 0:0\d$/, 'Ben reads that Ana played');
    await waitFor(async () => (await video(a, 'return !v.paused && v.currentTime > 6;', playerFrame)) === true, 'Ana playing past 6 s');
    await video(a, 'v.pause();', playerFrame);
    await seeLine(pb, /^Ana paused at 0:\d\d$/, 'Ben reads that Ana paused');
    await seeLine(pc, /^Ana paused at 0:\d\d$/, 'Cleo reads that Ana paused');
    expect((await chatLines(pa)).filter((l) => /paused at/.test(l))).toEqual([expect.stringMatching(/^You paused at 0:\d\d$/)]);
    await closeAll(tabs);
  });
});

/** Where the probe point of the panel (its upper right) is drawn: over the video, inside the fullscreen container or not. */
const PROBE = `(() => {
  const fs = document.fullscreenElement;
  const hit = document.elementFromPoint(innerWidth - 150, 120);
  return { fullscreen: fs ? (fs.id || fs.tagName) : null, hit: hit ? hit.tagName : null,
    parent: hit && hit.parentElement ? (hit.parentElement.id || hit.parentElement.tagName) : null, closed: hit ? hit.shadowRoot === null : null };
})()`;
type Probe = { fullscreen: string | null; hit: string | null; parent: string | null; closed: boolean | null };

test('a fullscreen container holds the panel (Chromium and Firefox), and it works there; after fullscreen it is back; a bare fullscreen <video> leaves nothing drawn over it', async () => {
  const tabs = await room(`${site.origin}/fullscreen.html`, [ana, cleo]);
  const [a, c] = tabs as [Tab, Tab];
  await Promise.all([panelOf(a.page, 'Ana'), panelOf(c.page, 'Cleo')]);
  for (const tab of [a, c]) {
    await tab.page.click('#full'); // a real click: requestFullscreen needs a user gesture
    await waitFor(async () => (await tab.page.run<Probe>(PROBE)).fullscreen === 'player', 'the container fullscreen');
    // The panel's host (a div with a closed shadow root) is drawn there, a child of the container.
    await waitFor(async () => {
      const p = await tab.page.run<Probe>(PROBE);
      return p.hit === 'DIV' && p.parent === 'player' && p.closed === true;
    }, 'the panel inside the fullscreen container');
  }
  await say(await panelOf(c.page, 'Cleo in fullscreen'), 'typed in fullscreen');
  await seeLine(await panelOf(a.page, 'Ana in fullscreen'), 'Cleo: typed in fullscreen', 'Ana reads it, in fullscreen too');
  for (const tab of [a, c]) {
    await tab.page.run('document.exitFullscreen()');
    await waitFor(async () => {
      const p = await tab.page.run<Probe>(PROBE);
      return p.fullscreen === null && p.hit === 'DIV' && p.parent === 'HTML';
    }, 'the panel back in the page');
  }
  await seeLine(await panelOf(a.page, 'Ana after fullscreen'), 'Cleo: typed in fullscreen', 'the log kept');
  // The bare <video> fullscreen (Chromium's own button does that): the browser draws only the video.
  await a.page.click('#bare');
  await waitFor(async () => (await a.page.run<Probe>(PROBE)).fullscreen === 'main', 'the video itself fullscreen');
  expect(await a.page.run<Probe>(PROBE)).toMatchObject({ hit: 'VIDEO' });
  await a.page.run('document.exitFullscreen()');
  await closeAll(tabs);
});

test('the panel survives an SPA navigation and reloads, with its log (Chromium and Firefox)', async () => {
  const tabs = await room('https://www.youtube.com/youtube.html?v=one', [ana, ben, cleo]);
  const [a, b, c] = tabs as [Tab, Tab, Tab];
  await say(await panelOf(a.page, 'Ana'), 'before the next video');
  await seeLine(await panelOf(c.page, 'Cleo'), 'Ana: before the next video', 'Cleo reads it');
  // Ana opens video two in the SPA (pushState, same element); Ben and Cleo are taken along (a page load for them).
  await a.page.run("window.navigateTo('two')");
  await waitFor(async () => (await b.page.run<string>('location.search').catch(() => '')).includes('v=two'), 'Ben on video two', 20_000);
  await waitFor(async () => (await c.page.run<string>('location.search').catch(() => '')).includes('v=two'), 'Cleo on video two', 20_000);
  await seeLine(await panelOf(a.page, 'Ana after navigating'), 'Ana (you): before the next video', 'the same panel, its log kept');
  await seeLine(await panelOf(a.page, 'Ana'), /^You opened “/, 'Ana reads what she did');
  for (const [tab, who] of [
    [b, 'Ben'],
    [c, 'Cleo'],
  ] as const)
    await seeLine(await panelOf(tab.page, `${who} after following`), 'Ana: before the next video', `${who}'s panel back with the log`);
  await c.page.reload();
  await seeLine(await panelOf(c.page, 'Cleo after a reload'), 'Ana: before the next video', "Cleo's panel back after a reload");
  await a.page.reload();
  await seeLine(await panelOf(a.page, 'Ana after a reload'), 'Ana (you): before the next video', "Ana's panel back after a reload");
  await closeAll(tabs);
});

test('collapsed, the pill and the badge count unread messages; opening it reads them; refusals are said in words; "Hide panel" hides it', async () => {
  const tabs = await room(`${site.origin}/plain.html`, [ana, ben]);
  const [a, b] = tabs as [Tab, Tab];
  const pa = await panelOf(a.page, 'Ana');
  let pb = await panelOf(b.page, 'Ben');
  const badge = async (): Promise<string> => {
    const page = await ben.extensionPage('options.html');
    try {
      return await page.run<string>(`(globalThis.browser ?? globalThis.chrome).action.getBadgeText({ tabId: ${b.tabId} })`);
    } finally {
      await page.close();
    }
  };
  expect(await badge()).toBe('2'); // two members, nothing unread
  await press(pb, 'Collapse panel');
  await waitFor(async () => (await tabState(ben, b.tabId)).panel === 'collapsed', 'collapsed');
  for (const text of ['one', 'two', 'three']) await say(pa, text);
  pb = await panelOf(b.page, 'Ben collapsed');
  await waitFor(
    async () => (await pb.run<string>(`document.getElementById('pill-summary').textContent`)) === '2 members3 unread',
    'the pill: 3 unread',
  );
  expect(await badge()).toBe('3');
  await press(pb, 'Open room panel');
  await seeLine(pb, 'Ana: three', 'Ben reads them');
  await waitFor(async () => (await badge()) === '2', 'the badge back to the member count');

  // Refusals: a message over the limit (before it leaves), reactions over the relay's budget.
  await pb.run(
    `(() => { const m = document.getElementById('message'); m.value = 'x'.repeat(501); m.dispatchEvent(new Event('input')); })()`,
  );
  await pb.press('#message', 'Enter');
  await waitFor(async () => /at most 500 characters; this one has 501/.test((await refusal(pb)) ?? ''), 'too long, in words');
  await pb.run(`document.getElementById('message').value = ''`);
  // Pressed until the relay refuses: the budget refills by one a second, so on a slow machine ten
  // presses may all fit (each press is a round trip to the browser).
  const refused = async (): Promise<boolean> => /Too many reactions/.test((await refusal(pb)) ?? '');
  for (let i = 0; i < 40 && !(await refused()); i++) await press(pb, 'React 👍');
  await waitFor(refused, 'too many reactions, in words');

  await press(pb, 'Hide panel');
  await waitFor(async () => (await b.page.frame('/panel.html')) === null, 'the panel gone from the page');
  expect((await tabState(ben, b.tabId)).panel).toBe('hidden');
  await closeAll(tabs);
});

test('a hostile page (Chromium and Firefox) can neither read the panel nor act in it, nor keep a look-alike in its place', async () => {
  // Ana and Cleo on the hostile page, Ben (who writes the secret) on a plain one: the room is across pages.
  const tabs = await room(`${site.origin}/hostile.html`, [ana, cleo]);
  const b = await ben.openTab(`${site.origin}/plain.html?hostile=${opened}&who=ben`);
  await waitForVideo(ben, b.tabId);
  await joinRoom(ben, b.tabId, (await tabState(ana, tabs[0]!.tabId)).room?.code ?? '');
  await ben.send('showPanel', { tabId: b.tabId, show: true });
  const secret = `secret-${Math.random().toString(36).slice(2)}`;
  await say(await panelOf(b.page, 'Ben'), secret);
  for (const [tab, who] of tabs.map((t, i) => [t, i === 0 ? 'Ana' : 'Cleo'] as const)) {
    const panel = await panelOf(tab.page, `${who} on the hostile page`);
    await seeLine(panel, `Ben: ${secret}`, `the message shows in ${who}'s panel on the hostile page`);
    await press(panel, 'React 😮'); // the reactions overlay too, for the page to find if it could
  }
  await new Promise((done) => setTimeout(done, 3000)); // a dozen rounds of attacks
  for (const tab of tabs) await tab.page.run('window.navigateFrames()');
  await new Promise((done) => setTimeout(done, 2000));

  type Attempts = {
    reads: string[];
    html: string;
    extensionUrls: string[];
    errors: number;
    frames: number;
    clicks: number;
    messages: number;
    navigations: number;
  };
  for (const [tab, who] of tabs.map((t, i) => [t, i === 0 ? 'Ana' : 'Cleo'] as const)) {
    const got = await tab.page.run<Attempts>('window.attempts');
    // It tried: it clicked what is drawn where the panel is, and posted messages shaped like the extension's.
    expect({ who, clicked: got.clicks > 0, posted: got.messages > 0 }).toEqual({ who, clicked: true, posted: true });
    // And it got nothing: no text of the panel, not even the extension's address.
    expect({ who, reads: got.reads.filter((r) => r.includes(secret) || /Ben|Members|React|Hide panel|extension:\/\//.test(r)) }).toEqual({
      who,
      reads: [],
    });
    expect(got.html).not.toContain(secret);
    expect(got.html).not.toMatch(/extension:\/\//);
    expect({ who, urls: got.extensionUrls }).toEqual({ who, urls: [] });
    // Frames in a closed shadow root are not even in window.frames; where a browser lists them, navigating one away did not last.
    if (got.frames > 0) expect(got.navigations).toBeGreaterThan(0);
    await seeLine(
      await panelOf(tab.page, `${who} after the page tried to navigate the frames`),
      `Ben: ${secret}`,
      `${who}'s panel still there`,
    );
    expect((await tabState(who === 'Ana' ? ana : cleo, tab.tabId)).panel).toBe('open');
  }
  // Nothing the pages did reached the room: no message from Ana or Cleo, nothing "pwned".
  expect((await chatLines(await panelOf(b.page, 'Ben'))).filter((l) => /^(Ana|Cleo):|pwned/.test(l))).toEqual([]);
  await closeAll([...tabs, b]);
});

test('a member who joins late sees the chat so far (the relay keeps the last 50 messages)', async () => {
  const tabs = await room(`${site.origin}/plain.html`, [ana, ben]);
  const [a, b] = tabs as [Tab, Tab];
  await say(await panelOf(a.page, 'Ana'), 'said before Cleo came');
  await say(await panelOf(b.page, 'Ben'), 'and this too');
  await seeLine(await panelOf(a.page, 'Ana'), 'Ben: and this too', 'both said');
  const code = (await tabState(ana, a.tabId)).room?.code ?? '';
  const c = await cleo.openTab(`${site.origin}/plain.html?late=${opened}&who=cleo`);
  await waitForVideo(cleo, c.tabId);
  await joinRoom(cleo, c.tabId, code);
  await cleo.send('showPanel', { tabId: c.tabId, show: true });
  const pc = await panelOf(c.page, 'Cleo, late');
  await seeLine(pc, 'Ana: said before Cleo came', 'the history, oldest first');
  const lines = await chatLines(pc);
  expect(lines.indexOf('Ana: said before Cleo came')).toBeLessThan(lines.indexOf('Ben: and this too'));
  await closeAll([...tabs, c]);
});
