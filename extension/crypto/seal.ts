/**
 * Sealing for private rooms (issue #15): what a person watches or writes is encrypted in the
 * browser, so the relay carries it without being able to read it. Pure WebCrypto (`crypto.subtle`):
 * it runs in the service worker, the Firefox event page and Node 20 alike, with no DOM and no
 * browser extension API.
 *
 * - The room key: 256 random bits, base64url in the invite link's fragment (never sent anywhere).
 * - One key per kind of value, derived with HKDF-SHA-256 (info `lockstep/seal/<kind>`), so a key
 *   that opens chat cannot open names, plus an HMAC-SHA-256 key for media keys (URL equality) and
 *   one for the key check (a joiner's proof that its key is the room's).
 * - AES-256-GCM with a random 96-bit IV; the additional data binds the format version, the kind
 *   and the room code, so a sealed value replayed into another field or room fails to open.
 * - Encoding: `s1.` + base64url(IV ‖ ciphertext ‖ tag); lengths capped by the contract
 *   (relay/contract/protocol.ts SEALED_MAX_BYTES), so what the relay caps and what we make agree.
 */
import { SEALED_MAX_BYTES, SEALED_PREFIX, sealedMaxLength, type SealedKind } from '../../relay/contract/protocol';

export type { SealedKind };
export const ROOM_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bound into every value's additional data: a future format cannot be confused with this one. */
const FORMAT = 'lockstep-seal/1';
const KINDS: readonly SealedKind[] = ['url', 'title', 'chat', 'name', 'reaction'];

/** Why a value could not be sealed or opened; `message` says it in words. */
export type SealProblem = 'malformed' | 'too_large' | 'unopenable' | 'bad_key';

export class SealError extends Error {
  constructor(
    readonly problem: SealProblem,
    message: string,
  ) {
    super(message);
    this.name = 'SealError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function toBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of a base64url string (no padding), or null when it is not one. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A fresh room key, base64url (43 characters). */
export function newRoomKey(): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(ROOM_KEY_BYTES)));
}

/** True when `text` is a room key as invite links carry it. */
export function isRoomKey(text: string): boolean {
  const bytes = fromBase64url(text);
  return bytes !== null && bytes.length === ROOM_KEY_BYTES && toBase64url(bytes) === text;
}

/** The additional data of a value: format, kind and room, each unambiguous (codes and kinds have no `|`). */
function additionalData(kind: SealedKind, room: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`${FORMAT}|${kind}|${room}`);
}

/** A room's sealing keys, derived once from the room key. */
export interface RoomSeal {
  /** Seals `text` as a value of `kind` in room `room` (its canonical code). */
  seal(kind: SealedKind, room: string, text: string): Promise<string>;
  /** Opens a sealed value; throws SealError when it is malformed, too large, or not this room's and kind's. */
  open(kind: SealedKind, room: string, sealed: string): Promise<string>;
  /** HMAC-SHA-256 of a media URL under the room's media-key key (base64url): equal URLs, equal keys. */
  mediaKey(url: string): Promise<string>;
  /** A value derived from the room key that proves a joiner holds the room's key (not the key itself). */
  readonly keyCheck: string;
}

async function hkdf(base: CryptoKey, info: string, algorithm: AesKeyGenParams | HmacKeyGenParams, usages: KeyUsage[]): Promise<CryptoKey> {
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(`lockstep/seal/${info}`) },
    base,
    algorithm,
    false,
    usages,
  );
}

async function hmac(key: CryptoKey, text: string): Promise<string> {
  return toBase64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text))));
}

/** The room's sealing keys from its room key (base64url); throws SealError `bad_key` for anything else. */
export async function roomSeal(roomKey: string): Promise<RoomSeal> {
  if (!isRoomKey(roomKey)) throw new SealError('bad_key', 'not a room key (256 bits, base64url)');
  const base = await crypto.subtle.importKey('raw', fromBase64url(roomKey)!, 'HKDF', false, ['deriveKey']);
  const aes = { name: 'AES-GCM', length: 256 } as const;
  const keys = new Map<SealedKind, CryptoKey>();
  for (const kind of KINDS) keys.set(kind, await hkdf(base, kind, aes, ['encrypt', 'decrypt']));
  const hmacParams = { name: 'HMAC', hash: 'SHA-256', length: 256 } as const;
  const mediaKeyKey = await hkdf(base, 'media-key', hmacParams, ['sign']);
  const keyCheck = await hmac(await hkdf(base, 'key-check', hmacParams, ['sign']), FORMAT);
  const keyOf = (kind: SealedKind): CryptoKey => {
    const key = keys.get(kind);
    if (key === undefined) throw new SealError('malformed', `no such kind of sealed value: ${String(kind)}`);
    return key;
  };

  return {
    keyCheck,
    async seal(kind, room, text) {
      const plain = encoder.encode(text);
      if (plain.length > SEALED_MAX_BYTES[kind])
        throw new SealError('too_large', `a ${kind} of ${plain.length} bytes is too large to seal`);
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(kind, room) }, keyOf(kind), plain),
      );
      const out = new Uint8Array(IV_BYTES + sealed.length);
      out.set(iv);
      out.set(sealed, IV_BYTES);
      return SEALED_PREFIX + toBase64url(out);
    },
    async open(kind, room, sealed) {
      const key = keyOf(kind);
      if (typeof sealed !== 'string' || !sealed.startsWith(SEALED_PREFIX)) throw new SealError('malformed', `not a sealed ${kind}`);
      if (sealed.length > sealedMaxLength(kind)) throw new SealError('too_large', `a sealed ${kind} longer than its limit`);
      const bytes = fromBase64url(sealed.slice(SEALED_PREFIX.length));
      if (bytes === null || bytes.length < IV_BYTES + TAG_BYTES) throw new SealError('malformed', `a damaged sealed ${kind}`);
      let plain: ArrayBuffer;
      try {
        plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: additionalData(kind, room) },
          key,
          bytes.subarray(IV_BYTES),
        );
      } catch (err) {
        // GCM's tag check: another key, another kind or room, or altered bytes. WebCrypto says no more.
        throw new SealError(
          'unopenable',
          `a sealed ${kind} that this room's key does not open (${err instanceof Error ? err.name : 'error'})`,
        );
      }
      try {
        return decoder.decode(plain);
      } catch {
        throw new SealError('malformed', `a sealed ${kind} that is not text`);
      }
    },
    mediaKey: (url) => hmac(mediaKeyKey, url),
  };
}
