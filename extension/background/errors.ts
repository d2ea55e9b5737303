/** Every failure the popup or a page may show, in words a person understands. */
import { ErrorCode, LIMITS } from '../../relay/contract/protocol';
import { LocalError, type ExtResult } from '../messages';

type Code = ErrorCode | LocalError;

const MESSAGES: Record<Code, string> = {
  [ErrorCode.BadRequest]: 'The relay did not understand that request. Try updating Lockstep.',
  [ErrorCode.VersionMismatch]: 'This relay runs a different version of Lockstep. Update the extension or use another relay.',
  [ErrorCode.RoomNotFound]: 'That room does not exist any more (rooms end 10 minutes after everyone leaves). Ask for a new invite.',
  [ErrorCode.RoomFull]: 'That room is full.',
  [ErrorCode.NotInRoom]: 'This tab is not in a room.',
  [ErrorCode.AlreadyInRoom]: 'This tab is already in a room. Leave it first.',
  [ErrorCode.NotHost]: 'Only the host can do that in this room.',
  [ErrorCode.MemberNotFound]: 'That member has left the room.',
  [ErrorCode.ResumeFailed]: 'Your place in the room has expired. Join again with the invite link.',
  [ErrorCode.Stale]: 'Someone else changed the playback at the same moment; try again.',
  [ErrorCode.RateLimited]: 'Too many changes at once; slow down a little.',
  [ErrorCode.Unavailable]: 'The relay is busy or restarting. Lockstep keeps trying.',
  [ErrorCode.Internal]: 'Something went wrong on the relay. Try again.',
  [ErrorCode.UpgradeRequired]: 'This room is private (end-to-end encrypted) and needs a newer Lockstep: update the extension.',
  [ErrorCode.PrivateRoom]: 'This room is private: open the invite link (its key is in the link, not in the code).',
  [LocalError.InvalidInvite]: `That is neither an invite link nor a room code (codes have ${LIMITS.roomCodeLength} letters and digits).`,
  [LocalError.RelayUnreachable]: 'Cannot reach the relay. Check the Relay URL in the options, or that the relay is running.',
  [LocalError.InvalidRelayUrl]: 'The relay URL is not valid. It looks like http://localhost:3000.',
  [LocalError.NoSuchTab]: 'That tab is gone, or it is not a web page.',
  [LocalError.NoVideo]: 'There is no video on this page yet. Start the video, then create the room.',
  [LocalError.InvalidInput]: 'Some of that input is not valid.',
  [LocalError.Forbidden]: 'That request is not allowed from here.',
  [LocalError.DamagedInvite]: 'This invite link is damaged: ask for the invite link again.',
  [LocalError.BadAnswer]:
    'The relay answered with something Lockstep does not understand: check that it is a Lockstep relay of the same version.',
};

export function messageFor(code: Code): string {
  return MESSAGES[code];
}

export function failure<T>(code: Code, message: string = messageFor(code)): ExtResult<T> {
  return { ok: false, error: code, message };
}

/** The relay URL spelled out for "cannot reach" messages. */
export function unreachable<T>(relayUrl: string, detail?: string): ExtResult<T> {
  const why = detail ? ` (${detail})` : '';
  return failure(
    LocalError.RelayUnreachable,
    `Cannot reach the relay at ${relayUrl}${why}. Check the Relay URL in the options, or that the relay is running.`,
  );
}
