/**
 * What crosses the relay, per room: in a private room every name, media URL and title, chat line
 * and reaction is sealed on its way out and opened on its way in (extension/crypto/seal.ts), so
 * the rest of the extension sees plain values either way; in an open room they go as they are. A
 * value that does not open, or opens to something the contract's rules refuse (a name with
 * control characters, a URL that is not http(s)), throws a SealError: it is never shown.
 */
import {
  displayNameProblem,
  LIMITS,
  REACTIONS,
  type ChatMessage,
  type Media,
  type Member,
  type Profile,
  type Reaction,
  type ReactionEvent,
  type RoomView,
  type Timeline,
} from '../../relay/contract/protocol';
import { openMediaSchema } from '../../relay/contract/value-schemas';
import { roomSeal, SealError, type RoomSeal } from '../crypto/seal';

/** A reaction as the extension handles it: one of REACTIONS. */
export type OpenedReaction = Omit<ReactionEvent, 'emoji'> & { emoji: Reaction };

export interface RoomCodec {
  readonly private: boolean;
  /** The key check a private room is created with (null: open room). */
  readonly keyCheck: string | null;
  profileOut(p: Profile, room?: string): Promise<Profile>;
  mediaOut(m: Media): Promise<Media>;
  chatOut(text: string): Promise<string>;
  reactionOut(emoji: Reaction): Promise<string>;
  member(m: Member): Promise<Member>;
  timeline(t: Timeline): Promise<Timeline>;
  chat(m: ChatMessage): Promise<ChatMessage>;
  reaction(r: ReactionEvent): Promise<OpenedReaction>;
  /** The room as the relay sent it, opened; refuses a room whose privacy or key check is not the invite's. */
  room(v: RoomView): Promise<RoomView>;
}

function refuse(what: string): never {
  throw new SealError('malformed', what);
}

function checkedName(name: string): string {
  if (displayNameProblem(name) !== null) refuse('a display name the contract does not allow');
  return name;
}

function checkedMedia(m: Media): Media {
  const r = openMediaSchema.safeParse({ url: m.url, title: m.title, duration: m.duration });
  if (!r.success) refuse('a media that is not an http(s) page with a title of at most 200 characters');
  return r.data;
}

function checkedChat(text: string): string {
  if (text.length > LIMITS.chatMaxLength) refuse('a chat line longer than the limit');
  return text;
}

function checkedReaction(emoji: string): Reaction {
  const found = REACTIONS.find((r) => r === emoji);
  if (found === undefined) refuse('a reaction that is not one of the six');
  return found;
}

/** An open room: values go as they are, and what comes back must be plain. */
export const OPEN_CODEC: RoomCodec = {
  private: false,
  keyCheck: null,
  profileOut: async (p) => p,
  mediaOut: async (m) => m,
  chatOut: async (text) => text,
  reactionOut: async (emoji) => emoji,
  member: async (m) => ({ ...m, name: checkedName(m.name) }),
  timeline: async (t) => (t.media === null ? t : { ...t, media: checkedMedia(t.media) }),
  chat: async (m) => ({ ...m, text: checkedChat(m.text) }),
  reaction: async (r) => ({ ...r, emoji: checkedReaction(r.emoji) }),
  async room(v) {
    if (v.private) throw new SealError('bad_key', 'the room is private and there is no key for it');
    return { ...v, members: await Promise.all(v.members.map((m) => this.member(m))), timeline: await this.timeline(v.timeline) };
  },
};

/** A private room's codec for room `code` (its canonical code: every value is bound to it). */
export function sealedCodec(seal: RoomSeal, code: string): RoomCodec {
  const openMedia = async (m: Media): Promise<Media> =>
    checkedMedia({ url: await seal.open('url', code, m.url), title: await seal.open('title', code, m.title), duration: m.duration });
  const codec: RoomCodec = {
    private: true,
    keyCheck: seal.keyCheck,
    profileOut: async (p, room = code) => ({ ...p, name: await seal.seal('name', room, p.name) }),
    mediaOut: async (m) => ({
      url: await seal.seal('url', code, m.url),
      title: await seal.seal('title', code, m.title),
      duration: m.duration,
      key: await seal.mediaKey(m.url),
    }),
    chatOut: (text) => seal.seal('chat', code, text),
    reactionOut: (emoji) => seal.seal('reaction', code, emoji),
    member: async (m) => ({ ...m, name: checkedName(await seal.open('name', code, m.name)) }),
    timeline: async (t) => (t.media === null ? t : { ...t, media: await openMedia(t.media) }),
    chat: async (m) => ({ ...m, text: checkedChat(await seal.open('chat', code, m.text)) }),
    reaction: async (r) => ({ ...r, emoji: checkedReaction(await seal.open('reaction', code, r.emoji)) }),
    async room(v) {
      // A relay that drops the room's privacy would have us send plain values: refuse, never downgrade.
      if (!v.private) throw new SealError('bad_key', 'the invite is for a private room, but the relay says this room is open');
      if (v.keyCheck !== seal.keyCheck) throw new SealError('bad_key', "the invite link's key is not this room's");
      if (v.code !== code) throw new SealError('bad_key', 'the relay answered for another room');
      return { ...v, members: await Promise.all(v.members.map((m) => codec.member(m))), timeline: await codec.timeline(v.timeline) };
    },
  };
  return codec;
}

/** The codec for a room: sealed when there is a room key, open otherwise. */
export async function roomCodec(roomKey: string | null, code: string): Promise<RoomCodec> {
  return roomKey === null ? OPEN_CODEC : sealedCodec(await roomSeal(roomKey), code);
}
