/** Member colours: distinct within a room, readable on the popup's light and dark backgrounds. */
import type { StoredRoom } from '../store/room-store';

/** Colours handed to members that did not pick one, or picked one another member shows. */
const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#469990', '#808000'];

/**
 * The member's colour: the one it asked for unless another member of the room already shows it
 * (two dots of one colour in a member list tell nobody apart), else a free one from the palette.
 */
export function colorFor(requested: string | undefined, room: StoredRoom | null, memberId: string): string {
  const wanted = requested?.toLowerCase();
  const taken =
    room === null
      ? []
      : Object.values(room.members)
          .filter((m) => m.id !== memberId)
          .map((m) => m.color);
  if (wanted !== undefined && !taken.includes(wanted)) return wanted;
  return PALETTE.find((c) => !taken.includes(c)) ?? PALETTE[taken.length % PALETTE.length]!;
}
