/**
 * The registry against a fake `browser` and a fake relay connection: what it tells the frames,
 * the storage and the popups when a tab's frames, page or room change.
 */
jest.mock('webextension-polyfill', () => ({
  tabs: { get: jest.fn(), sendMessage: jest.fn() },
  storage: { session: { set: jest.fn(), remove: jest.fn() }, sync: { get: () => Promise.resolve({}), set: () => Promise.resolve() } },
  action: { setBadgeText: jest.fn(), setBadgeBackgroundColor: jest.fn(), setTitle: jest.fn() },
}));
import browser from 'webextension-polyfill';
import { Registry } from '../../../extension/background/registry';
import type { RelayConnection } from '../../../extension/background/relay-connection';
import type { PersistedRoom } from '../../../extension/background/tab-room';
import type { PanelView, TabState, VideoReport } from '../../../extension/messages';
import type { RoomView } from '../../../relay/contract/protocol';

(globalThis as { __DEFAULT_RELAY_URL__?: string }).__DEFAULT_RELAY_URL__ = 'http://localhost:3000/';

const fake = browser as unknown as {
  tabs: { get: jest.Mock; sendMessage: jest.Mock };
  storage: { session: { set: jest.Mock; remove: jest.Mock } };
  action: { setBadgeText: jest.Mock; setBadgeBackgroundColor: jest.Mock };
};
const video = (area: number): VideoReport => ({ present: true, media: null, area, played: false });
const roomVideo = 'https://video.example/watch?v=1';

/** A connection that is up and never hears from the relay; `sent` lists what was emitted with an ack. */
const connection = (sent: Array<[string, unknown]> = []): RelayConnection =>
  ({
    relayUrl: 'http://relay.test',
    socket: { connected: true, on: () => undefined },
    view: () => ({ status: 'connected', relayUrl: 'http://relay.test', detail: null, rttMs: null }),
    request: (send: (s: unknown) => Promise<unknown>) =>
      send({ emitWithAck: (event: string, payload: unknown) => (sent.push([event, payload]), Promise.resolve({ ok: true, data: null })) }),
    close: jest.fn(),
  }) as unknown as RelayConnection;

const joined = (): PersistedRoom => ({
  feed: { version: 0, entries: [] },
  relayUrl: 'http://relay.test',
  memberId: 'm1',
  resumeToken: 'token',
  room: {
    code: 'ABCDEFGHJKMNPQ',
    members: [
      {
        id: 'm1',
        name: 'Ana',
        color: '#3cb44b',
        role: 'host',
        status: 'paused',
        offsetMs: null,
        rttMs: null,
        joinedAt: 0,
        connected: true,
      },
    ],
    settings: { controlMode: 'everyone', waitPolicy: 'wait', navigationPolicy: 'follow' },
    timeline: { media: { url: roomVideo, title: 'Ep 1', duration: 60 } },
  } as unknown as RoomView,
});

/** Messages sent to frames, as [tabId, type, payload, frameId]. */
const toFrames = (): unknown[][] =>
  fake.tabs.sendMessage.mock.calls.map(([tabId, m, options]) => [tabId, m.type, m.payload, options?.frameId]);
const flush = (): Promise<void> => new Promise((done) => setImmediate(done));

beforeEach(() => {
  fake.tabs.get.mockReset().mockResolvedValue({ id: 4, url: roomVideo, title: 'Tab' });
  fake.tabs.sendMessage.mockReset().mockResolvedValue(null);
  fake.storage.session.set.mockReset().mockResolvedValue(undefined);
  fake.storage.session.remove.mockReset().mockResolvedValue(undefined);
  fake.action.setBadgeText.mockReset().mockResolvedValue(undefined);
  fake.action.setBadgeBackgroundColor.mockReset().mockResolvedValue(undefined);
});

test('a bigger video in another frame takes the owner role: the old owner is told, the frames are stored', () => {
  const reg = new Registry();
  expect(reg.videoReported(4, 0, video(100))).toBe(0);
  expect(reg.videoReported(4, 3, video(900))).toBe(3);
  expect(reg.ownerFrame(4)).toBe(3);
  expect(reg.ownerVideo(4)).toEqual(video(900));
  expect(toFrames()).toEqual([[4, 'sync', null, 0]]);
  expect(fake.storage.session.set).toHaveBeenLastCalledWith({
    'tab:4': {
      frames: [
        [0, video(100)],
        [3, video(900)],
      ],
      owner: 3,
      room: null,
      panel: null,
      prompt: null,
    },
  });
});

test('a tab in a room: its owner frame gets the room, the badge counts the members; dropping it tells the frame and clears the badge', async () => {
  const reg = new Registry();
  reg.videoReported(4, 0, video(100));
  const room = reg.adoptConnected(4, connection(), joined());
  expect(reg.roomOf(4)).toBe(room);
  expect(reg.allRooms()).toEqual([room]);
  expect(toFrames().at(-1)).toEqual([4, 'sync', room.frameSync(), 0]);
  expect(fake.action.setBadgeText).toHaveBeenLastCalledWith({ tabId: 4, text: '1' });
  await reg.drop(4, false);
  expect(reg.roomOf(4)).toBeUndefined();
  expect(toFrames().at(-1)).toEqual([4, 'sync', null, 0]);
  expect(fake.action.setBadgeText).toHaveBeenLastCalledWith({ tabId: 4, text: '' });
});

test('chat from others that nobody sees is unread on the badge; the panel shown and seen reads it; the mode is stored with the tab', async () => {
  const reg = new Registry();
  reg.videoReported(4, 0, video(100));
  reg.adoptConnected(4, connection(), joined());
  const chat = (from: string, id: string): void => {
    reg.chat(4, { id, from, text: 'hi', at: 1 });
    reg.changed(4);
  };
  chat('m2', 'c1');
  chat('m1', 'c2'); // this browser's own message
  await flush();
  expect(fake.action.setBadgeText).toHaveBeenLastCalledWith({ tabId: 4, text: '1' });
  expect(fake.action.setBadgeBackgroundColor).toHaveBeenLastCalledWith({ tabId: 4, color: '#1565c0' });
  reg.setPanelMode(4, 'open');
  expect(toFrames().at(-1)).toEqual([4, 'panel', 'open', 0]); // the top frame places the panel
  const views: PanelView[] = [];
  reg.panelOpened(4, 7, {
    postMessage: (v: PanelView) => views.push(v),
    onDisconnect: { addListener: () => undefined },
    disconnect: jest.fn(),
  } as never);
  await flush();
  expect(views.at(-1)).toMatchObject({ mode: 'open', unread: 1, room: { code: 'ABCDEFGHJKMNPQ' } });
  reg.panelVisible(4, 7, true);
  await flush();
  await flush();
  expect(views.at(-1)?.unread).toBe(0);
  expect(fake.action.setBadgeText).toHaveBeenLastCalledWith({ tabId: 4, text: '1' }); // the member count again
  expect(fake.action.setBadgeBackgroundColor).toHaveBeenLastCalledWith({ tabId: 4, color: '#2e7d32' });
  expect(fake.storage.session.set).toHaveBeenLastCalledWith({ 'tab:4': expect.objectContaining({ panel: { mode: 'open', unread: 0 } }) });
  // Something that did not open with the room's key: the panel says so too, not only the popup.
  expect(views.at(-1)?.notice).toBeNull();
  reg.unopenable(4, 'This invite link is damaged: a chat line did not open.');
  await flush();
  await flush();
  expect(views.at(-1)?.notice).toBe('This invite link is damaged: a chat line did not open.');
  reg.togglePanel(4);
  expect(reg.panelMode(4)).toBe('hidden');
});

test("leaving the room's video page: the next video reported is the room's next one, once", () => {
  const reg = new Registry();
  reg.adoptConnected(4, connection(), joined());
  reg.navigated(4, `${roomVideo}#t=30`, false); // the same page
  expect(reg.takeLeftRoomVideo(4)).toBe(false);
  reg.navigated(4, 'https://video.example/watch?v=2', true);
  expect(toFrames().at(-1)).toEqual([4, 'report', null, undefined]); // every frame reports again
  expect(reg.takeLeftRoomVideo(4)).toBe(true);
  expect(reg.takeLeftRoomVideo(4)).toBe(false);
});

test("a video that became the room's: its details are welcome for a while, not after the room is left", async () => {
  const reg = new Registry();
  reg.adoptConnected(4, connection(), joined());
  expect(reg.mediaDetailsStillWelcome(4)).toBe(false);
  reg.mediaBecameRoomVideo(4);
  expect(reg.mediaDetailsStillWelcome(4)).toBe(true);
  await reg.drop(4, false);
  expect(reg.mediaDetailsStillWelcome(4)).toBe(false);
});

test('an open popup gets the state at once and after every change, until it closes; a failure shows until the tab enters a room', async () => {
  const reg = new Registry();
  const got: TabState[] = [];
  let closed = (): void => undefined;
  const port = { postMessage: (s: TabState) => got.push(s), onDisconnect: { addListener: (fn: () => void) => (closed = fn) } };
  await reg.popupOpened(4, port as never);
  expect(got).toHaveLength(1);
  expect(got[0]).toMatchObject({ tabId: 4, room: null, lastError: null });
  reg.fail(4, 'room_full', 'That room is full.');
  await flush();
  expect(got.at(-1)?.lastError).toEqual({ code: 'room_full', message: 'That room is full.' });
  const sent: Array<[string, unknown]> = [];
  reg.adoptConnected(4, connection(sent), joined());
  await flush();
  expect(got.at(-1)).toMatchObject({ room: { code: 'ABCDEFGHJKMNPQ' }, lastError: null });
  // The popup is open: the room watches the members' telemetry, until the popup closes.
  expect(sent).toEqual([['members:watch', { on: true }]]);
  const count = got.length;
  closed();
  expect(sent).toEqual([
    ['members:watch', { on: true }],
    ['members:watch', { on: false }],
  ]);
  reg.fail(4, 'room_full', 'That room is full.');
  await flush();
  expect(got).toHaveLength(count);
});

test('a room watches the telemetry while a popup of its tab is open, and only then', async () => {
  const reg = new Registry();
  const sent: Array<[string, unknown]> = [];
  reg.adoptConnected(4, connection(sent), joined());
  expect(sent).toEqual([]);
  const closers: Array<() => void> = [];
  const popup = (): unknown => ({ postMessage: () => undefined, onDisconnect: { addListener: (fn: () => void) => closers.push(fn) } });
  await reg.popupOpened(4, popup() as never);
  await reg.popupOpened(4, popup() as never); // a second window's popup on the same tab
  await reg.popupOpened(5, popup() as never); // another tab's popup
  expect(sent).toEqual([['members:watch', { on: true }]]);
  closers[0]!();
  expect(sent).toHaveLength(1); // one popup still open
  closers[1]!();
  expect(sent).toEqual([
    ['members:watch', { on: true }],
    ['members:watch', { on: false }],
  ]);
});

test('a closed tab is forgotten, in storage too', async () => {
  const reg = new Registry();
  reg.videoReported(4, 0, video(100));
  reg.forgetTab(4);
  expect(fake.storage.session.remove).toHaveBeenCalledWith('tab:4');
  expect(reg.ownerFrame(4)).toBeNull();
});
