/**
 * Invite links and room codes.
 *
 * An invite is the video page's own URL with the room in its fragment:
 *   https://www.youtube.com/watch?v=abc#lockstep=7K3QX9M2C4TDHA&relay=https%3A%2F%2Frelay.example
 * The fragment never reaches the streaming site's servers, and the content script removes it
 * (history.replaceState) at document_start, before the page's own scripts read it. Opened
 * without the extension, the link simply lands on the video. A page fragment of its own is kept
 * in front of ours: `#t=30&lockstep=...`.
 */
import { LIMITS, ROOM_CODE_ALPHABET } from '../relay/contract/protocol';

export interface Invite {
  code: string;
  /** Relay the room lives on; null for a bare code (use the configured relay). */
  relayUrl: string | null;
  /** The video page to open, without the invite part; null for a bare code. */
  pageUrl: string | null;
  /** A private room's key (base64url, 256 bits); null for an open room or a bare code. */
  key: string | null;
}

export type InviteParse = { ok: true; invite: Invite } | { ok: false; message: string };

const CODE_KEY = 'lockstep';
const RELAY_KEY = 'relay';
const ROOM_KEY = 'key';
/** A room key as invite links carry it: 256 bits in unpadded base64url (extension/crypto/seal.ts). */
const ROOM_KEY_CHARS = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const CODE_CHARS = new RegExp(`^[${ROOM_CODE_ALPHABET}]{${LIMITS.roomCodeLength}}$`);

/** Canonical room code (upper case, dashes and spaces dropped), or null when it is not one. */
export function normalizeRoomCode(text: string): string | null {
  const code = text.replace(/[\s-]/g, '').toUpperCase();
  return CODE_CHARS.test(code) ? code : null;
}

/** A code grouped for reading aloud: 7K3Q-X9M2-C4TD-HA. */
export function formatRoomCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

/**
 * What a relay address must look like before anything connects to it: http(s) or ws(s), written
 * with `//` and a host, and nothing in the authority that could hide another host or credentials
 * (`@`, a backslash: `https://relay.example@evil.example`). The URL parser is lenient (`http:host`,
 * `https://@host` parse); an address from a link is held to what a person would read.
 */
const RELAY_AUTHORITY = /^(https?|wss?):\/\/[^/?#@\\\s]+(?:[/?#]|$)/i;

/** A relay URL as the extension stores it (origin + path, no trailing slash), or null when invalid. */
export function normalizeRelayUrl(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length > LIMITS.urlMaxLength || !RELAY_AUTHORITY.test(trimmed)) return null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null; // not a URL at all: the caller reports it
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) || url.hostname === '' || url.username || url.password) return null;
  if (url.search || url.hash) return null;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** Splits a fragment (without '#') into the page's own part and our parameters. */
function splitFragment(fragment: string): { own: string; params: URLSearchParams } | null {
  const at = fragment.search(new RegExp(`(^|&)${CODE_KEY}=`));
  if (at < 0) return null;
  const start = fragment[at] === '&' ? at + 1 : at;
  return { own: fragment.slice(0, at), params: new URLSearchParams(fragment.slice(start)) };
}

/** The invite link for a room watched on `pageUrl`. */
export function formatInvite(pageUrl: string, code: string, relayUrl: string, key: string | null = null): string {
  const url = new URL(pageUrl);
  const own = url.hash.replace(/^#/, '');
  const existing = splitFragment(own);
  const kept = existing ? existing.own : own;
  const params = new URLSearchParams({ [CODE_KEY]: code, [RELAY_KEY]: relayUrl, ...(key === null ? {} : { [ROOM_KEY]: key }) });
  url.hash = (kept ? `${kept}&` : '') + params.toString();
  return url.toString();
}

/** `url` without the invite part of its fragment, or null when it carries no invite. */
export function stripInvite(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null; // not a URL: no invite in it
  }
  const split = splitFragment(parsed.hash.replace(/^#/, ''));
  if (split === null) return null;
  parsed.hash = split.own;
  return parsed.toString().replace(/#$/, '');
}

/** Reads what a user pasted (invite link or room code) or a page URL carrying an invite. */
export function parseInvite(text: string): InviteParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Paste an invite link or a room code.' };
  if (trimmed.length > LIMITS.urlMaxLength * 2) return { ok: false, message: 'That text is too long to be an invite link.' };
  const bare = normalizeRoomCode(trimmed);
  if (bare !== null) return { ok: true, invite: { code: bare, relayUrl: null, pageUrl: null, key: null } };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return {
      ok: false,
      message: `That is neither an invite link nor a room code (codes have ${LIMITS.roomCodeLength} letters and digits).`,
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: 'Invite links start with http:// or https://.' };
  // `https://www.youtube.com@evil.example/` is evil.example: a link with credentials is not opened.
  if (url.username || url.password)
    return { ok: false, message: 'That link hides its real address (it has an @ before the site). Ask for the invite link again.' };
  const split = splitFragment(url.hash.replace(/^#/, ''));
  if (split === null) return { ok: false, message: 'That link has no Lockstep room in it. Ask for the invite link again.' };
  const code = normalizeRoomCode(split.params.get(CODE_KEY) ?? '');
  if (code === null) return { ok: false, message: 'The room code in that link is damaged. Ask for the invite link again.' };
  const relayText = split.params.get(RELAY_KEY);
  const relayUrl = relayText === null ? null : normalizeRelayUrl(relayText);
  if (relayText !== null && relayUrl === null) return { ok: false, message: 'The relay address in that link is not valid.' };
  const key = split.params.get(ROOM_KEY);
  if (key !== null && !ROOM_KEY_CHARS.test(key))
    return { ok: false, message: 'This invite link is damaged: ask for the invite link again.' };
  return { ok: true, invite: { code, relayUrl, pageUrl: stripInvite(trimmed), key } };
}
