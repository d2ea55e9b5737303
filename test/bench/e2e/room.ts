/**
 * Puts bench members in one room, each through its own relay URL (its latency proxy):
 * the Relay URL is set on the options page, then the first member creates and the others join
 * with the bare room code, so each connects to its own configured relay.
 */
import type { TabState } from '../../../extension/messages';
import { click, fill, waitFor, type Member } from '../../support/browsers';

export async function setRelayUrl(member: Member, relayUrl: string): Promise<void> {
  const options = await member.extensionPage('options.html');
  await waitFor(async () => (await options.run<boolean>(`document.readyState === 'complete'`)), 'options page');
  await fill(options, 'Relay URL', relayUrl);
  await click(options, 'Save');
  await options.close();
}

async function tabState(member: Member, tabId: number): Promise<TabState> {
  const res = await member.send('getTabState', { tabId });
  if (!res.ok) throw new Error(`${member.name}: getTabState failed: ${res.message}`);
  return res.data;
}

/** Waits until the tab's content script has reported its video to the background. */
export async function waitForVideo(member: Member, tabId: number): Promise<void> {
  await waitFor(async () => (await tabState(member, tabId)).video.present, `${member.name} sees the video`, 20_000);
}

export async function createRoom(member: Member, tabId: number): Promise<string> {
  const res = await member.send('createRoom', { tabId, settings: { controlMode: 'everyone', waitPolicy: 'wait' } });
  if (!res.ok) throw new Error(`${member.name}: createRoom failed: ${res.message}`);
  if (!res.data.room) throw new Error(`${member.name}: createRoom gave no room`);
  return res.data.room.code;
}

export async function joinRoom(member: Member, tabId: number, code: string): Promise<void> {
  const res = await member.send('joinRoom', { tabId, invite: code });
  if (!res.ok) throw new Error(`${member.name}: joinRoom failed: ${res.message}`);
}

/** Waits until the tab's room lists `count` connected members. */
export async function waitForMembers(member: Member, tabId: number, count: number): Promise<void> {
  await waitFor(async () => {
    const room = (await tabState(member, tabId)).room;
    return room !== null && room.members.filter((m) => m.connected).length === count;
  }, `${member.name} sees ${count} members`, 20_000);
}
