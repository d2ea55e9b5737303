/**
 * Runtime schemas of the values requests and answers both carry (a profile, a media, room
 * settings), part of the wire contract: the relay validates client payloads with them
 * (schemas.ts), the extension the relay's answers (answer-schemas.ts), its stored profile and
 * room settings. Strings are length-capped from LIMITS; numbers are finite (zod 4 numbers are).
 *
 * zod/mini, zod 4's tree-shakable form: an extension context bundles only the parts of zod it
 * uses (the full `zod` API cost each of them ~770 KB), and the schemas it does not use stay out
 * with their module (the popup carries none of the relay's request schemas).
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { displayNameProblem, LIMITS, type Media, type Profile, type RoomSettings } from './protocol';

// zod/mini comes without messages: zod's English ones, as the options page has always shown them.
z.config(en());

export const nonNegative = z.number().check(z.gte(0));
/** Display names: the contract's rule (protocol.ts#displayNameProblem), trimmed. */
const name = z.string().check(
  z.trim(),
  z.refine((n) => displayNameProblem(n) === null, `not a display name (1 to ${LIMITS.nameMaxLength} characters, no control characters)`),
);
const color = z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/));

export const profileSchema = z.strictObject({ name, color: z.optional(color) });

export const mediaSchema = z.strictObject({
  // http(s) only: members' browsers open this URL when they follow the room.
  url: z.url({ protocol: /^https?$/ }).check(z.maxLength(LIMITS.urlMaxLength)),
  title: z.string().check(z.maxLength(LIMITS.titleMaxLength)),
  duration: z.nullable(nonNegative),
});

export const settingsSchema = z.strictObject({
  controlMode: z.enum(['everyone', 'host']),
  waitPolicy: z.enum(['wait', 'continue']),
  navigationPolicy: z.enum(['follow', 'ask']),
});
export const partialSettingsSchema = z.partial(settingsSchema);

// Compile-time agreement between schemas and protocol types (both directions).
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when its type argument is `true` (used with Same to pin a schema to its protocol type). */
export function agree<T extends true>(): T | undefined {
  return undefined;
}
agree<Same<z.output<typeof profileSchema>, Profile>>();
agree<Same<z.output<typeof mediaSchema>, Media>>();
agree<Same<z.output<typeof settingsSchema>, RoomSettings>>();
agree<Same<z.output<typeof partialSettingsSchema>, Partial<RoomSettings>>>();
