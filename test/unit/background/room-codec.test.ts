/** room-codec.ts: what a private room sends is sealed, what comes back opens only when it is the room's, and is checked. */
import { DEFAULT_SETTINGS, type Member, type RoomView } from '../../../relay/contract/protocol';
import { OPEN_CODEC, roomCodec, sealedCodec } from '../../../extension/background/room-codec';
import { newRoomKey, roomSeal, SealError } from '../../../extension/crypto/seal';

const CODE = '7K3QX9M2C4TDHA';
const member = (name: string): Member => ({
  id: 'm1',
  name,
  color: '#112233',
  role: 'host',
  status: 'paused',
  offsetMs: null,
  rttMs: null,
  joinedAt: 1,
  connected: true,
});
const timeline = { media: null, paused: true, position: 0, rate: 1, setAt: 0, seq: 0, waitingFor: [], holdUntil: null, by: null };

async function setUp() {
  const seal = await roomSeal(newRoomKey());
  const codec = sealedCodec(seal, CODE);
  const room = async (over: Partial<RoomView> = {}): Promise<RoomView> => ({
    code: CODE,
    private: true,
    keyCheck: seal.keyCheck,
    settings: DEFAULT_SETTINGS,
    members: [member((await codec.profileOut({ name: 'Ann' })).name)],
    timeline: { ...timeline, media: await codec.mediaOut({ url: 'https://example.com/v', title: 'T', duration: 3 }) },
    ...over,
  });
  return { seal, codec, room };
}

async function problem(p: Promise<unknown>): Promise<string> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  return err instanceof SealError ? err.problem : `no SealError (${String(err)})`;
}

test('a private room opens to plain names and media; what goes out is sealed with a media key', async () => {
  const { codec, room } = await setUp();
  const opened = await codec.room(await room());
  expect(opened.members[0]!.name).toBe('Ann');
  expect(opened.timeline.media).toEqual({ url: 'https://example.com/v', title: 'T', duration: 3 });
  const out = await codec.mediaOut({ url: 'https://example.com/v', title: 'T', duration: 3 });
  expect(out.url).toMatch(/^s1\./);
  expect(out.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect((await codec.chatOut('hello')).startsWith('s1.')).toBe(true);
});

test('a relay that says the room is open, another key check or another code: refused (no downgrade)', async () => {
  const { codec, room } = await setUp();
  expect(await problem(codec.room(await room({ private: false, keyCheck: null })))).toBe('bad_key');
  expect(await problem(codec.room(await room({ keyCheck: 'A'.repeat(43) })))).toBe('bad_key');
  expect(await problem(codec.room(await room({ code: 'ABCDEFGHJKMNPQ' })))).toBe('bad_key');
});

test('the wrong key does not open the room: its key check already differs', async () => {
  const { room } = await setUp();
  const other = sealedCodec(await roomSeal(newRoomKey()), CODE);
  expect(await problem(other.room(await room()))).toBe('bad_key');
  // Even with the check passed on, its values do not open.
  const r = await room();
  expect(await problem(other.member(r.members[0]!))).toBe('unopenable');
});

test('a value that opens to something the contract refuses is refused, not shown', async () => {
  const { seal, codec } = await setUp();
  const badName = await seal.seal('name', CODE, 'A\u0007B');
  expect(await problem(codec.member(member(badName)))).toBe('malformed');
  const js = {
    url: await seal.seal('url', CODE, 'javascript:alert(1)'),
    title: await seal.seal('title', CODE, 't'),
    duration: null,
    key: 'k'.repeat(43),
  };
  expect(await problem(codec.timeline({ ...timeline, media: js }))).toBe('malformed');
  const notAReaction = await seal.seal('reaction', CODE, '💩');
  expect(await problem(codec.reaction({ from: 'm1', emoji: notAReaction, at: 1 }))).toBe('malformed');
  // A chat line replayed as a name does not open.
  const chat = await codec.chatOut('Ann');
  expect(await problem(codec.member(member(chat)))).toBe('unopenable');
});

test('the open codec: plain values only, and a private room is refused', async () => {
  const { room } = await setUp();
  expect(await problem(OPEN_CODEC.room(await room()))).toBe('bad_key');
  expect(await OPEN_CODEC.chatOut('hi')).toBe('hi');
  expect(await problem(OPEN_CODEC.reaction({ from: 'm1', emoji: 'x', at: 1 }))).toBe('malformed');
  expect(await roomCodec(null, CODE)).toBe(OPEN_CODEC);
  expect((await roomCodec(newRoomKey(), CODE)).private).toBe(true);
});
