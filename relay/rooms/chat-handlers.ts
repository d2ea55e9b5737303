/**
 * `chat:send` and `reaction:send`: relayed to the room; membership comes from this connection's seat.
 * Reactions are volatile (a dropped one is no loss) and never stored.
 */
import { randomBytes } from 'node:crypto';
import { roomChannel, type RelayContext, type RelaySocket } from '../context';
import { ErrorCode, type Reaction, type Result } from '../contract/protocol';
import { fail } from './member-update';

export async function chatSend(ctx: RelayContext, socket: RelaySocket, req: { text: string }): Promise<Result<null>> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) return fail(ErrorCode.NotInRoom);
  ctx.metrics.eventsOut.inc({ event: 'chat:message' });
  ctx.io
    .to(roomChannel(code))
    .emit('chat:message', { id: randomBytes(9).toString('base64url'), from: memberId, text: req.text, at: ctx.now() });
  return { ok: true, data: null };
}

export async function reactionSend(ctx: RelayContext, socket: RelaySocket, req: { emoji: Reaction }): Promise<Result<null>> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) return fail(ErrorCode.NotInRoom);
  ctx.metrics.eventsOut.inc({ event: 'reaction' });
  ctx.io.to(roomChannel(code)).volatile.emit('reaction', { from: memberId, emoji: req.emoji, at: ctx.now() });
  return { ok: true, data: null };
}
