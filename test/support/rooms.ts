/**
 * Puts members (test/support/browsers.ts) in one room, each through its own relay URL (its latency proxy):
 * the relay URL is written to the settings in storage.sync (what the options page saves), then
 * the first member creates and the others join with the bare room code, so each connects to its
 * own configured relay.
 */
import type { TabState } from '../../extension/messages';
import { launchChromiumMember, launchFirefoxMember, waitFor, type HostRoutes, type Member } from './browsers';
import { startFixtureServer, type FixtureServer } from './fixture-server';
import { startLatencyProxy, symmetric, type LatencyProxy } from './latency-proxy';
import { startRelay, type TestRelay } from './relay';

/** A relay, the fixture site and two Chromium members (alice, bob) set to that relay. */
export interface ChromiumPair {
  relay: TestRelay;
  site: FixtureServer;
  alice: Member;
  bob: Member;
  close(): Promise<void>;
}

export async function startChromiumPair(): Promise<ChromiumPair> {
  const [relay, site] = await Promise.all([startRelay(), startFixtureServer()]);
  const [alice, bob] = await Promise.all([launchChromiumMember('alice'), launchChromiumMember('bob')]);
  await Promise.all([setRelayUrl(alice, relay.url), setRelayUrl(bob, relay.url)]);
  return {
    relay,
    site,
    alice,
    bob,
    async close() {
      await alice.close();
      await bob.close();
      await site.close();
      await relay.close();
    },
  };
}

/** A relay behind a 20 ms latency proxy, the fixture site, and one Chromium and one Firefox member set to it. */
export interface CrossBrowserPair {
  relay: TestRelay;
  proxy: LatencyProxy;
  site: FixtureServer;
  chrome: Member;
  firefox: Member;
  close(): Promise<void>;
}

/** `routes`: site hosts (e.g. www.youtube.com) both browsers reach on the fixture server. */
export async function startCrossBrowserPair(routes?: (site: FixtureServer) => HostRoutes): Promise<CrossBrowserPair> {
  const relay = await startRelay();
  const proxy = await startLatencyProxy(relay.port, symmetric(20));
  const site = await startFixtureServer();
  const hostRoutes = routes?.(site);
  const [chrome, firefox] = await Promise.all([
    launchChromiumMember('chromium', undefined, hostRoutes),
    launchFirefoxMember('firefox', {}, hostRoutes),
  ]);
  await Promise.all([setRelayUrl(chrome, proxy.url), setRelayUrl(firefox, proxy.url)]);
  return {
    relay,
    proxy,
    site,
    chrome,
    firefox,
    async close() {
      await chrome.close();
      await firefox.close();
      await site.close();
      await proxy.close();
      await relay.close();
    },
  };
}

export async function setRelayUrl(member: Member, relayUrl: string): Promise<void> {
  const page = await member.extensionPage('options.html');
  await page.evaluate(async (url: string) => {
    type Sync = { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };
    const g = globalThis as unknown as { browser?: { storage: { sync: Sync } }; chrome: { storage: { sync: Sync } } };
    const sync = (g.browser ?? g.chrome).storage.sync;
    const stored = (await sync.get('settings')).settings;
    await sync.set({ settings: { ...(typeof stored === 'object' && stored !== null ? stored : {}), relayUrl: url } });
  }, relayUrl);
  await page.close();
}

export async function tabState(member: Member, tabId: number): Promise<TabState> {
  const res = await member.send('getTabState', { tabId });
  if (!res.ok) throw new Error(`${member.name}: getTabState failed: ${res.message}`);
  return res.data;
}

/**
 * Waits until the tab's content script has reported its video to the background (the background
 * answers that report with the room, and the content script starts syncing that video). `title`:
 * wait for a video reported under that title (e.g. the next episode's new element).
 */
export async function waitForVideo(member: Member, tabId: number, title?: string): Promise<void> {
  await waitFor(
    async () => {
      const { video } = await tabState(member, tabId);
      return video.present && (title === undefined || video.title === title);
    },
    `${member.name} sees the video${title === undefined ? '' : ` "${title}"`}`,
    20_000,
  );
}

/**
 * Creates a room and returns its code. Open unless `private` (the product's default is private:
 * the sync tests run open rooms, so members can join by bare code through their own relay URLs;
 * test/e2e/private-rooms.test.ts runs private ones, joined with `privateInvite`).
 */
export async function createRoom(member: Member, tabId: number, options: { private?: boolean } = {}): Promise<string> {
  const res = await member.send('createRoom', {
    tabId,
    settings: { controlMode: 'everyone', waitPolicy: 'wait' },
    private: options.private ?? false,
  });
  if (!res.ok) throw new Error(`${member.name}: createRoom failed: ${res.message}`);
  if (!res.data.room) throw new Error(`${member.name}: createRoom gave no room`);
  return res.data.room.code;
}

/**
 * The invite link of `creator`'s room (with a private room's key), pointing at `joiner`'s own relay
 * URL (it joins through its configured relay, its latency proxy, as with a bare code) and, when
 * given, at the joiner's own page (so joining does not navigate its tab).
 */
export async function privateInvite(creator: Member, tabId: number, joinerRelayUrl: string, joinerPageUrl?: string): Promise<string> {
  const room = (await tabState(creator, tabId)).room;
  if (room === null) throw new Error(`${creator.name} is in no room`);
  const invite = new URL(room.inviteLink);
  const link = new URL(joinerPageUrl ?? room.inviteLink);
  link.hash = invite.hash.replace(/relay=[^&]*/, `relay=${encodeURIComponent(joinerRelayUrl)}`);
  return link.toString();
}

/** Joins with a bare code or an invite link (`privateInvite`). */
export async function joinRoom(member: Member, tabId: number, code: string): Promise<void> {
  const res = await member.send('joinRoom', { tabId, invite: code });
  if (!res.ok) throw new Error(`${member.name}: joinRoom failed: ${res.message}`);
}

/**
 * Waits until the tab's room lists `count` connected members. With `following`, each of them
 * also runs the sync engine on its video (its first status report replaced "no video"): act on a
 * member's video before that, and the action is none its content script saw (the room undoes it).
 */
export async function waitForMembers(member: Member, tabId: number, count: number, options: { following?: boolean } = {}): Promise<void> {
  await waitFor(
    async () => {
      const room = (await tabState(member, tabId)).room;
      const counted = room?.members.filter((m) => m.connected && (options.following !== true || m.status !== 'no_video'));
      return counted !== undefined && counted.length === count;
    },
    `${member.name} sees ${count} members${options.following === true ? ' following the room' : ''}`,
    20_000,
  );
}
