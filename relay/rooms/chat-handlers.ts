/** `chat:send`: relayed to the room, not stored; membership comes from this connection's seat. */
import { roomChannel, type RelayContext, type RelaySocket } from '../context';
import { ErrorCode, type Result } from '../contract/protocol';
import { fail } from './member-update';

export async function chatSend(ctx: RelayContext, socket: RelaySocket, req: { text: string }): Promise<Result<null>> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) return fail(ErrorCode.NotInRoom);
  ctx.metrics.eventsOut.inc({ event: 'chat:message' });
  ctx.io.to(roomChannel(code)).emit('chat:message', { from: memberId, text: req.text, at: ctx.now() });
  return { ok: true, data: null };
}
