/**
 * Runtime schemas for every client-to-relay payload (zod 4), part of the wire contract: the relay
 * validates every payload with them, and the extension its stored profile and room settings.
 * Objects are strict (extra keys are refused), strings are length-capped from LIMITS, numbers
 * must be finite. The compile-time checks at the bottom fail the build if a schema and its
 * protocol type drift apart.
 */
import { z } from 'zod';
import {
  displayNameProblem,
  LIMITS,
  type ControlRequest,
  type CreateRoomRequest,
  type JoinRoomRequest,
  type Media,
  type Profile,
  type ResumeRequest,
  type RoomSettings,
  type StatusReport,
  type TelemetryReport,
} from './protocol';

const finite = z.number().finite();
const nonNegative = finite.min(0);
/** Display names: the contract's rule (protocol.ts#displayNameProblem), trimmed. */
const name = z
  .string()
  .trim()
  .refine((n) => displayNameProblem(n) === null, `not a display name (1 to ${LIMITS.nameMaxLength} characters, no control characters)`);
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/);

export const profileSchema = z.strictObject({ name, color: color.optional() });

export const mediaSchema = z.strictObject({
  // http(s) only: members' browsers open this URL when they follow the room.
  url: z.url({ protocol: /^https?$/ }).max(LIMITS.urlMaxLength),
  title: z.string().max(LIMITS.titleMaxLength),
  duration: nonNegative.nullable(),
});

export const settingsSchema = z.strictObject({
  controlMode: z.enum(['everyone', 'host']),
  waitPolicy: z.enum(['wait', 'continue']),
  navigationPolicy: z.enum(['follow', 'ask']),
});
export const partialSettingsSchema = settingsSchema.partial();

const protocol = z.number().int();
/** Generous bound for a typed code: 14 symbols plus grouping dashes and spaces. */
const typedCode = z.string().min(1).max(LIMITS.roomCodeLength * 2);

export const createRoomSchema = z.strictObject({
  protocol,
  profile: profileSchema,
  settings: partialSettingsSchema.optional(),
  media: mediaSchema.optional(),
});

export const joinRoomSchema = z.strictObject({ protocol, code: typedCode, profile: profileSchema });

export const resumeSchema = z.strictObject({ protocol, resumeToken: z.string().min(1).max(64) });

const baseSeq = z.number().int().min(0).optional();
const rate = finite.min(LIMITS.minRate).max(LIMITS.maxRate);
export const controlSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('play'), position: nonNegative.optional(), baseSeq }),
  z.strictObject({ action: z.literal('pause'), position: nonNegative.optional(), baseSeq }),
  z.strictObject({ action: z.literal('seek'), position: nonNegative, baseSeq }),
  z.strictObject({ action: z.literal('rate'), rate, baseSeq }),
  z.strictObject({ action: z.literal('media'), media: mediaSchema, baseSeq }),
]);

/** Offsets beyond a day or RTTs beyond a minute are nonsense, not measurements. */
export const statusSchema = z.strictObject({
  status: z.enum(['playing', 'paused', 'buffering', 'ad', 'no_video']),
  offsetMs: finite.min(-86_400_000).max(86_400_000).nullable().optional(),
  rttMs: finite.min(0).max(60_000).nullable().optional(),
});

/** Telemetry between status changes: both values always sent (null: not known). */
export const telemetrySchema = z.strictObject({
  offsetMs: finite.min(-86_400_000).max(86_400_000).nullable(),
  rttMs: finite.min(0).max(60_000).nullable(),
});

export const chatSchema = z.strictObject({ text: z.string().trim().min(1).max(LIMITS.chatMaxLength) });

export const transferHostSchema = z.strictObject({ memberId: z.string().min(1).max(64) });

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
agree<Same<z.output<typeof createRoomSchema>, CreateRoomRequest>>();
agree<Same<z.output<typeof joinRoomSchema>, JoinRoomRequest>>();
agree<Same<z.output<typeof resumeSchema>, ResumeRequest>>();
agree<Same<z.output<typeof controlSchema>, ControlRequest>>();
agree<Same<z.output<typeof statusSchema>, StatusReport>>();
agree<Same<z.output<typeof telemetrySchema>, TelemetryReport>>();
agree<Same<z.output<typeof chatSchema>, { text: string }>>();
agree<Same<z.output<typeof transferHostSchema>, { memberId: string }>>();
