/**
 * Runtime schemas for what the relay sends (broadcasts and acknowledgements), part of the wire
 * contract: the extension checks the relay's answers with them before it acts on them. A relay is
 * a server somebody else may run, so a malformed or hostile answer is refused with a clear error
 * instead of reaching the sync engine or the tab.
 * Objects are not strict (a newer relay may add fields; unknown ones are dropped). The compile-time
 * checks at the bottom fail the build if a schema and its protocol type drift apart.
 */
import * as z from 'zod/mini';
import {
  agree,
  digestSchema,
  mediaSchema,
  nonNegative,
  reactionValueSchema,
  sealedString,
  settingsSchema,
  type Same,
} from './value-schemas';
import {
  ErrorCode,
  LIMITS,
  sealedMaxLength,
  type ChatMessage,
  type ReactionEvent,
  type JoinedRoom,
  type Member,
  type MemberLeft,
  type MemberStatusEntry,
  type MemberTelemetry,
  type Result,
  type RoomView,
  type Timeline,
} from './protocol';

const finite = z.number();
const id = z.string().check(z.minLength(1), z.maxLength(64));

export const memberSchema = z.object({
  id,
  // A display name, or a sealed one (private rooms): the extension opens and checks it (tab-room.ts).
  name: z.union([z.string().check(z.minLength(1), z.maxLength(LIMITS.nameMaxLength)), sealedString('name')]),
  color: z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/)),
  role: z.enum(['host', 'member']),
  status: z.enum(['playing', 'paused', 'buffering', 'ad', 'no_video']),
  offsetMs: z.nullable(finite),
  rttMs: z.nullable(nonNegative),
  joinedAt: finite,
  connected: z.boolean(),
});

export const timelineSchema = z.object({
  media: z.nullable(mediaSchema),
  paused: z.boolean(),
  position: nonNegative,
  rate: z.number().check(z.gte(LIMITS.minRate), z.lte(LIMITS.maxRate)),
  setAt: finite,
  seq: z.int().check(z.gte(0)),
  waitingFor: z.array(id).check(z.maxLength(1000)),
  holdUntil: z.nullable(finite),
  by: z.nullable(id),
});

export const roomViewSchema = z.object({
  code: z.string().check(z.length(LIMITS.roomCodeLength)),
  private: z.boolean(),
  keyCheck: z.nullable(digestSchema),
  settings: settingsSchema,
  members: z.array(memberSchema).check(z.maxLength(1000)),
  timeline: timelineSchema,
});

export const chatMessageSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  from: id,
  text: z.string().check(z.maxLength(Math.max(LIMITS.chatMaxLength, sealedMaxLength('chat')))),
  at: finite,
});
export const joinedRoomSchema = z.object({
  room: roomViewSchema,
  memberId: id,
  resumeToken: z.string().check(z.minLength(1), z.maxLength(64)),
  chat: z.optional(z.array(chatMessageSchema).check(z.maxLength(LIMITS.chatHistoryCount))),
  follows: z.optional(z.boolean()),
});
export const reactionEventSchema = z.object({ from: id, emoji: reactionValueSchema, at: finite });
export const memberLeftSchema = z.object({ memberId: id, hostId: z.nullable(id) });
export const memberTelemetrySchema = z.object({ memberId: id, offsetMs: z.nullable(finite), rttMs: z.nullable(nonNegative) });
export const telemetryBatchSchema = z.array(memberTelemetrySchema).check(z.maxLength(1000));
export const memberStatusEntrySchema = z.object({
  memberId: id,
  status: memberSchema.shape.status,
  offsetMs: z.nullable(finite),
  rttMs: z.nullable(nonNegative),
  seq: z.optional(z.int().check(z.gte(0))),
});
export const statusBatchSchema = z.array(memberStatusEntrySchema).check(z.maxLength(1000));
/** A `time:ping` answer: the relay's clock in ms. */
export const relayTimeSchema = nonNegative;

/** The acknowledgement of an event whose data is `data`. */
export function resultSchema<T>(data: z.ZodMiniType<T>): z.ZodMiniType<Result<T>> {
  const codes = Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]];
  return z.union([
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: z.enum(codes), message: z.optional(z.string().check(z.maxLength(500))) }),
  ]) as z.ZodMiniType<Result<T>>;
}

// Compile-time agreement between schemas and protocol types (both directions).
agree<Same<z.output<typeof memberSchema>, Member>>();
agree<Same<z.output<typeof timelineSchema>, Timeline>>();
agree<Same<z.output<typeof roomViewSchema>, RoomView>>();
agree<Same<z.output<typeof joinedRoomSchema>, JoinedRoom>>();
agree<Same<z.output<typeof memberLeftSchema>, MemberLeft>>();
agree<Same<z.output<typeof chatMessageSchema>, ChatMessage>>();
agree<Same<z.output<typeof reactionEventSchema>, ReactionEvent>>();
agree<Same<z.output<typeof memberTelemetrySchema>, MemberTelemetry>>();
agree<Same<z.output<typeof memberStatusEntrySchema>, MemberStatusEntry>>();
