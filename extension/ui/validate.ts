/** Checks shared by the popup and the options page, with the words shown next to the field. */
import { displayNameProblem, LIMITS, type DisplayNameProblem } from '../../relay/contract/protocol';
import { normalizeRelayUrl } from '../invite';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const NAME_MESSAGES: Record<DisplayNameProblem, (name: string) => string> = {
  empty: () => 'Enter a display name: it is what the others see.',
  too_long: (name) => `A display name has at most ${LIMITS.nameMaxLength} characters (this one has ${name.length}).`,
  control_characters: () => 'A display name cannot contain control characters.',
};

/** The contract's display-name rule, in words. */
export function checkDisplayName(text: string): Checked<string> {
  const name = text.trim();
  const problem = displayNameProblem(name);
  return problem === null ? { ok: true, value: name } : { ok: false, message: NAME_MESSAGES[problem](name) };
}

export function checkRelayUrl(text: string): Checked<string> {
  if (text.trim() === '') return { ok: false, message: 'Enter the relay URL, like http://localhost:3000.' };
  const url = normalizeRelayUrl(text);
  if (url === null)
    return {
      ok: false,
      message: 'The relay URL must be an http(s):// or ws(s):// address without a query or #part, like https://relay.example.com.',
    };
  return { ok: true, value: url };
}

export function checkColor(text: string): Checked<string> {
  return /^#[0-9a-f]{6}$/i.test(text) ? { ok: true, value: text.toLowerCase() } : { ok: false, message: 'Pick a colour (#rrggbb).' };
}
