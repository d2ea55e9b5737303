/** The room panel over a real relay: the chat history in join and resume answers, its caps and lifetime; reactions. */
import { joinedRoomSchema, resultSchema } from '../../../relay/contract/answer-schemas';
import { ErrorCode, LIMITS, PROTOCOL_VERSION, REACTIONS, type ChatMessage, type JoinedRoom } from '../../../relay/contract/protocol';
import { relayNow } from '../../../relay/clock';
import { MemoryRoomStore } from '../../../relay/store/memory-store';
import { nextEvent, type TestClient } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap, useRelay } from './support';

const GRACE_MS = 1000;
const joinedAnswer = resultSchema(joinedRoomSchema);

/** Sends `texts` one after another from `from`; resolves with the broadcasts `watcher` got for them, in order. */
async function say(from: TestClient, watcher: TestClient, texts: string[]): Promise<ChatMessage[]> {
  const seen: ChatMessage[] = [];
  const listener = (m: ChatMessage): number => seen.push(m);
  watcher.on('chat:message', listener);
  for (const text of texts) unwrap(await from.emitWithAck('chat:send', { text }));
  await watcher.emitWithAck('time:ping'); // the last broadcast reached the watcher before this answer
  watcher.off('chat:message', listener);
  expect(seen.map((m) => m.text)).toEqual(texts);
  return seen;
}

/** The answer as the extension checks it (answer-schemas.ts), then its data. */
function checked(res: unknown): JoinedRoom {
  const parsed = joinedAnswer.safeParse(res);
  if (!parsed.success) throw new Error(`answer does not fit joinedRoomSchema: ${parsed.error.message}`);
  return unwrap(parsed.data);
}

const numbered = (n: number, text: (i: number) => string = (i) => `m${i}`): string[] => Array.from({ length: n }, (_, i) => text(i + 1));

describe.each(storeFactories)('room panel ($name store)', (storeFactory) => {
  // Far above the default budgets, to fill the history (the budgets come first: an invalid event spends a point too).
  const budgets = { chat: { points: 1000, duration: 1 }, reaction: { points: 1000, duration: 1 } };
  const h = useRelay({ storeFactory, config: { ROOM_GRACE_MS: GRACE_MS }, extra: { budgets } });

  test('create answers an empty history; a late joiner gets the history oldest first, as it was broadcast', async () => {
    const alice = await h.client();
    const a = checked(await alice.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Alice' } }));
    expect(a.chat).toEqual([]);
    const bob = await h.client();
    const b = checked(await bob.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: a.room.code, profile: { name: 'Bob' } }));
    expect(b.chat).toEqual([]);
    const live = [...(await say(alice, bob, ['one', 'two'])), ...(await say(bob, alice, ['three']))];
    expect(new Set(live.map((m) => m.id)).size).toBe(3);
    expect(live.map((m) => m.from)).toEqual([a.memberId, a.memberId, b.memberId]);

    const carol = await h.client();
    const c = checked(await carol.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: a.room.code, profile: { name: 'Carol' } }));
    expect(c.chat).toEqual(live);
  });

  test('the history keeps the last 50 messages; a resumed member gets it too', async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code, 'Bob');
    const live = await say(alice, bob, numbered(LIMITS.chatHistoryCount + 5));
    const { joined: carol } = await h.joinRoom(a.room.code, 'Carol');
    expect(carol.chat).toEqual(live.slice(5));

    const away = nextEvent(alice, 'member:updated');
    bob.disconnect();
    await away;
    const again = await h.client();
    const resumed = checked(await again.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: b.resumeToken }));
    expect(resumed.memberId).toBe(b.memberId);
    expect(resumed.chat).toEqual(live.slice(5));
  });

  test('the history keeps at most 16 KiB of UTF-8 text: the oldest go until it fits', async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const { socket: bob } = await h.joinRoom(a.room.code, 'Bob');
    // 498 '€' of 3 bytes and two digits: 1,496 bytes a message; 10 fit (14,960), 11 do not (16,456).
    const live = await say(alice, bob, [...numbered(5), ...numbered(11, (i) => `${'€'.repeat(498)}${String(i).padStart(2, '0')}`)]);
    const { joined: carol } = await h.joinRoom(a.room.code, 'Carol');
    expect(carol.chat).toEqual(live.slice(6));
    expect(checked({ ok: true, data: carol }).chat).toHaveLength(10);
  });

  test('the history goes with its room: the last member gone, after the grace', async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    unwrap(await alice.emitWithAck('chat:send', { text: 'bye' }));
    expect(await h.relay().store.chat(a.room.code)).toHaveLength(1);
    unwrap(await alice.emitWithAck('room:leave'));
    expect(await h.relay().store.chat(a.room.code)).toHaveLength(1); // kept for the grace period
    await new Promise((done) => setTimeout(done, GRACE_MS + 100));
    expect(await h.relay().store.get(a.room.code)).toBeNull();
    expect(await h.relay().store.chat(a.room.code)).toEqual([]);
  });

  test('chat outside a room is refused and stored nowhere', async () => {
    const c = await h.client();
    expect(await c.emitWithAck('chat:send', { text: 'anyone?' })).toEqual({ ok: false, error: ErrorCode.NotInRoom });
  });

  test('a reaction reaches the whole room, the sender included, and no other room', async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const { socket: bob, joined: b } = await h.joinRoom(a.room.code, 'Bob');
    const { socket: stranger } = await h.createRoom('Stranger');
    let leaked = false;
    stranger.on('reaction', () => (leaked = true));
    const seen = [nextEvent(alice, 'reaction'), nextEvent(bob, 'reaction')];
    const before = await bob.emitWithAck('time:ping');
    expect(await bob.emitWithAck('reaction:send', { emoji: '🎉' })).toEqual({ ok: true, data: null });
    for (const [r] of await Promise.all(seen)) {
      expect(r).toEqual({ from: b.memberId, emoji: '🎉', at: expect.any(Number) });
      expect(r.at).toBeGreaterThanOrEqual(before);
    }
    await stranger.emitWithAck('time:ping');
    expect(leaked).toBe(false);
    // Never stored: a joiner's history has no reactions.
    expect((await h.joinRoom(a.room.code, 'Carol')).joined.chat).toEqual([]);
  });

  test('every emoji of the row is accepted; anything else is invalid input; outside a room, not_in_room', async () => {
    const { socket: alice } = await h.createRoom('Alice');
    for (const emoji of REACTIONS) expect(await alice.emitWithAck('reaction:send', { emoji })).toEqual({ ok: true, data: null });
    const bad = [{ emoji: '💩' }, { emoji: '👍🏽' }, { emoji: '' }, { emoji: 1 }, { emoji: '🎉', extra: true }, {}];
    for (const payload of bad) {
      expect(await alice.emitWithAck('reaction:send', payload as never)).toEqual({ ok: false, error: ErrorCode.BadRequest });
    }
    const loner = await h.client();
    expect(await loner.emitWithAck('reaction:send', { emoji: '👍' })).toEqual({ ok: false, error: ErrorCode.NotInRoom });
  });
});

describe('reactions have their own budget', () => {
  const h = useRelay();

  test('a reaction flood is refused with rate_limited while chat still goes through', async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const { socket: bob } = await h.joinRoom(a.room.code, 'Bob');
    let delivered = 0;
    alice.on('reaction', () => delivered++);
    const results = await Promise.all(
      Array.from({ length: 12 }, () => bob.emitWithAck('reaction:send', { emoji: '😂' }).then((r) => (r.ok ? 'ok' : r.error))),
    );
    // 1 a second plus a burst of 5 (relay/limits/rate-budgets.ts): the first 6 pass.
    expect(results).toEqual([...Array(6).fill('ok'), ...Array(6).fill(ErrorCode.RateLimited)]);
    const chat = nextEvent(alice, 'chat:message');
    expect(await bob.emitWithAck('chat:send', { text: 'still talking' })).toEqual({ ok: true, data: null });
    expect((await chat)[0].text).toBe('still talking');
    // Volatile: those sent in the same instant may reach Alice as one (socket.io drops a volatile
    // packet while the connection is still writing the previous one); the refused ones never.
    expect(delivered).toBeGreaterThanOrEqual(1);
    expect(delivered).toBeLessThanOrEqual(6);
    expect(bob.connected).toBe(true);
  });
});

/** A store whose connection drops under the next chat append (as Redis may, mid-command). */
class FlakyStore extends MemoryRoomStore {
  down = false;
  dropNextAppend = false;
  override ready(): boolean {
    return !this.down && super.ready();
  }
  override async appendChat(code: string, message: ChatMessage): Promise<boolean> {
    if (this.dropNextAppend) {
      this.dropNextAppend = false;
      this.down = true;
      throw new Error('Connection is closed.');
    }
    return super.appendChat(code, message);
  }
}

describe('a chat the store cannot take', () => {
  const store = new FlakyStore({ now: relayNow });
  const h = useRelay({ store });
  afterAll(() => store.close());

  test('is refused with unavailable and not broadcast, whether the store was down already or went down under it', async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const { socket: bob } = await h.joinRoom(a.room.code, 'Bob');
    let broadcasts = 0;
    bob.on('chat:message', () => broadcasts++);
    store.dropNextAppend = true;
    expect(await alice.emitWithAck('chat:send', { text: 'lost?' })).toEqual({ ok: false, error: ErrorCode.Unavailable });
    expect(await alice.emitWithAck('chat:send', { text: 'still down' })).toEqual({ ok: false, error: ErrorCode.Unavailable });
    await bob.emitWithAck('time:ping');
    expect(broadcasts).toBe(0);
    store.down = false;
    expect(await alice.emitWithAck('chat:send', { text: 'back' })).toEqual({ ok: true, data: null });
    expect((await h.joinRoom(a.room.code, 'Carol')).joined.chat?.map((m) => m.text)).toEqual(['back']);
  });
});
