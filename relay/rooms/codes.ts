/**
 * Secrets and identifiers drawn from the CSPRNG: room codes (LIMITS.roomCodeLength symbols of the
 * 32-symbol ROOM_CODE_ALPHABET = 70 bits), member ids, and resume tokens (32 bytes, base64url).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { LIMITS, ROOM_CODE_ALPHABET } from '../contract/protocol';

export function newRoomCode(): string {
  let code = '';
  for (let i = 0; i < LIMITS.roomCodeLength; i++) code += ROOM_CODE_ALPHABET[randomInt(ROOM_CODE_ALPHABET.length)];
  return code;
}

/**
 * Canonical form of a typed code: upper case, dashes and spaces dropped. Null when what is left
 * is not a well-formed code (wrong length or a symbol outside the alphabet).
 */
export function canonicalRoomCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  if (code.length !== LIMITS.roomCodeLength) return null;
  for (const ch of code) if (!ROOM_CODE_ALPHABET.includes(ch)) return null;
  return code;
}

/** Member ids are public (they appear in every RoomView), so 64 bits are plenty. */
export function newMemberId(): string {
  return randomBytes(8).toString('base64url');
}

/** `CODE.secret`: the room travels with the token (the store is keyed by room), the secret is 32 random bytes. */
export function newResumeToken(code: string): string {
  return `${code}.${randomBytes(32).toString('base64url')}`;
}

/** What the store keeps instead of the token itself. */
export function hashResumeToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A log-safe room code: the first 4 symbols only. */
export function redactCode(code: string): string {
  return `${code.slice(0, 4)}…`;
}
