/**
 * A tab room's log against a fake relay connection: broadcast chat goes into the log once per id,
 * a resume answer's history adds what was missed (and only that counts as new), reactions pass
 * through unstored, activity lines follow the broadcasts, and what does not fit the protocol is dropped.
 */
jest.mock('webextension-polyfill', () => ({}));
import type { RelayConnection } from '../../../extension/background/relay-connection';
import { TabRoom, type PersistedRoom, type RoomHost } from '../../../extension/background/tab-room';
import { EMPTY_FEED } from '../../../extension/room-feed';
import type { ChatMessage, JoinedRoom, Member, ReactionEvent } from '../../../relay/contract/protocol';

type Listener = (payload: unknown) => void;

function fakeConnection(answers: { resume?: JoinedRoom }) {
  const listeners = new Map<string, Listener[]>();
  const conn = {
    relayUrl: 'http://relay.test',
    socket: { connected: true, on: (event: string, fn: Listener) => listeners.set(event, [...(listeners.get(event) ?? []), fn]) },
    request: jest.fn(async () =>
      answers.resume === undefined ? { ok: false, error: 'unavailable', message: 'no' } : { ok: true, data: answers.resume },
    ),
    settled: jest.fn(),
    close: jest.fn(),
    view: () => ({ status: 'connected', relayUrl: 'http://relay.test', detail: null, rttMs: null }),
  };
  const emit = (event: string, payload: unknown): void => listeners.get(event)?.forEach((fn) => fn(payload));
  return { conn: conn as unknown as RelayConnection, emit };
}

const member = (id: string, name: string): Member => ({
  id,
  name,
  color: '#3cb44b',
  role: id === 'm1' ? 'host' : 'member',
  status: 'paused',
  offsetMs: null,
  rttMs: null,
  joinedAt: id === 'm1' ? 1 : 2,
  connected: true,
});
const view = (): PersistedRoom['room'] => ({
  code: 'ABCDEFGHJKMNPQ',
  private: false,
  keyCheck: null,
  settings: { controlMode: 'everyone', waitPolicy: 'wait', navigationPolicy: 'follow' },
  members: [member('m1', 'Ana'), member('m2', 'Ben')],
  timeline: { media: null, paused: true, position: 0, rate: 1, setAt: 0, seq: 1, waitingFor: [], holdUntil: null, by: null },
});
const msg = (id: string, from: string, text: string): ChatMessage => ({ id, from, text, at: 1000 });

function setUp(resume?: JoinedRoom) {
  const { conn, emit } = fakeConnection({ resume });
  const host = {
    changed: jest.fn(),
    timeline: jest.fn(),
    resumed: jest.fn(),
    lost: jest.fn(),
    chat: jest.fn(),
    reaction: jest.fn(),
    unopenable: jest.fn(),
  } satisfies RoomHost;
  const room = new TabRoom(
    4,
    conn,
    { relayUrl: 'http://relay.test', memberId: 'm1', resumeToken: 't', room: view(), feed: EMPTY_FEED },
    host,
  );
  const texts = (): string[] => room.feed.entries.map((e) => (e.kind === 'chat' ? `${e.from.name}: ${e.text}` : e.kind));
  return { room, host, emit, texts };
}

test('a broadcast message goes into the log once, however often it comes; the host hears of it once', async () => {
  const { room, host, emit, texts } = setUp();
  emit('chat:message', msg('c1', 'm2', 'hi'));
  emit('chat:message', msg('c1', 'm2', 'hi'));
  await room.received();
  expect(texts()).toEqual(['Ben: hi']);
  expect(host.chat).toHaveBeenCalledTimes(1);
  expect(host.changed).toHaveBeenCalled();
});

test('a message that does not fit the protocol is dropped (and logged)', async () => {
  const { room, host, emit, texts } = setUp();
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  emit('chat:message', { id: 'c1', from: 'm2', text: 'x'.repeat(501), at: 1 });
  emit('chat:message', { from: 'm2', text: 'no id', at: 1 });
  await room.received();
  expect(texts()).toEqual([]);
  expect(host.chat).not.toHaveBeenCalled();
  expect(warn).toHaveBeenCalledTimes(2);
  warn.mockRestore();
});

test('resuming: the history in the answer adds what was said meanwhile, and only that is new', async () => {
  const resumed: JoinedRoom = {
    room: view(),
    memberId: 'm1',
    resumeToken: 't2',
    chat: [msg('c1', 'm2', 'before'), msg('c2', 'm2', 'while away')],
  };
  const { room, host, emit, texts } = setUp(resumed);
  emit('chat:message', msg('c1', 'm2', 'before'));
  await room.received();
  await room.resume();
  expect(texts()).toEqual(['Ben: before', 'Ben: while away']);
  expect(host.chat.mock.calls.map(([, m]) => (m as ChatMessage).id)).toEqual(['c1', 'c2']);
});

test('a relay without history (no `chat` in the answer) resumes as before', async () => {
  const { room, texts } = setUp({ room: view(), memberId: 'm1', resumeToken: 't2' });
  expect((await room.resume()).ok).toBe(true);
  expect(texts()).toEqual([]);
});

test('reactions go to the host as they come, never into the log; one with an unknown emoji is dropped', async () => {
  const { room, host, emit, texts } = setUp();
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const r: ReactionEvent = { from: 'm2', emoji: '🎉', at: 5 };
  emit('reaction', r);
  emit('reaction', { from: 'm2', emoji: '💩', at: 6 });
  await room.received();
  expect(host.reaction.mock.calls).toEqual([[4, r]]);
  expect(texts()).toEqual([]);
  warn.mockRestore();
});

test('activity follows the broadcasts: a member joins, the host leaves and hands over', async () => {
  const { emit, room } = setUp();
  emit('member:joined', member('m3', 'Cleo'));
  emit('member:left', { memberId: 'm2', hostId: null });
  await room.received();
  const lines = room.feed.entries.map((e) => (e.kind === 'activity' ? `${e.who.name} ${e.what.type}` : e.kind));
  expect(lines).toEqual(['Cleo joined', 'Ben left']);
  expect(room.room.members.map((m) => m.name)).toEqual(['Ana', 'Cleo']);
});
