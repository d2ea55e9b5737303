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
import {
  DIGEST_LENGTH,
  displayNameProblem,
  isSealed,
  LIMITS,
  REACTIONS,
  type Media,
  type Profile,
  type RoomSettings,
  type SealedKind,
} from './protocol';

// zod/mini comes without messages: zod's English ones, as the options page has always shown them.
z.config(en());

export const nonNegative = z.number().check(z.gte(0));
/** Display names: the contract's rule (protocol.ts#displayNameProblem), trimmed. */
const name = z.string().check(
  z.trim(),
  z.refine((n) => displayNameProblem(n) === null, `not a display name (1 to ${LIMITS.nameMaxLength} characters, no control characters)`),
);
const color = z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/));

/** A sealed value of `kind` (private rooms): its shape and length only, the relay cannot open it. */
export function sealedString(kind: SealedKind) {
  return z.string().check(z.refine((s) => isSealed(kind, s), `not a sealed ${kind}`));
}
/** An HMAC-SHA-256 in base64url (a media key, a key check). */
export const digestSchema = z.string().check(z.regex(new RegExp(`^[A-Za-z0-9_-]{${DIGEST_LENGTH}}$`)));

export const openProfileSchema = z.strictObject({ name, color: z.optional(color) });
export const sealedProfileSchema = z.strictObject({ name: sealedString('name'), color: z.optional(color) });
/** A profile of either kind of room; which one a room takes is checked against the room (profileFits). */
export const profileSchema = z.strictObject({ name: z.union([name, sealedString('name')]), color: z.optional(color) });

export const openMediaSchema = z.strictObject({
  // http(s) only: members' browsers open this URL when they follow the room.
  url: z.url({ protocol: /^https?$/ }).check(z.maxLength(LIMITS.urlMaxLength)),
  title: z.string().check(z.maxLength(LIMITS.titleMaxLength)),
  duration: z.nullable(nonNegative),
});
/** A private room's media: URL and title sealed, the duration readable (the timeline clamps to it), a media key. */
export const sealedMediaSchema = z.strictObject({
  url: sealedString('url'),
  title: sealedString('title'),
  duration: z.nullable(nonNegative),
  key: digestSchema,
});
/** A media of either kind of room; which one a room takes is checked against the room (mediaFits). */
export const mediaSchema = z.strictObject({
  url: z.union([openMediaSchema.shape.url, sealedString('url')]),
  title: z.union([openMediaSchema.shape.title, sealedString('title')]),
  duration: z.nullable(nonNegative),
  key: z.optional(digestSchema),
});

/** One of REACTIONS (open rooms) or a sealed reaction (private rooms). */
export const reactionValueSchema = z.union([z.enum(REACTIONS), sealedString('reaction')]);
export const openReactionSchema = z.enum(REACTIONS);

/** A profile, a media, a chat text or a reaction of the right kind for a room: sealed in a private one, plain in an open one. */
export function profileFits(isPrivate: boolean, profile: Profile): boolean {
  return (isPrivate ? sealedProfileSchema : openProfileSchema).safeParse(profile).success;
}
export function mediaFits(isPrivate: boolean, media: Media): boolean {
  return (isPrivate ? sealedMediaSchema : openMediaSchema).safeParse(media).success;
}
export function chatFits(isPrivate: boolean, text: string): boolean {
  return isPrivate ? isSealed('chat', text) : text.trim().length > 0 && text.length <= LIMITS.chatMaxLength;
}
export function reactionFits(isPrivate: boolean, emoji: string): boolean {
  return isPrivate ? isSealed('reaction', emoji) : openReactionSchema.safeParse(emoji).success;
}

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
agree<Same<z.output<typeof openProfileSchema>, Profile>>();
agree<Same<z.output<typeof mediaSchema>, Media>>();
agree<Same<z.output<typeof settingsSchema>, RoomSettings>>();
agree<Same<z.output<typeof partialSettingsSchema>, Partial<RoomSettings>>>();
