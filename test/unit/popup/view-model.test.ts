import type { ConnectionView, TabRoomView } from '../../../extension/messages';
import type { Member } from '../../../relay/contract/protocol';
import { DEFAULT_SETTINGS } from '../../../relay/contract/protocol';
import {
  connectionText,
  formatLatency,
  formatOffset,
  memberRow,
  mediaText,
  memberRows,
  settingsSummary,
  statusText,
  videoText,
  youAreHost,
} from '../../../extension/popup/view-model';

function member(over: Partial<Member>): Member {
  return {
    id: 'm1',
    name: 'Ana',
    color: '#e6194b',
    role: 'member',
    status: 'playing',
    offsetMs: null,
    rttMs: null,
    joinedAt: 0,
    connected: true,
    ...over,
  };
}

function room(members: Member[], you: string): TabRoomView {
  return {
    code: '7K3QX9M2C4TDHA',
    private: false,
    inviteLink: 'http://127.0.0.1/v#lockstep=7K3QX9M2C4TDHA',
    settings: DEFAULT_SETTINGS,
    members,
    you,
    timeline: { media: null, paused: true, position: 0, rate: 1, setAt: 0, seq: 0, waitingFor: [], holdUntil: null, by: null },
  };
}

describe('formatOffset', () => {
  test.each([
    [null, null],
    [Number.NaN, null],
    [0, '0 ms'],
    [0.4, '0 ms'],
    [-0.4, '0 ms'],
    [12, '+12 ms'],
    [12.6, '+13 ms'],
    [-40, '-40 ms'],
    [999, '+999 ms'],
    [1500, '+1.5 s'],
    [-2340, '-2.3 s'],
  ])('%p → %p', (input, expected) => {
    expect(formatOffset(input)).toBe(expected);
  });
});

describe('formatLatency', () => {
  test.each([
    [null, null],
    [-1, null],
    [Infinity, null],
    [0, '0 ms latency'],
    [33.7, '34 ms latency'],
  ])('%p → %p', (input, expected) => {
    expect(formatLatency(input)).toBe(expected);
  });
});

describe('member rows', () => {
  test.each([
    ['playing', 'playing'],
    ['paused', 'paused'],
    ['buffering', 'buffering'],
    ['ad', 'watching an ad'],
    ['no_video', 'no video'],
  ] as const)('status %s reads "%s"', (status, words) => {
    expect(statusText(status)).toBe(words);
  });

  test('a connected member shows status, offset and latency; you and host are named', () => {
    const row = memberRow(member({ id: 'a', role: 'host', status: 'paused', offsetMs: 12, rttMs: 34 }), 'a', true);
    expect(row.detail).toBe('paused · +12 ms · 34 ms latency');
    expect(row.label).toBe('Ana, (you), host: paused · +12 ms · 34 ms latency');
    expect(row).toMatchObject({ isYou: true, isHost: true, canMakeHost: false });
  });

  test('no offset without a video; unknown figures are left out', () => {
    expect(memberRow(member({ status: 'no_video', offsetMs: 80, rttMs: 20 }), 'x', false).detail).toBe('no video · 20 ms latency');
    expect(memberRow(member({ status: 'buffering' }), 'x', false).detail).toBe('buffering');
  });

  test('an away member says so and cannot be made host', () => {
    const row = memberRow(member({ connected: false, offsetMs: 5 }), 'me', true);
    expect(row.detail).toBe('away, reconnecting');
    expect(row.canMakeHost).toBe(false);
  });

  test('only the host sees "Make host", on the others', () => {
    expect(memberRow(member({ id: 'b' }), 'a', true).canMakeHost).toBe(true);
    expect(memberRow(member({ id: 'b' }), 'a', false).canMakeHost).toBe(false);
  });

  test('a colour that is not #rrggbb is replaced (it goes into a style)', () => {
    expect(memberRow(member({ color: 'red;background:url(x)' }), 'a', false).color).toBe('#888888');
  });

  test('host first, then you, then by join time', () => {
    const r = room(
      [
        member({ id: 'c', name: 'Cy', joinedAt: 3 }),
        member({ id: 'b', name: 'Bo', joinedAt: 2 }),
        member({ id: 'me', name: 'Me', joinedAt: 4 }),
        member({ id: 'h', name: 'Host', role: 'host', joinedAt: 1 }),
      ],
      'me',
    );
    expect(memberRows(r).map((row) => row.name)).toEqual(['Host', 'Me', 'Bo', 'Cy']);
    expect(youAreHost(r)).toBe(false);
    expect(youAreHost(room([member({ id: 'me', role: 'host' })], 'me'))).toBe(true);
  });
});

describe('connectionText', () => {
  const base: ConnectionView = { status: 'idle', relayUrl: 'http://relay.test:3000', detail: null, rttMs: null };
  test.each([
    [{ status: 'connected', rttMs: 23.2 }, 'Connected · 23 ms to the relay', 'ok'],
    [{ status: 'connected' }, 'Connected', 'ok'],
    [{ status: 'connecting' }, 'Connecting to http://relay.test:3000…', 'busy'],
    [{ status: 'reconnecting', detail: 'connection lost' }, 'Reconnecting to http://relay.test:3000… (connection lost)', 'busy'],
    [{ status: 'unreachable', detail: 'connection refused' }, 'Relay unreachable: http://relay.test:3000 (connection refused)', 'bad'],
    [{ status: 'idle' }, 'Not in a room · relay http://relay.test:3000', 'idle'],
    [{ status: 'idle', relayUrl: '' }, 'Not in a room', 'idle'],
  ] as const)('%p', (over, text, tone) => {
    expect(connectionText({ ...base, ...over })).toEqual({ text, tone });
  });
});

test('video line says plainly when there is no video', () => {
  expect(videoText({ present: false, title: null, url: null })).toMatch(/^No video found on this page\..*still join/);
  expect(videoText({ present: true, title: 'Big Buck Bunny', url: 'http://x' })).toBe('Video: Big Buck Bunny');
  expect(videoText({ present: true, title: null, url: null })).toBe('A video is on this page.');
});

test('settings summary names every policy', () => {
  expect(settingsSummary(DEFAULT_SETTINGS)).toBe(
    'Everyone controls playback; the room waits for buffering and ads and follows to the next video.',
  );
  expect(settingsSummary({ controlMode: 'host', waitPolicy: 'continue', navigationPolicy: 'ask' })).toBe(
    'Only the host controls playback; the room keeps going through buffering and ads and asks before the next video.',
  );
});

test("media line names the room's video, or says there is none yet", () => {
  const r = room([], 'me');
  expect(mediaText(r)).toBe('No video chosen yet: start one and the room follows.');
  const media = { url: 'https://v.example/watch?v=1', title: 'Big Buck Bunny', duration: 600 };
  expect(mediaText({ ...r, timeline: { ...r.timeline, media } })).toBe('Watching: Big Buck Bunny');
  expect(mediaText({ ...r, timeline: { ...r.timeline, media: { ...media, title: '' } } })).toBe('Watching: https://v.example/watch?v=1');
});
