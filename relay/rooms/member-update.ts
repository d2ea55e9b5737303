/**
 * What the event handlers share: a store update on behalf of the connection's member, and the
 * wire error for a store failure (internal reasons never reach a client, only a code).
 */
import type { RelayContext, RelaySocket } from '../context';
import { ErrorCode, type Result } from '../contract/protocol';
import type { Mutation, StoredRoom } from '../store/room-store';

export const fail = (error: ErrorCode): Result<never> => ({ ok: false, error });

/** Maps a store failure to a wire code (conflict = the store gave up retrying: try again). */
export function storeError(error: string): ErrorCode {
  if (error === 'conflict') return ErrorCode.Unavailable;
  return (Object.values(ErrorCode) as string[]).includes(error) ? (error as ErrorCode) : ErrorCode.Internal;
}

/** Runs a mutation for this connection's member in its room; the value, or the wire error. */
export async function updateAsMember<T>(
  ctx: RelayContext,
  socket: RelaySocket,
  make: (memberId: string) => (room: StoredRoom) => Mutation<T, ErrorCode>,
): Promise<{ code: string; value: T; announced?: string } | { error: ErrorCode }> {
  const { code, memberId } = socket.data;
  if (code === null || memberId === null) return { error: ErrorCode.NotInRoom };
  const r = await ctx.store.update(code, make(memberId));
  if (!r.ok) return { error: r.error === 'room_not_found' ? ErrorCode.NotInRoom : storeError(r.error) };
  return r.announced === undefined ? { code, value: r.value } : { code, value: r.value, announced: r.announced };
}
