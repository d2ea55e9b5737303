/**
 * `chat:send` and `reaction:send`: membership comes from this connection's seat, and so does whether
 * the room is private (its text and reactions sealed, which the relay checks the shape of, never opens). A chat message
 * is appended to the room's history in the store first, then broadcast as stored (same id), so a
 * joiner's history and the live messages agree; one the store cannot take is refused, not sent.
 * Reactions are volatile (a dropped one is no loss) and never stored.
 */
import { randomBytes } from 'node:crypto';
import { roomChannel, type RelayContext, type RelaySocket } from '../context';
import { ErrorCode, type ChatMessage, type Result } from '../contract/protocol';
import { chatFits, reactionFits } from '../contract/value-schemas';
import { fail } from './member-update';

/** 72 random bits: ids need only be unique within a room's last 50 messages. */
const newMessageId = (): string => randomBytes(9).toString('base64url');

export async function chatSend(ctx: RelayContext, socket: RelaySocket, req: { text: string }): Promise<Result<null>> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) return fail(ErrorCode.NotInRoom);
  if (!chatFits(socket.data.private === true, req.text)) return fail(ErrorCode.BadRequest);
  const message: ChatMessage = { id: newMessageId(), from: memberId, text: req.text, at: ctx.now() };
  // A store that fails here throws: relay/limits/guard.ts answers `unavailable` while it is down.
  if (!(await ctx.store.appendChat(code, message))) return fail(ErrorCode.NotInRoom);
  ctx.broadcast(code, 'chat:message', message);
  return { ok: true, data: null };
}

export async function reactionSend(ctx: RelayContext, socket: RelaySocket, req: { emoji: string }): Promise<Result<null>> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) return fail(ErrorCode.NotInRoom);
  if (!reactionFits(socket.data.private === true, req.emoji)) return fail(ErrorCode.BadRequest);
  ctx.metrics.eventsOut.count('reaction');
  ctx.io.to(roomChannel(code)).volatile.emit('reaction', { from: memberId, emoji: req.emoji, at: ctx.now() });
  return { ok: true, data: null };
}
