/** Sealing and opening (extension/crypto/seal.ts): every way a value can be altered or misplaced fails to open. */
import { isSealed, sealedMaxLength, SEALED_MAX_BYTES, type SealedKind } from '../../../relay/contract/protocol';
import { fromBase64url, isRoomKey, newRoomKey, roomSeal, SealError, toBase64url, type RoomSeal } from '../../../extension/crypto/seal';

const ROOM = '7K3QX9M2C4TDHA';
const OTHER_ROOM = '7K3QX9M2C4TDHB';
const KINDS: SealedKind[] = ['url', 'title', 'chat', 'name', 'reaction'];

let seal: RoomSeal;
beforeAll(async () => {
  seal = await roomSeal(newRoomKey());
});

/** The SealError a promise rejects with (fails the test when it resolves). */
async function problem(p: Promise<unknown>): Promise<SealError> {
  const err: unknown = await p.then(
    (v) => new Error(`opened to ${JSON.stringify(v)}`),
    (e: unknown) => e,
  );
  if (!(err instanceof SealError)) throw err;
  return err;
}

/** `sealed` with one byte of its IV ‖ ciphertext ‖ tag flipped at `index` (negative: from the end). */
function flip(sealed: string, index: number): string {
  const bytes = fromBase64url(sealed.slice(3))!;
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = bytes[at]! ^ 0x01;
  return 's1.' + toBase64url(bytes);
}

describe('round trip', () => {
  test.each([
    ['chat', 'Meet at the usual place 🎬 — ça va?'],
    ['name', 'Zoë'],
    ['url', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42'],
    ['title', 'Ein Titel mit Umlauten: äöü'],
    ['reaction', '❤️'],
    ['chat', ''],
  ] as Array<[SealedKind, string]>)('%s %j', async (kind, text) => {
    const sealed = await seal.seal(kind, ROOM, text);
    expect(isSealed(kind, sealed)).toBe(true);
    expect(sealed).not.toContain(text === '' ? '\u0000' : text);
    await expect(seal.open(kind, ROOM, sealed)).resolves.toBe(text);
  });

  test('the same text seals differently every time (random IV), and both open', async () => {
    const a = await seal.seal('name', ROOM, 'Ann');
    const b = await seal.seal('name', ROOM, 'Ann');
    expect(a).not.toBe(b);
    await expect(seal.open('name', ROOM, b)).resolves.toBe('Ann');
  });

  test.each(KINDS)('the largest %s seals within the limit the relay checks', async (kind) => {
    const sealed = await seal.seal(kind, ROOM, 'x'.repeat(SEALED_MAX_BYTES[kind]));
    expect(sealed.length).toBeLessThanOrEqual(sealedMaxLength(kind));
    expect(isSealed(kind, sealed)).toBe(true);
  });

  test('a room seal made again from the same key opens what the first sealed; its key check is the same', async () => {
    const key = newRoomKey();
    const [a, b] = await Promise.all([roomSeal(key), roomSeal(key)]);
    expect(a.keyCheck).toBe(b.keyCheck);
    await expect(b.open('chat', ROOM, await a.seal('chat', ROOM, 'hi'))).resolves.toBe('hi');
  });
});

describe('refused', () => {
  test.each([0, 11, 12, 20, -1, -16])('a flipped byte at %i (IV, ciphertext, tag)', async (index) => {
    const sealed = await seal.seal('chat', ROOM, 'hello there');
    expect((await problem(seal.open('chat', ROOM, flip(sealed, index)))).problem).toBe('unopenable');
  });

  test('a value opened as another kind (a chat line replayed as a name)', async () => {
    const sealed = await seal.seal('chat', ROOM, 'Bob');
    expect((await problem(seal.open('name', ROOM, sealed))).problem).toBe('unopenable');
  });

  test('a value replayed into another room (same key)', async () => {
    const sealed = await seal.seal('name', ROOM, 'Ann');
    expect((await problem(seal.open('name', OTHER_ROOM, sealed))).problem).toBe('unopenable');
  });

  test('another key', async () => {
    const other = await roomSeal(newRoomKey());
    const sealed = await seal.seal('chat', ROOM, 'secret');
    expect((await problem(other.open('chat', ROOM, sealed))).problem).toBe('unopenable');
    expect(other.keyCheck).not.toBe(seal.keyCheck);
  });

  test('a truncated value', async () => {
    const sealed = await seal.seal('chat', ROOM, 'hello there');
    expect((await problem(seal.open('chat', ROOM, sealed.slice(0, -4)))).problem).toBe('unopenable');
    expect((await problem(seal.open('chat', ROOM, sealed.slice(0, 20)))).problem).toBe('malformed');
  });

  test.each([
    ['plain text', 'hello'],
    ['no prefix', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['not base64url', 's1.AAAAAAAAAAAAAAAA+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['an impossible base64 length', 's1.' + 'A'.repeat(41)],
    ['empty', ''],
  ])('malformed: %s', async (_what, text) => {
    const err = await problem(seal.open('chat', ROOM, text));
    expect(err.problem).toBe('malformed');
    expect(err.message).toMatch(/chat/);
  });

  test('a sealed value longer than its kind allows is refused before decrypting', async () => {
    const long = await seal.seal('chat', ROOM, 'x'.repeat(SEALED_MAX_BYTES.chat));
    expect((await problem(seal.open('name', ROOM, long))).problem).toBe('too_large');
  });

  test('plaintext over the limit is not sealed', async () => {
    expect((await problem(seal.seal('name', ROOM, 'x'.repeat(SEALED_MAX_BYTES.name + 1)))).problem).toBe('too_large');
  });

  test('ciphertext that opens but is not UTF-8 is refused, not shown as replacement characters', async () => {
    // Sealed by hand with the module's derivation (HKDF info, additional data): text cannot make these bytes.
    const key = newRoomKey();
    const base = await crypto.subtle.importKey('raw', fromBase64url(key)!, 'HKDF', false, ['deriveKey']);
    const info = new TextEncoder().encode('lockstep/seal/chat');
    const chatKey = await crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info },
      base,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt'],
    );
    const iv = new Uint8Array(12);
    const additionalData = new TextEncoder().encode(`lockstep-seal/1|chat|${ROOM}`);
    const ct = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, chatKey, new Uint8Array([0x68, 0xff, 0x69])),
    );
    const sealed = 's1.' + toBase64url(new Uint8Array([...iv, ...ct]));
    const own = await roomSeal(key);
    await expect(own.open('chat', ROOM, await own.seal('chat', ROOM, 'hi'))).resolves.toBe('hi');
    expect((await problem(own.open('chat', ROOM, sealed))).problem).toBe('malformed');
  });

  test.each(['', 'short', 'A'.repeat(43) + '=', 'A'.repeat(44), '+'.repeat(43)])('not a room key: %j', async (key) => {
    expect(isRoomKey(key)).toBe(false);
    expect((await problem(roomSeal(key))).problem).toBe('bad_key');
  });
});

test('media keys: equal URLs, equal keys; another URL or room key, another key', async () => {
  const url = 'https://example.com/watch?v=1';
  const other = await roomSeal(newRoomKey());
  expect(await seal.mediaKey(url)).toBe(await seal.mediaKey(url));
  expect(await seal.mediaKey(url)).not.toBe(await seal.mediaKey(url + '2'));
  expect(await other.mediaKey(url)).not.toBe(await seal.mediaKey(url));
  expect(await seal.mediaKey(url)).toMatch(/^[A-Za-z0-9_-]{43}$/);
});

test('room keys are 256 random bits in base64url', () => {
  const a = newRoomKey();
  expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(fromBase64url(a)).toHaveLength(32);
  expect(isRoomKey(a)).toBe(true);
  expect(newRoomKey()).not.toBe(a);
});
