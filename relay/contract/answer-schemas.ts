/**
 * Runtime schemas for what the relay sends (broadcasts and acknowledgements), part of the wire
 * contract: the extension checks the relay's answers with them before it acts on them. A relay is
 * a server somebody else may run, so a malformed or hostile answer is refused with a clear error
 * instead of reaching the sync engine or the tab.
 * Objects are not strict (a newer relay may add fields; unknown ones are dropped). The compile-time
 * checks at the bottom fail the build if a schema and its protocol type drift apart.
 */
import { z } from 'zod';
import { agree, mediaSchema, settingsSchema, type Same } from './schemas';
import { ErrorCode, LIMITS, type ChatMessage, type JoinedRoom, type Member, type MemberLeft, type MemberTelemetry, type Result, type RoomView, type Timeline } from './protocol';

const finite = z.number().finite();
const id = z.string().min(1).max(64);

export const memberSchema = z.object({
  id,
  name: z.string().min(1).max(LIMITS.nameMaxLength),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  role: z.enum(['host', 'member']),
  status: z.enum(['playing', 'paused', 'buffering', 'ad', 'no_video']),
  offsetMs: finite.nullable(),
  rttMs: finite.min(0).nullable(),
  joinedAt: finite,
  connected: z.boolean(),
});

export const timelineSchema = z.object({
  media: mediaSchema.nullable(),
  paused: z.boolean(),
  position: finite.min(0),
  rate: finite.min(LIMITS.minRate).max(LIMITS.maxRate),
  setAt: finite,
  seq: z.number().int().min(0),
  waitingFor: z.array(id).max(1000),
  holdUntil: finite.nullable(),
  by: id.nullable(),
});

export const roomViewSchema = z.object({
  code: z.string().length(LIMITS.roomCodeLength),
  settings: settingsSchema,
  members: z.array(memberSchema).max(1000),
  timeline: timelineSchema,
});

export const joinedRoomSchema = z.object({ room: roomViewSchema, memberId: id, resumeToken: z.string().min(1).max(64) });
export const memberLeftSchema = z.object({ memberId: id, hostId: id.nullable() });
export const memberTelemetrySchema = z.object({ memberId: id, offsetMs: finite.nullable(), rttMs: finite.min(0).nullable() });
export const telemetryBatchSchema = z.array(memberTelemetrySchema).max(1000);
export const chatMessageSchema = z.object({ from: id, text: z.string().max(LIMITS.chatMaxLength), at: finite });
/** A `time:ping` answer: the relay's clock in ms. */
export const relayTimeSchema = finite.min(0);

/** The acknowledgement of an event whose data is `data`. */
export function resultSchema<T>(data: z.ZodType<T>): z.ZodType<Result<T>> {
  const codes = Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]];
  return z.union([
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: z.enum(codes), message: z.string().max(500).optional() }),
  ]) as z.ZodType<Result<T>>;
}

// Compile-time agreement between schemas and protocol types (both directions).
agree<Same<z.output<typeof memberSchema>, Member>>();
agree<Same<z.output<typeof timelineSchema>, Timeline>>();
agree<Same<z.output<typeof roomViewSchema>, RoomView>>();
agree<Same<z.output<typeof joinedRoomSchema>, JoinedRoom>>();
agree<Same<z.output<typeof memberLeftSchema>, MemberLeft>>();
agree<Same<z.output<typeof chatMessageSchema>, ChatMessage>>();
agree<Same<z.output<typeof memberTelemetrySchema>, MemberTelemetry>>();
