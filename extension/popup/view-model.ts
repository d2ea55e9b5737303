/**
 * What the popup says, as pure functions of the background's TabState: member rows, offsets,
 * connection state, errors. No DOM here, so all of it is unit-tested.
 */
import type { ConnectionView, TabRoomView, TabState } from '../messages';
import { byJoinOrder, type Member, type MemberStatus, type RoomSettings } from '../../relay/contract/protocol';

const STATUS_WORDS: Record<MemberStatus, string> = {
  playing: 'playing',
  paused: 'paused',
  buffering: 'buffering',
  ad: 'watching an ad',
  no_video: 'no video',
};

export function statusText(status: MemberStatus): string {
  return STATUS_WORDS[status];
}

/** Offset from the room timeline: "+12 ms", "-40 ms", "0 ms", "+1.5 s"; null when unknown. */
export function formatOffset(offsetMs: number | null): string | null {
  if (offsetMs === null || !Number.isFinite(offsetMs)) return null;
  const rounded = Math.round(offsetMs);
  if (rounded === 0) return '0 ms';
  const sign = rounded > 0 ? '+' : '-';
  const abs = Math.abs(rounded);
  return abs < 1000 ? `${sign}${abs} ms` : `${sign}${(abs / 1000).toFixed(1)} s`;
}

/** Round trip to the relay: "34 ms latency"; null when unknown. */
export function formatLatency(rttMs: number | null): string | null {
  if (rttMs === null || !Number.isFinite(rttMs) || rttMs < 0) return null;
  return `${Math.round(rttMs)} ms latency`;
}

export interface MemberRow {
  id: string;
  name: string;
  color: string;
  isHost: boolean;
  isYou: boolean;
  /** "paused · +12 ms · 34 ms latency", or "away" while the member's connection is gone. */
  detail: string;
  /** Everything a screen reader should hear for the row, in one sentence. */
  label: string;
  /** The viewer is the host and this is someone else: they may hand the host role over. */
  canMakeHost: boolean;
}

export function memberRow(member: Member, you: string, youAreHost: boolean): MemberRow {
  const isYou = member.id === you;
  const isHost = member.role === 'host';
  const parts = member.connected
    ? [statusText(member.status), member.status === 'no_video' ? null : formatOffset(member.offsetMs), formatLatency(member.rttMs)]
    : ['away, reconnecting'];
  const detail = parts.filter((p): p is string => p !== null).join(' · ');
  const who = [member.name, isYou ? '(you)' : null, isHost ? 'host' : null].filter((p) => p !== null).join(', ');
  return {
    id: member.id,
    name: member.name,
    color: /^#[0-9a-f]{6}$/i.test(member.color) ? member.color : '#888888',
    isHost,
    isYou,
    detail,
    label: `${who}: ${detail}`,
    canMakeHost: youAreHost && !isYou && member.connected,
  };
}

/** Host first, then you, then by join time. */
export function memberRows(room: TabRoomView): MemberRow[] {
  const you = room.members.find((m) => m.id === room.you);
  const youAreHost = you?.role === 'host';
  const rank = (m: Member): number => (m.role === 'host' ? 0 : m.id === room.you ? 1 : 2);
  return [...room.members].sort((a, b) => rank(a) - rank(b) || byJoinOrder(a, b)).map((m) => memberRow(m, room.you, youAreHost));
}

export function youAreHost(room: TabRoomView): boolean {
  return room.members.some((m) => m.id === room.you && m.role === 'host');
}

export type Tone = 'ok' | 'busy' | 'bad' | 'idle';

/** The connection line: words and a tone for the colour of its dot. */
export function connectionText(connection: ConnectionView): { text: string; tone: Tone } {
  const detail = connection.detail ? ` (${connection.detail})` : '';
  switch (connection.status) {
    case 'connected':
      return { text: connection.rttMs === null ? 'Connected' : `Connected · ${Math.round(connection.rttMs)} ms to the relay`, tone: 'ok' };
    case 'connecting':
      return { text: `Connecting to ${connection.relayUrl}…`, tone: 'busy' };
    case 'reconnecting':
      return { text: `Reconnecting to ${connection.relayUrl}…${detail}`, tone: 'busy' };
    case 'unreachable':
      return { text: `Relay unreachable: ${connection.relayUrl}${detail}`, tone: 'bad' };
    case 'idle':
      // Not in a room: no connection is open. Name the relay a room would use.
      return { text: connection.relayUrl ? `Not in a room · relay ${connection.relayUrl}` : 'Not in a room', tone: 'idle' };
  }
}

/** The line about the page: its video, or plainly that there is none. */
export function videoText(video: TabState['video']): string {
  if (!video.present) return 'No video found on this page. Open a page with a video to create a room; you can still join one here.';
  return video.title ? `Video: ${video.title}` : 'A video is on this page.';
}

export function settingsSummary(settings: RoomSettings): string {
  const who = settings.controlMode === 'host' ? 'Only the host controls playback' : 'Everyone controls playback';
  const wait = settings.waitPolicy === 'wait' ? 'waits for buffering and ads' : 'keeps going through buffering and ads';
  const next = settings.navigationPolicy === 'follow' ? 'follows to the next video' : 'asks before the next video';
  return `${who}; the room ${wait} and ${next}.`;
}

/** What the room is watching, from its timeline. */
export function mediaText(room: TabRoomView): string {
  const media = room.timeline.media;
  if (media === null) return 'No video chosen yet: start one and the room follows.';
  return `Watching: ${media.title || media.url}`;
}
