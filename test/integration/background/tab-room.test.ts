/**
 * A tab's room against a real relay: the transitions the registry relies on. A timeline from the
 * relay reaches the host once (stale or repeated ones are dropped), a new connection resumes the
 * seat on its own, and a seat the relay refuses is reported lost, not retried.
 */
import { joinedRoomSchema } from '../../../relay/contract/answer-schemas';
import { RelayConnection } from '../../../extension/background/relay-connection';
import { STATUS_MIN_GAP_MS, TabRoom, type RoomHost } from '../../../extension/background/tab-room';
import { EMPTY_FEED } from '../../../extension/room-feed';
import type { LocalError } from '../../../extension/messages';
import { sealedCodec } from '../../../extension/background/room-codec';
import { newRoomKey, roomSeal } from '../../../extension/crypto/seal';
import {
  CLIENT_FEATURES,
  ErrorCode,
  PROTOCOL_VERSION,
  type JoinedRoom,
  type MemberTelemetry,
  type Timeline,
} from '../../../relay/contract/protocol';
import { connectClient, startRelay, type TestClient, type TestRelay } from '../../support/relay';

jest.setTimeout(15_000);

let relay: TestRelay;
const open: Array<TabRoom | TestClient> = [];

beforeAll(async () => {
  relay = await startRelay({ config: { TELEMETRY_FLUSH_MS: 100 } });
});
afterEach(() => {
  for (const o of open.splice(0)) {
    if (o instanceof TabRoom) o.dispose();
    else o.disconnect();
  }
});
afterAll(() => relay.close());

interface Recorder extends RoomHost {
  timelines: Timeline[];
  resumes: number;
  losses: Array<ErrorCode | LocalError>;
}

function recorder(): Recorder {
  const r: Recorder = {
    timelines: [],
    resumes: 0,
    losses: [],
    changed: () => undefined,
    timeline: (_tab, t) => r.timelines.push(t),
    resumed: () => r.resumes++,
    lost: (_tab, error) => r.losses.push(error),
    chat: () => undefined,
    reaction: () => undefined,
    unopenable: () => undefined,
  };
  return r;
}

function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  return new Promise((done, fail) => {
    const deadline = Date.now() + timeoutMs;
    const tick = (): void => {
      if (check()) return done();
      if (Date.now() > deadline) return fail(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/**
 * Whatever the relay had sent the tab before now has been received and handled: the answer to a
 * clock ping comes after everything written to that socket before it.
 */
async function handledAll(room: TabRoom): Promise<void> {
  expect(await room.conn.ping()).not.toBeNull();
  await room.received();
}

/**
 * A tab room whose member created the room, plus a second member as a plain client (declaring the
 * current features when `friendFeatures`); `follows: false` makes the tab take its relay for one
 * older than members following the room.
 */
async function roomWithFriend(
  opts: { friendFeatures?: boolean; follows?: boolean } = {},
): Promise<{ room: TabRoom; host: Recorder; friend: TestClient; joined: JoinedRoom }> {
  const conn = new RelayConnection(relay.url, () => undefined);
  await conn.whenConnected();
  const created = await conn.request(
    (s) => s.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Ana' } }),
    joinedRoomSchema,
  );
  if (!created.ok) throw new Error(created.message);
  const host = recorder();
  const room = new TabRoom(
    7,
    conn,
    { relayUrl: relay.url, ...created.data, feed: EMPTY_FEED, follows: opts.follows ?? created.data.follows },
    host,
  );
  open.push(room);
  const friend = await connectClient(relay.url, opts.friendFeatures === true ? { auth: { features: [...CLIENT_FEATURES] } } : {});
  open.push(friend);
  const joined = await friend.emitWithAck('room:join', {
    protocol: PROTOCOL_VERSION,
    code: created.data.room.code,
    profile: { name: 'Bo' },
  });
  if (!joined.ok) throw new Error(joined.error);
  await until(() => room.room.members.length === 2, 'the friend listed');
  return { room, host, friend, joined: joined.data };
}

test('a control from another member reaches the host once; a repeated or older timeline is dropped', async () => {
  const { room, host, friend } = await roomWithFriend();
  const played = await friend.emitWithAck('playback:control', { action: 'play', position: 3 });
  if (!played.ok) throw new Error(played.error);
  await until(() => host.timelines.length === 1, 'the timeline');
  expect(host.timelines[0]?.seq).toBe(played.data.seq);
  room.applyTimeline(played.data); // the same seq again (ack and broadcast both carry it)
  room.applyTimeline({ ...played.data, seq: played.data.seq - 1 });
  expect(host.timelines).toHaveLength(1);
  expect(room.frameSync().timeline.seq).toBe(played.data.seq);
});

test('with a relay that makes members follow, a new timeline moves the listed members that were playing or paused, as the relay does', async () => {
  // The friend follows timelines itself too: the relay tells nobody the statuses a control moved.
  const { room, host, friend, joined } = await roomWithFriend({ friendFeatures: true });
  expect(room.state.follows).toBe(true);
  expect(room.frameSync().follows).toBe(true);
  expect(await room.status({ status: 'paused', offsetMs: 0, rttMs: 5, seq: room.room.timeline.seq })).toEqual({ ok: true, data: null });
  expect(room.you?.status).toBe('paused');
  const played = await friend.emitWithAck('playback:control', { action: 'play', position: 3 });
  if (!played.ok) throw new Error(played.error);
  await until(() => host.timelines.length === 1, 'the timeline');
  await handledAll(room);
  const status = (id: string) => room.room.members.find((m) => m.id === id)?.status;
  // The tab followed without a report; the friend, who has no video yet, stays as it is.
  expect([status(room.memberId), status(joined.memberId)]).toEqual(['playing', 'no_video']);
  const third = await connectClient(relay.url);
  open.push(third);
  const seen = await third.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: room.code, profile: { name: 'Cy' } });
  if (!seen.ok) throw new Error(seen.error);
  expect(seen.data.room.members.find((m) => m.id === room.memberId)?.status).toBe('playing');
});

test('with an older relay the timeline still reaches the host; the members stay as reported, and a report carries no seq', async () => {
  const { room, host, friend } = await roomWithFriend({ friendFeatures: true, follows: false });
  expect(room.frameSync().follows).toBe(false);
  const sent: unknown[] = [];
  room.conn.socket.onAnyOutgoing((event: string, payload: unknown) => {
    if (event === 'member:status') sent.push(payload);
  });
  expect(await room.status({ status: 'paused', offsetMs: 0, rttMs: 5, seq: room.room.timeline.seq })).toEqual({ ok: true, data: null });
  expect(sent).toEqual([{ status: 'paused', offsetMs: 0, rttMs: 5 }]);
  const played = await friend.emitWithAck('playback:control', { action: 'play', position: 3 });
  if (!played.ok) throw new Error(played.error);
  await until(() => host.timelines.length === 1, 'the timeline');
  expect(room.you?.status).toBe('paused');
});

test("a status batch stored under an older timeline than the tab's (another relay's, late) is taken as the newer timeline implies", async () => {
  const { room, host, friend, joined } = await roomWithFriend({ friendFeatures: true });
  const played = await friend.emitWithAck('playback:control', { action: 'play', position: 3 });
  if (!played.ok) throw new Error(played.error);
  await until(() => host.timelines.length === 1, 'the timeline');
  const channel = relay.io.to(`room:${room.code}`) as unknown as { emit(event: string, payload: unknown): void };
  const entry = { memberId: joined.memberId, offsetMs: 0, rttMs: 5 };
  channel.emit('members:status', [{ ...entry, status: 'paused', seq: played.data.seq - 1 }]);
  await handledAll(room);
  expect(room.room.members.find((m) => m.id === joined.memberId)?.status).toBe('playing');
  channel.emit('members:status', [{ ...entry, status: 'paused', seq: played.data.seq }]);
  await handledAll(room);
  expect(room.room.members.find((m) => m.id === joined.memberId)?.status).toBe('paused');
});

test('broadcasts that do not fit the protocol are dropped; the next good one applies', async () => {
  const { room, host, friend } = await roomWithFriend();
  const channel = relay.io.to(`room:${room.code}`) as unknown as { emit(event: string, payload: unknown): void };
  channel.emit('playback:state', { seq: 99, position: 'soon', paused: 'maybe' });
  channel.emit('member:updated', { id: 'x', name: '', color: 'red' });
  channel.emit('playback:state', { ...room.room.timeline, seq: 98, position: -5 });
  const played = await friend.emitWithAck('playback:control', { action: 'play', position: 4 });
  if (!played.ok) throw new Error(played.error);
  await until(() => host.timelines.length === 1, 'the good timeline');
  expect(host.timelines).toEqual([played.data]);
  expect(room.room.members.map((m) => m.id)).not.toContain('x');
});

test("status batches update the members the room lists, as member:updated did; the tab's own entry, strangers and malformed batches change nothing", async () => {
  const { room, friend } = await roomWithFriend();
  // The older friend leaves: nobody in the room needs a member:updated per report any more.
  expect(await friend.emitWithAck('room:leave')).toEqual({ ok: true, data: null });
  await until(() => room.room.members.length === 1, 'the older friend gone');
  // The tab's connection declares batches in its handshake; so does this newer friend's.
  expect(relay.io.of('/').sockets.get(room.conn.socket.id ?? '')?.data.batches).toBe(true);
  const newer = await connectClient(relay.url, { auth: { features: [...CLIENT_FEATURES] } });
  open.push(newer);
  const cy = await newer.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: room.code, profile: { name: 'Cy' } });
  if (!cy.ok) throw new Error(cy.error);
  await until(() => room.room.members.length === 2, 'Cy listed');
  const inView = (id: string) => room.room.members.find((m) => m.id === id);

  expect(await newer.emitWithAck('member:status', { status: 'paused', offsetMs: 7, rttMs: 44 })).toMatchObject({ ok: true });
  await until(() => inView(cy.data.memberId)?.status === 'paused', "Cy's status in the room view");
  expect(inView(cy.data.memberId)).toMatchObject({ name: 'Cy', offsetMs: 7, rttMs: 44, connected: true });

  const channel = relay.io.to(`room:${room.code}`) as unknown as { emit(event: string, payload: unknown): void };
  channel.emit('members:status', [{ memberId: cy.data.memberId, status: 'dancing', offsetMs: 0, rttMs: 0 }]);
  channel.emit('members:status', { memberId: cy.data.memberId, status: 'playing' });
  channel.emit('members:status', [
    { memberId: 'ghost', status: 'playing', offsetMs: 0, rttMs: 0 },
    { memberId: room.memberId, status: 'buffering', offsetMs: 99, rttMs: 99 },
  ]);
  await handledAll(room);
  expect(room.room.members).toHaveLength(2);
  expect(inView(cy.data.memberId)?.status).toBe('paused');
  expect(room.you).toMatchObject({ status: 'no_video' });
  expect(room.you?.offsetMs).not.toBe(99);

  expect(await newer.emitWithAck('member:status', { status: 'playing', offsetMs: 1, rttMs: 44 })).toMatchObject({ ok: true });
  await until(() => inView(cy.data.memberId)?.status === 'playing', "Cy's next status");
});

test('after the connection drops, the seat is resumed on the new connection without anyone asking', async () => {
  const { room, host } = await roomWithFriend();
  const memberId = room.memberId;
  room.conn.socket.io.engine.close(); // as a network loss: socket.io reconnects on its own
  await until(() => host.resumes === 1, 'the resume', 8000);
  expect(room.memberId).toBe(memberId);
  expect(room.conn.socket.connected).toBe(true);
  expect(host.losses).toEqual([]);
});

test('a seat the relay refuses (bad resume token) is lost, not retried', async () => {
  const { room, host } = await roomWithFriend();
  (room as unknown as { joined: { resumeToken: string } }).joined.resumeToken = `${room.code}.${'A'.repeat(43)}`;
  // The relay drops the connection (no state recovery): the next connection resumes with that token.
  relay.io.sockets.sockets.get(room.conn.socket.id ?? '')?.disconnect(true);
  await until(() => host.losses.length > 0, 'the seat reported lost', 8000);
  expect(host.losses).toEqual([ErrorCode.ResumeFailed]);
  expect(host.resumes).toBe(0);
});

test('a new status is acked as member:status; the same status again goes as telemetry; telemetry batches update the members', async () => {
  const { room, friend, joined } = await roomWithFriend();
  const updates: unknown[] = [];
  friend.on('member:updated', (m) => updates.push(m));
  expect(await room.status({ status: 'playing', offsetMs: 4, rttMs: 30 })).toEqual({ ok: true, data: null });
  expect(room.you).toMatchObject({ status: 'playing', offsetMs: 4, rttMs: 30 });
  await until(() => updates.length === 1, 'the friend told of the new status');

  const batches: MemberTelemetry[][] = [];
  friend.on('members:telemetry', (entries) => batches.push(entries));
  expect(await friend.emitWithAck('members:watch', { on: true })).toEqual({ ok: true, data: null });
  expect(await room.status({ status: 'playing', offsetMs: -2, rttMs: 31 })).toEqual({ ok: true, data: null });
  expect(room.you).toMatchObject({ status: 'playing', offsetMs: -2, rttMs: 31 }); // shown at once
  await until(() => batches.flat().some((e) => e.memberId === room.memberId && e.offsetMs === -2), 'the batch with the offset');
  expect(updates).toHaveLength(1);

  // Nobody looks at this tab's member list: the friend's report is not sent to it...
  const friendInView = (): { offsetMs: number | null; rttMs: number | null } | undefined =>
    room.room.members.find((m) => m.id === joined.memberId);
  const before = friendInView()?.offsetMs;
  friend.emit('member:telemetry', { offsetMs: 11, rttMs: 70 });
  await until(() => batches.flat().some((e) => e.memberId === joined.memberId && e.offsetMs === 11), "the friend's own batch");
  await handledAll(room);
  expect(friendInView()?.offsetMs).toBe(before);
  // ...until its popup opens: then the relay sends the latest report again, unasked.
  room.watchMembers(true);
  await until(() => friendInView()?.offsetMs === 11, "the friend's offset in the room view");
  expect(friendInView()?.rttMs).toBe(70);

  // A status change after telemetry is a status again.
  expect(await room.status({ status: 'paused', offsetMs: null, rttMs: 31 })).toEqual({ ok: true, data: null });
  await until(() => updates.length === 2, 'the friend told of the pause');
  expect(updates[1]).toMatchObject({ id: room.memberId, status: 'paused' });
});

test('a watching tab watches again on the connection it resumes on; one that stopped gets no batch', async () => {
  const { room, host, friend, joined } = await roomWithFriend();
  const offsetInView = (): number | null | undefined => room.room.members.find((m) => m.id === joined.memberId)?.offsetMs;
  room.watchMembers(true);
  friend.emit('member:telemetry', { offsetMs: 5, rttMs: 40 });
  await until(() => offsetInView() === 5, 'the first report');
  // The relay drops the connection without state recovery: the new socket is in no channel.
  relay.io.sockets.sockets.get(room.conn.socket.id ?? '')?.disconnect(true);
  await until(() => host.resumes === 1, 'the resume', 8000);
  friend.emit('member:telemetry', { offsetMs: 6, rttMs: 40 });
  await until(() => offsetInView() === 6, 'a report after the resume');

  room.watchMembers(false);
  const sid = room.conn.socket.id ?? '';
  await until(() => relay.io.of('/').adapter.rooms.get(`watch:${room.code}`)?.has(sid) !== true, 'the watch ended');
  // The friend watches now: the batch it gets is the one the tab would have got.
  const seen: MemberTelemetry[][] = [];
  friend.on('members:telemetry', (entries) => seen.push(entries));
  expect(await friend.emitWithAck('members:watch', { on: true })).toEqual({ ok: true, data: null });
  friend.emit('member:telemetry', { offsetMs: 7, rttMs: 40 });
  await until(() => seen.flat().some((e) => e.offsetMs === 7), "the friend's batch");
  await handledAll(room);
  expect(offsetInView()).toBe(6);
});

test('status reports in a burst: one at a time, at most one per STATUS_MIN_GAP_MS, the latest wins; every caller gets the answer', async () => {
  const { room, friend } = await roomWithFriend();
  const seen: string[] = [];
  friend.on('member:updated', (m) => seen.push(m.status));
  const flapping = ['playing', 'buffering', 'playing', 'buffering', 'paused'] as const;
  const started = performance.now();
  const answers = await Promise.all(flapping.map((status) => room.status({ status, offsetMs: null, rttMs: 20 })));
  expect(answers).toEqual(flapping.map(() => ({ ok: true, data: null })));
  // The first went at once; the four after it waited together, and only the last of them was sent.
  expect(performance.now() - started).toBeGreaterThanOrEqual(STATUS_MIN_GAP_MS - 5);
  await until(() => seen.length === 2, 'two member:updated');
  expect(seen).toEqual(['playing', 'paused']);
  expect(room.you?.status).toBe('paused');
});

test("a status back to the room's while another is on its way goes as a status, not telemetry: the relay ends with the latest", async () => {
  const { room, friend } = await roomWithFriend();
  expect(await room.status({ status: 'playing', offsetMs: 0, rttMs: 20 })).toEqual({ ok: true, data: null });
  const since = performance.now();
  await until(() => performance.now() - since > STATUS_MIN_GAP_MS, 'the pacing gap');
  const seen: string[] = [];
  friend.on('member:updated', (m) => seen.push(m.status));
  // Buffering goes out at once; playing again (the room still shows playing until the answer) follows it.
  const answers = await Promise.all([
    room.status({ status: 'buffering', offsetMs: null, rttMs: 20 }),
    room.status({ status: 'playing', offsetMs: 3, rttMs: 20 }),
  ]);
  expect(answers).toEqual([
    { ok: true, data: null },
    { ok: true, data: null },
  ]);
  await until(() => seen.length === 2, 'both statuses told');
  expect(seen).toEqual(['buffering', 'playing']);
  const stored = await relay.store.get(room.code);
  expect(stored?.members[room.memberId]).toMatchObject({ status: 'playing', offsetMs: 3 });
  expect(stored?.timeline.waitingFor).toEqual([]);
});

/** A private room as the creator's tab holds it (key and all), and a friend who joined with the link's key. */
async function privateRoomWithFriend() {
  const roomKey = newRoomKey();
  const seal = await roomSeal(roomKey);
  const conn = new RelayConnection(relay.url, () => undefined);
  await conn.whenConnected();
  const created = await conn.request(
    async (s) =>
      s.emitWithAck('room:create', {
        protocol: PROTOCOL_VERSION,
        private: { keyCheck: seal.keyCheck },
        profile: { name: await seal.seal('name', '', 'Ana') },
      }),
    joinedRoomSchema,
  );
  if (!created.ok) throw new Error(created.message);
  const host = recorder();
  const codec = sealedCodec(seal, created.data.room.code);
  const members = created.data.room.members.map((m) => ({ ...m, name: 'Ana' }));
  const room = new TabRoom(
    7,
    conn,
    { relayUrl: relay.url, ...created.data, room: { ...created.data.room, members }, feed: EMPTY_FEED, roomKey },
    host,
  );
  open.push(room);
  expect((await room.profile({ name: 'Ana' })).ok).toBe(true);
  const friend = await connectClient(relay.url);
  open.push(friend);
  const joined = await friend.emitWithAck('room:join', {
    protocol: PROTOCOL_VERSION,
    code: created.data.room.code,
    profile: await codec.profileOut({ name: 'Bo' }),
  });
  if (!joined.ok) throw new Error(joined.error);
  await until(() => room.room.members.length === 2, 'the friend listed');
  return { room, host, friend, codec };
}

test('private room: what the relay carries is opened before anyone sees it; what the tab sends is sealed', async () => {
  const { room, host, friend, codec } = await privateRoomWithFriend();
  expect(room.room.members.map((m) => m.name)).toEqual(['Ana', 'Bo']);
  const media = { url: 'https://example.com/watch?v=7', title: 'Seven', duration: 70 };
  const sent = await friend.emitWithAck('playback:control', { action: 'media', media: await codec.mediaOut(media) });
  if (!sent.ok) throw new Error(sent.error);
  await until(() => host.timelines.length === 1, 'the media');
  expect(host.timelines[0]?.media).toEqual(media);
  // The tab's own chat goes sealed; the friend opens it.
  const heard = new Promise<string>((done) => friend.once('chat:message', (m) => void codec.chat(m).then((o) => done(o.text))));
  expect((await room.chat('hej')).ok).toBe(true);
  expect(await heard).toBe('hej');
  // The tab's own line comes back from the relay and is opened in turn (not necessarily before the friend's).
  await until(() => room.feed.entries.some((e) => e.kind === 'chat' && e.text === 'hej'), 'the own chat line in the feed');
  // After a reconnect the resumed room opens again (the key is kept with the seat).
  room.conn.socket.io.engine.close();
  await until(() => host.resumes === 1, 'the resume', 8000);
  expect(room.room.members.map((m) => m.name)).toEqual(['Ana', 'Bo']);
  expect(room.room.timeline.media).toEqual(media);
});

test('private room: a value the relay altered or replayed into another field is dropped and reported, never shown', async () => {
  const { room, host, codec } = await privateRoomWithFriend();
  const unopenable: string[] = [];
  host.unopenable = (_tab: number, message: string) => void unopenable.push(message);
  const channel = relay.io.to(`room:${room.code}`) as unknown as { emit(event: string, payload: unknown): void };
  const bo = room.room.members.find((m) => m.name === 'Bo')!;
  const chatAsName = await codec.chatOut('Mallory');
  channel.emit('member:updated', { ...bo, name: chatAsName }); // a chat line replayed as a name
  const sealed = await codec.chatOut('original');
  const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
  channel.emit('chat:message', { id: 'c9', from: bo.id, text: flipped, at: 1 });
  await until(() => unopenable.length === 2, 'both reported');
  await room.received();
  expect(room.room.members.map((m) => m.name)).toEqual(['Ana', 'Bo']);
  expect(room.feed.entries.filter((e) => e.kind === 'chat')).toEqual([]);
  expect(unopenable[0]).toMatch(/This invite link is damaged/);
});
