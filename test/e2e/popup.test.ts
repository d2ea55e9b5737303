/**
 * The user's journey through the real popup and options pages in two Chromium profiles with the
 * built extension: the relay URL set on the options page (and tested there), a room created from
 * the popup on a fixture video page, joined from the second profile by pasting the invite link,
 * both popups listing both members with their statuses, then leaving. Error paths (a bad link,
 * an unknown room, a relay that is down) must show their messages. Screenshots of each state go
 * to /tmp/lockstep-popup-shots.
 */
import { mkdirSync } from 'node:fs';
import { connectClient, startRelay, type TestRelay } from '../support/relay';
import { PROTOCOL_VERSION } from '../../relay/contract/protocol';
import { codecOf } from '../support/private';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { answer, promptShowing } from '../support/prompt';
import { click, fill, launchChromiumMember, launchFirefoxMember, read, waitFor, type Member, type MemberPage } from '../support/browsers';

jest.setTimeout(90_000);

const SHOTS = '/tmp/lockstep-popup-shots';

interface PopupView {
  alert: string | null;
  inviteError: string | null;
  connection: string;
  members: string[];
  buttons: string[];
  text: string;
}

/** What the popup shows, read by role and accessible name (self-contained: runs in the page). */
function viewOf(page: MemberPage): Promise<PopupView> {
  return page.evaluate(() => {
    const shown = (el: Element | null): el is HTMLElement => el instanceof HTMLElement && !el.closest('[hidden]');
    const label = (el: Element): string =>
      (el.getAttribute('aria-labelledby') ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ')
        .trim();
    const list = [...document.querySelectorAll('ul, ol')].find((l) => shown(l) && label(l) === 'Members');
    const alert = [...document.querySelectorAll('[role=alert]')].find(shown);
    const invite = document.getElementById('invite');
    const described = invite?.getAttribute('aria-describedby');
    const inviteError = described ? document.getElementById(described) : null;
    return {
      alert: alert ? (alert.textContent ?? '').trim() : null,
      inviteError: shown(inviteError) ? (inviteError.textContent ?? '').trim() : null,
      connection: (document.getElementById('connection')?.textContent ?? '').trim(),
      members: list ? [...list.querySelectorAll('li')].map((li) => (li.getAttribute('aria-label') ?? li.textContent ?? '').trim()) : [],
      buttons: [...document.querySelectorAll('button')]
        .filter(shown)
        .map((b) => b.getAttribute('aria-label') ?? (b.textContent ?? '').trim()),
      text: document.body.innerText,
    };
  }, null);
}

async function until(page: MemberPage, what: string, check: (v: PopupView) => boolean, timeoutMs = 20_000): Promise<PopupView> {
  let last: PopupView | null = null;
  try {
    await waitFor(async () => check((last = await viewOf(page))), what, timeoutMs);
  } catch (err) {
    throw new Error(`${(err as Error).message}; popup showed: ${JSON.stringify(last)}`, { cause: err });
  }
  return last as unknown as PopupView;
}

/** Saves a screenshot of the page's state to look at (kept out of git). */
async function shot(page: MemberPage, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot(`${SHOTS}/${name}.png`);
}

let relay: TestRelay;
let site: FixtureServer;
let ana: Member;
let bo: Member;

beforeAll(async () => {
  [relay, site] = await Promise.all([startRelay({ config: { TELEMETRY_FLUSH_MS: 200 } }), startFixtureServer()]);
  [ana, bo] = await Promise.all([launchChromiumMember('ana'), launchChromiumMember('bo')]);
});

afterAll(async () => {
  await Promise.all([ana?.close(), bo?.close()]);
  await Promise.all([relay?.close(), site?.close()]);
});

/** Sets name and relay on the options page, the way a user would, and checks what it says. */
async function configure(member: Member, name: string, relayUrl: string): Promise<void> {
  const options = await member.extensionPage('options.html');
  await waitFor(async () => ((await read(options, 'Relay URL')) ?? '') !== '', 'options loaded', 20_000);
  await fill(options, 'Display name', name);
  await fill(options, 'Relay URL', relayUrl);
  await click(options, 'Save');
  await waitFor(
    async () => (await options.run<string>(`document.getElementById('save-result').textContent`)) === 'Saved.',
    `${name}: options saved`,
    20_000,
  );
  await options.close();
}

describe('options page', () => {
  test('refuses a bad relay URL beside the field and saves nothing', async () => {
    const options = await ana.extensionPage('options.html');
    await waitFor(async () => ((await read(options, 'Relay URL')) ?? '') !== '', 'options loaded', 20_000);
    const before = await read(options, 'Relay URL');
    const errors = (): Promise<string[]> =>
      options.run(`[...document.querySelectorAll('.field-error')].filter((e) => !e.hidden).map((e) => e.textContent)`);
    await fill(options, 'Relay URL', 'relay.example.com');
    expect(await errors()).toEqual([expect.stringMatching(/^The relay URL must be/)]); // checked on leaving the field
    await fill(options, 'Display name', '');
    await click(options, 'Save');
    await waitFor(async () => (await errors()).length === 2, 'two field errors');
    expect(await errors()).toEqual([
      expect.stringMatching(/relay URL must be an http\(s\):\/\/ or ws\(s\):\/\//),
      'Enter a display name: it is what the others see.',
    ]);
    expect(await options.run(`document.getElementById('relay-url').getAttribute('aria-invalid')`)).toBe('true');
    await shot(options, 'options-invalid');
    await options.reload();
    await waitFor(async () => ((await read(options, 'Relay URL')) ?? '') !== '', 'options reloaded', 20_000);
    expect(await read(options, 'Relay URL')).toBe(before);
    await options.close();
  });

  test('"Test connection" gives the round trip, or says the relay is unreachable', async () => {
    const options = await ana.extensionPage('options.html');
    await waitFor(async () => ((await read(options, 'Relay URL')) ?? '') !== '', 'options loaded', 20_000);
    const result = (): Promise<string> => options.run(`document.getElementById('test-result').textContent`);
    await fill(options, 'Relay URL', relay.url);
    await click(options, 'Test connection');
    await waitFor(async () => /round trip/.test(await result()), 'a measured round trip', 20_000);
    expect(await result()).toMatch(new RegExp(`^Connected to ${relay.url}: \\d+ ms round trip\\.$`));
    const down = 'http://127.0.0.1:9';
    await fill(options, 'Relay URL', down);
    await click(options, 'Test connection');
    await waitFor(async () => !/^Connecting/.test(await result()) && !/round trip/.test(await result()), 'a failure', 20_000);
    expect(await result()).toMatch(/Cannot reach the relay at http:\/\/127\.0\.0\.1:9/);
    await shot(options, 'options-unreachable');
    await options.close();
  });
});

describe('popup', () => {
  let anaTab: { page: MemberPage; tabId: number };
  let anaPopup: MemberPage;
  let boTab: { page: MemberPage; tabId: number };
  let boPopup: MemberPage;
  let inviteLink = '';

  beforeAll(async () => {
    await Promise.all([configure(ana, 'Ana', relay.url), configure(bo, 'Bo', relay.url)]);
  });

  test('on a page without a video it says so and still offers to join', async () => {
    boTab = await bo.openTab(`${site.origin}/a-page-without-video`);
    boPopup = await bo.extensionPage(`popup.html?tab=${boTab.tabId}`);
    const view = await until(boPopup, 'the lobby', (v) => v.buttons.includes('Join room'));
    expect(view.text).toMatch(/No video found on this page/);
    expect(view.buttons).not.toContain('Create room');
    await shot(boPopup, 'lobby-no-video');
  });

  test('a bad invite link is refused in words beside the field', async () => {
    await fill(boPopup, 'Invite link or room code', 'https://example.com/watch?v=1');
    await click(boPopup, 'Join room');
    const view = await until(boPopup, 'the invite error', (v) => v.inviteError !== null);
    expect(view.inviteError).toBe('That link has no Lockstep room in it. Ask for the invite link again.');
    await fill(boPopup, 'Invite link or room code', 'hello');
    await click(boPopup, 'Join room');
    await until(boPopup, 'the code error', (v) => /neither an invite link nor a room code/.test(v.inviteError ?? ''));
    await shot(boPopup, 'error-bad-link');
  });

  test('an unknown room says it does not exist', async () => {
    await fill(boPopup, 'Invite link or room code', '0000-0000-0000-00');
    await click(boPopup, 'Join room');
    const view = await until(boPopup, 'the unknown-room error', (v) => /room does not exist/.test(v.inviteError ?? ''));
    expect(view.alert).toBeNull();
    await shot(boPopup, 'error-unknown-room');
  });

  test("an invite link to an unknown room, opened in a tab, shows the error in that tab's popup", async () => {
    const tab = await bo.openTab(`${site.origin}/plain.html?landing#lockstep=0000000000000A&relay=${encodeURIComponent(relay.url)}`);
    await answer((await promptShowing(tab.page, /join this room\?/, 'the invite asked about')).frame, 'Join');
    const popup = await bo.extensionPage(`popup.html?tab=${tab.tabId}`);
    const view = await until(popup, 'the landing error', (v) => v.alert !== null);
    expect(view.alert).toMatch(/^That room does not exist any more/);
    expect(view.members).toEqual([]);
    await shot(popup, 'error-landing-unknown-room');
    await popup.close(); // the tab stays: the member's helpers keep the last opened tab in front
  });

  test("joining by room code shows another member's status, offset and latency live (status and telemetry)", async () => {
    const cy = await connectClient(relay.url);
    try {
      const created = await cy.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Cy', color: '#4363d8' } });
      if (!created.ok) throw new Error(`room:create failed: ${created.error}`);
      expect(await cy.emitWithAck('member:status', { status: 'buffering', offsetMs: 12.4, rttMs: 30 })).toMatchObject({
        ok: true,
        data: { name: 'Cy', status: 'buffering', offsetMs: 12.4 },
      });
      const tab = await ana.openTab(`${site.origin}/plain.html?by-code`);
      const popup = await ana.extensionPage(`popup.html?tab=${tab.tabId}`);
      await until(popup, 'the lobby', (v) => v.buttons.includes('Join room'));
      await fill(popup, 'Invite link or room code', created.data.room.code.toLowerCase().replace(/(.{4})/g, '$1-'));
      await click(popup, 'Join room');
      const view = await until(popup, 'two members', (v) => v.members.length === 2);
      expect(view.members[0]).toBe('Cy, host: buffering · +12 ms · 30 ms latency');
      expect(view.members[1]).toMatch(/^Ana, \(you\): /);
      expect(view.text).toContain(`Room ${created.data.room.code.replace(/(.{4})(?!$)/g, '$1-')}`);
      expect(view.text).toMatch(/Everyone controls playback/);
      await shot(popup, 'room-by-code');
      await cy.emitWithAck('member:status', { status: 'ad', offsetMs: -40, rttMs: 31 });
      await until(popup, 'the ad status', (v) => v.members[0] === 'Cy, host: watching an ad · -40 ms · 31 ms latency');
      // Offsets between status changes come as telemetry, in the relay's batches.
      cy.emit('member:telemetry', { offsetMs: 7, rttMs: 33 });
      await until(popup, 'the telemetry', (v) => v.members[0] === 'Cy, host: watching an ad · +7 ms · 33 ms latency');
      cy.disconnect();
      await until(popup, 'Cy away', (v) => v.members[0] === 'Cy, host: away, reconnecting');
      await click(popup, 'Leave room');
      await until(popup, 'the lobby again', (v) => v.buttons.includes('Join room'));
      await popup.close();
    } finally {
      cy.disconnect();
    }
  });

  test('Ana creates a room from the popup on a video page', async () => {
    anaTab = await ana.openTab(`${site.origin}/plain.html`);
    anaPopup = await ana.extensionPage(`popup.html?tab=${anaTab.tabId}`);
    await until(anaPopup, 'the video to be found', (v) => v.buttons.includes('Create room'), 20_000);
    await shot(anaPopup, 'lobby-video');
    await click(anaPopup, 'Create room');
    const view = await until(anaPopup, 'the room', (v) => v.members.length === 1);
    expect(view.members[0]).toMatch(/^Ana, \(you\), host: (playing|paused|buffering|no video)/);
    expect(view.buttons).toEqual(expect.arrayContaining(['Copy', 'Leave room']));
    expect(view.connection).toMatch(/^Connected/);
    inviteLink = (await read(anaPopup, 'Invite link')) ?? '';
    expect(inviteLink).toMatch(new RegExp(`^${site.origin}/plain\\.html#lockstep=[0-9A-Z]{14}&relay=`));
    expect(await anaPopup.run('document.getElementById("invite-link").readOnly')).toBe(true);
    await click(anaPopup, 'Copy');
    await until(anaPopup, '"Copied"', (v) => /\bCopied\b/.test(v.text));
    await shot(anaPopup, 'room-host-alone');
  });

  test('Bo joins with the invite link; both popups list both members with statuses', async () => {
    await fill(boPopup, 'Invite link or room code', inviteLink);
    await click(boPopup, 'Join room');
    const status = '(playing|paused|buffering|watching an ad|no video)';
    const bos = await until(boPopup, 'Bo in the room', (v) => v.members.length === 2, 20_000);
    expect(bos.members).toEqual([
      expect.stringMatching(new RegExp(`^Ana, host: ${status}`)),
      expect.stringMatching(new RegExp(`^Bo, \\(you\\): ${status}`)),
    ]);
    expect(bos.buttons).not.toContain('Make Ana host');
    expect(await read(boPopup, 'Invite link')).toBe(inviteLink);
    const anas = await until(anaPopup, 'Ana sees Bo', (v) => v.members.length === 2);
    expect(anas.members[1]).toMatch(new RegExp(`^Bo: ${status}`));
    expect(anas.buttons).toContain('Make Bo host');
    // The invite opened the video page in Bo's tab (without the fragment), and his player reports.
    await waitFor(async () => (await boTab.page.run<string>('location.href')) === `${site.origin}/plain.html`, 'Bo on the video page');
    await until(anaPopup, 'Bo with his video', (v) => /^Bo: (playing|paused|buffering)/.test(v.members[1] ?? ''), 20_000);
    await shot(boPopup, 'room-member');
    await shot(anaPopup, 'room-host-two');
  });

  test('the host changes the room settings; the member sees them', async () => {
    // The switch is a checkbox labelled "Only the host controls playback": click it as a user would.
    await anaPopup.run(
      `[...document.querySelectorAll('input[role=switch]')].find((i) => i.labels[0].textContent.trim() === 'Only the host controls playback').click()`,
    );
    await fill(anaPopup, 'Buffering and ads', 'continue');
    const bos = await until(boPopup, 'the new settings', (v) =>
      /Only the host controls playback; the room keeps going through buffering and ads/.test(v.text),
    );
    expect(bos.text).not.toMatch(/Room settings/i);
    expect(await read(anaPopup, 'Buffering and ads')).toBe('continue');
    await shot(anaPopup, 'room-host-settings');
  });

  test("Bo renames himself in the popup; Ana's popup follows across a restart of her background", async () => {
    await ana.stopBackground(); // drops the popup's port: it must connect again and keep up
    await fill(boPopup, 'Your name', 'Bob');
    await click(boPopup, 'Save name');
    await until(boPopup, 'Bob in his own list', (v) => v.members.some((m) => m.startsWith('Bob, (you)')));
    const anas = await until(anaPopup, "Bob in Ana's list", (v) => v.members.some((m) => m.startsWith('Bob: ')), 20_000);
    expect(anas.members).toHaveLength(2);
    expect(anas.connection).toMatch(/^Connected/);
    await fill(boPopup, 'Your name', 'Bo');
    await click(boPopup, 'Save name');
    await until(anaPopup, 'Bo again', (v) => v.members.some((m) => m.startsWith('Bo: ')));
  });

  test('the host hands over the host role; Bo gets the host controls', async () => {
    await click(anaPopup, 'Make Bo host');
    await until(boPopup, 'Bo is host', (v) => /^Bo, \(you\), host/.test(v.members[0] ?? '') && v.buttons.includes('Make Ana host'));
    await until(anaPopup, 'Ana is a member', (v) => !v.buttons.includes('Make Bo host') && /^Bo, host/.test(v.members[0] ?? ''));
  });

  test('Bo leaves: his popup goes back to joining, Ana sees one member', async () => {
    await click(boPopup, 'Leave room');
    await until(boPopup, 'Bo back in the lobby', (v) => v.buttons.includes('Join room') && v.members.length === 0);
    await until(anaPopup, 'Ana alone', (v) => v.members.length === 1);
    await click(anaPopup, 'Leave room');
    await until(anaPopup, 'Ana back in the lobby', (v) => v.buttons.includes('Create room'));
  });

  test('a relay that is down is named in the error', async () => {
    await configure(bo, 'Bo', 'http://127.0.0.1:9');
    await fill(boPopup, 'Invite link or room code', '0000-0000-0000-00');
    await click(boPopup, 'Join room');
    const view = await until(boPopup, 'the unreachable error', (v) => /Cannot reach/.test(v.inviteError ?? ''), 30_000);
    expect(view.inviteError).toMatch(/^Cannot reach the relay at http:\/\/127\.0\.0\.1:9\b/);
    expect(view.alert).toBeNull();
    await shot(boPopup, 'error-relay-down');
  });
});

describe('popup in Firefox', () => {
  let fern: Member;

  beforeAll(async () => {
    fern = await launchFirefoxMember('fern');
    await configure(fern, 'Fern', relay.url);
  });

  afterAll(async () => {
    await fern?.close();
  });

  test('creates a room on a video page, lists a member who joins, copies the link, leaves', async () => {
    const tab = await fern.openTab(`${site.origin}/plain.html?firefox`);
    const popup = await fern.extensionPage(`popup.html?tab=${tab.tabId}`);
    await until(popup, 'the video to be found', (v) => v.buttons.includes('Create room'), 20_000);
    await click(popup, 'Create room');
    await until(popup, 'the room', (v) => v.members.length === 1);
    const link = (await read(popup, 'Invite link')) ?? '';
    const code = /#lockstep=([0-9A-Z]{14})/.exec(link)?.[1];
    expect(code).toBeDefined();
    // The room is private (the default): Cy, a bare client, seals its name with the link's key.
    const codec = await codecOf(link);
    expect(codec.private).toBe(true);
    const cy = await connectClient(relay.url);
    try {
      const joined = await cy.emitWithAck('room:join', {
        protocol: PROTOCOL_VERSION,
        code: code ?? '',
        profile: await codec.profileOut({ name: 'Cy', color: '#4363d8' }),
      });
      expect(joined.ok).toBe(true);
      await cy.emitWithAck('member:status', { status: 'paused', offsetMs: 3, rttMs: 12 });
      const view = await until(
        popup,
        'Cy listed',
        (v) => v.members.length === 2 && /paused · \+3 ms · 12 ms latency$/.test(v.members[1] ?? ''),
      );
      expect(view.members[0]).toMatch(/^Fern, \(you\), host: /);
      expect(view.buttons).toContain('Make Cy host');
      await click(popup, 'Copy');
      await until(popup, '"Copied"', (v) => /\bCopied\b/.test(v.text));
      await shot(popup, 'firefox-room-host');
      await click(popup, 'Leave room');
      await until(popup, 'the lobby', (v) => v.buttons.includes('Create room'));
    } finally {
      cy.disconnect();
    }
  });

  test('a bad link is refused in words', async () => {
    const tab = await fern.openTab(`${site.origin}/plain.html?firefox-bad`);
    const popup = await fern.extensionPage(`popup.html?tab=${tab.tabId}`);
    await until(popup, 'the lobby', (v) => v.buttons.includes('Join room'));
    await fill(popup, 'Invite link or room code', 'https://example.com/#lockstep=NOPE');
    await click(popup, 'Join room');
    const view = await until(popup, 'the error', (v) => v.inviteError !== null);
    expect(view.inviteError).toBe('The room code in that link is damaged. Ask for the invite link again.');
  });
});
