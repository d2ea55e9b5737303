/**
 * Runtime schemas for every client-to-relay payload, part of the wire contract: the relay
 * validates every payload with them before a handler sees it. Objects are strict (extra keys are
 * refused), strings are length-capped from LIMITS, numbers are finite (zod 4 numbers are). The
 * values they carry (profile, media, settings) are in value-schemas.ts. The compile-time checks at
 * the bottom fail the build if a schema and its protocol type drift apart.
 */
import * as z from 'zod/mini';
import type { ControlRequest, CreateRoomRequest, JoinRoomRequest, ResumeRequest, StatusReport, TelemetryReport } from './protocol';
import { LIMITS, sealedMaxLength } from './protocol';
import {
  agree,
  digestSchema,
  mediaSchema,
  nonNegative,
  partialSettingsSchema,
  profileSchema,
  reactionValueSchema,
  type Same,
} from './value-schemas';

const protocol = z.int();
/** Generous bound for a typed code: 14 symbols plus grouping dashes and spaces. */
const typedCode = z.string().check(z.minLength(1), z.maxLength(LIMITS.roomCodeLength * 2));

export const createRoomSchema = z.strictObject({
  protocol,
  private: z.optional(z.strictObject({ keyCheck: digestSchema })),
  profile: profileSchema,
  settings: z.optional(partialSettingsSchema),
  media: z.optional(mediaSchema),
});

export const joinRoomSchema = z.strictObject({ protocol, code: typedCode, profile: profileSchema });

export const resumeSchema = z.strictObject({ protocol, resumeToken: z.string().check(z.minLength(1), z.maxLength(64)) });

const baseSeq = z.optional(z.int().check(z.gte(0)));
const rate = z.number().check(z.gte(LIMITS.minRate), z.lte(LIMITS.maxRate));
export const controlSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('play'), position: z.optional(nonNegative), baseSeq }),
  z.strictObject({ action: z.literal('pause'), position: z.optional(nonNegative), baseSeq }),
  z.strictObject({ action: z.literal('seek'), position: nonNegative, baseSeq }),
  z.strictObject({ action: z.literal('rate'), rate, baseSeq }),
  z.strictObject({ action: z.literal('media'), media: mediaSchema, baseSeq }),
]);

/** Offsets beyond a day or RTTs beyond a minute are nonsense, not measurements. */
const offsetMs = z.nullable(z.number().check(z.gte(-86_400_000), z.lte(86_400_000)));
const rttMs = z.nullable(z.number().check(z.gte(0), z.lte(60_000)));

export const statusSchema = z.strictObject({
  status: z.enum(['playing', 'paused', 'buffering', 'ad', 'no_video']),
  offsetMs: z.optional(offsetMs),
  rttMs: z.optional(rttMs),
  seq: baseSeq,
});

/** Telemetry between status changes: both values always sent (null: not known). */
export const telemetrySchema = z.strictObject({ offsetMs, rttMs });
export const watchSchema = z.strictObject({ on: z.boolean() });

/**
 * Plain text (open rooms: trimmed, 1 to LIMITS.chatMaxLength) or a sealed one (private rooms); which
 * one the room takes is checked against it (value-schemas.ts chatFits).
 */
export const chatSchema = z.strictObject({
  text: z.string().check(z.trim(), z.minLength(1), z.maxLength(Math.max(LIMITS.chatMaxLength, sealedMaxLength('chat')))),
});

export const reactionSchema = z.strictObject({ emoji: reactionValueSchema });

export const transferHostSchema = z.strictObject({ memberId: z.string().check(z.minLength(1), z.maxLength(64)) });

// Compile-time agreement between schemas and protocol types (both directions).
agree<Same<z.output<typeof createRoomSchema>, CreateRoomRequest>>();
agree<Same<z.output<typeof joinRoomSchema>, JoinRoomRequest>>();
agree<Same<z.output<typeof resumeSchema>, ResumeRequest>>();
agree<Same<z.output<typeof controlSchema>, ControlRequest>>();
agree<Same<z.output<typeof statusSchema>, StatusReport>>();
agree<Same<z.output<typeof telemetrySchema>, TelemetryReport>>();
agree<Same<z.output<typeof watchSchema>, { on: boolean }>>();
agree<Same<z.output<typeof chatSchema>, { text: string }>>();
agree<Same<z.output<typeof reactionSchema>, { emoji: string }>>();
agree<Same<z.output<typeof transferHostSchema>, { memberId: string }>>();
