/** Checks shared by the popup and the options page, with the words shown next to the field. */
import { LIMITS } from '../../relay/protocol';
import { normalizeRelayUrl } from '../invite';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export function checkDisplayName(text: string): Checked<string> {
  const name = text.trim();
  if (name.length === 0) return { ok: false, message: 'Enter a display name: it is what the others see.' };
  if (name.length > LIMITS.nameMaxLength) return { ok: false, message: `A display name has at most ${LIMITS.nameMaxLength} characters (this one has ${name.length}).` };
  if (CONTROL_CHARS.test(name)) return { ok: false, message: 'A display name cannot contain control characters.' };
  return { ok: true, value: name };
}

export function checkRelayUrl(text: string): Checked<string> {
  if (text.trim() === '') return { ok: false, message: 'Enter the relay URL, like http://localhost:3000.' };
  const url = normalizeRelayUrl(text);
  if (url === null) return { ok: false, message: 'The relay URL must be an http(s):// or ws(s):// address without a query or #part, like https://relay.example.com.' };
  return { ok: true, value: url };
}

export function checkColor(text: string): Checked<string> {
  return /^#[0-9a-f]{6}$/i.test(text) ? { ok: true, value: text.toLowerCase() } : { ok: false, message: 'Pick a colour (#rrggbb).' };
}
