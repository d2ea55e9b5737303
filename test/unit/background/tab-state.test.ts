/** What the popup is shown of a tab: the page without its invite, the video's title, the room and its invite link. */
import { tabState, type TabFacts } from '../../../extension/background/tab-state';
import { formatInvite } from '../../../extension/invite';
import type { ConnectionView } from '../../../extension/messages';
import type { RoomView, Timeline } from '../../../relay/contract/protocol';

const idle: ConnectionView = { status: 'idle', relayUrl: 'http://localhost:3000', detail: null, rttMs: null };
const page = 'https://video.example/watch?v=1';
const timeline = (mediaUrl: string | null): Timeline =>
  ({ seq: 1, media: mediaUrl === null ? null : { url: mediaUrl, title: 'Room video', duration: 60 } }) as unknown as Timeline;
const room = (mediaUrl: string | null): NonNullable<TabFacts['room']> => ({
  code: 'ABCDEFGHJKMNPQ',
  memberId: 'm1',
  room: {
    code: 'ABCDEFGHJKMNPQ',
    members: [],
    settings: { controlMode: 'everyone', waitPolicy: 'wait', navigationPolicy: 'follow' },
    timeline: timeline(mediaUrl),
  } as unknown as RoomView,
  state: { relayUrl: 'https://relay.example', memberId: 'm1', resumeToken: 't', room: {} as RoomView, feed: { version: 0, entries: [] } },
});
const facts = (over: Partial<TabFacts>): TabFacts => ({
  tab: { url: page, title: 'Tab title' },
  room: undefined,
  owner: null,
  connection: idle,
  lastError: null,
  panel: 'hidden',
  ...over,
});

test('a tab in no room: the page without the invite in its fragment, the tab title for want of a video title', () => {
  const invited = formatInvite(page, 'ABCDEFGHJKMNPQ', 'https://relay.example');
  const state = tabState(3, facts({ tab: { url: invited, title: 'Tab title' } }));
  expect(state).toEqual({
    tabId: 3,
    connection: idle,
    video: { present: false, title: 'Tab title', url: page },
    room: null,
    lastError: null,
    panel: 'hidden',
  });
});

test.each<[string, string | undefined, string | null]>([
  ["the video's own title first", 'Episode 2', 'Episode 2'],
  ["an empty one falls back to the tab's", '', 'Tab title'],
])('%s', (_name, title, shown) => {
  const owner = { present: true, media: title === undefined ? null : { title, duration: 60 }, area: 1, played: false } as TabFacts['owner'];
  expect(tabState(3, facts({ owner })).video).toEqual({ present: true, title: shown, url: page });
});

test('no URL (not a web page) and no title: nulls, not empty strings', () => {
  expect(tabState(3, facts({ tab: {} })).video).toEqual({ present: false, title: null, url: null });
});

test.each<[string, string | null, string]>([
  ["the invite link points to the room's video", 'https://video.example/watch?v=9', 'https://video.example/watch?v=9'],
  ['to the page while the room has no video', null, page],
])('%s', (_name, mediaUrl, linked) => {
  const state = tabState(3, facts({ room: room(mediaUrl), lastError: { code: 'room_full', message: 'That room is full.' } }));
  expect(state.room).toMatchObject({
    code: 'ABCDEFGHJKMNPQ',
    you: 'm1',
    inviteLink: formatInvite(linked, 'ABCDEFGHJKMNPQ', 'https://relay.example'),
  });
  expect(state.lastError).toEqual({ code: 'room_full', message: 'That room is full.' });
});
