/**
 * Tests taking part in a private room as a bare socket.io client: the room's codec from an invite
 * link (the key in its fragment), sealing with the extension's own module, as a member's extension does.
 */
import { roomCodec, type RoomCodec } from '../../extension/background/room-codec';
import { parseInvite } from '../../extension/invite';

/** The codec of the room an invite link is for (open when the link has no key). */
export async function codecOf(inviteLink: string): Promise<RoomCodec> {
  const parsed = parseInvite(inviteLink);
  if (!parsed.ok) throw new Error(`not an invite link: ${parsed.message}`);
  return roomCodec(parsed.invite.key, parsed.invite.code);
}
