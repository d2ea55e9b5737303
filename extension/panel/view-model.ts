/**
 * What the room panel says, as pure functions of the background's PanelView: each log entry in
 * words ("Ana paused at 12:03", "Waiting for Dan (buffering), 4 s"), the collapsed pill, the
 * composer's counter and its refusals. No DOM here: all of it is unit-tested. The members at the
 * top are the popup's rows (popup/view-model.ts via popup/members-list.ts).
 */
import { ErrorCode, LIMITS } from '../../relay/contract/protocol';
import type { ExtResult, TabRoomView } from '../messages';
import type { Activity, FeedEntry, FeedMember } from '../room-feed';

export interface LogLine {
  /** Stable across updates (the DOM row is kept, and with it a reader's place). */
  key: string;
  kind: 'chat' | 'activity' | 'wait';
  /** Chat only: who wrote it, in their colour. */
  name: string | null;
  color: string | null;
  /** Clock time the entry was made, "20:15". */
  time: string;
  text: string;
  /** The text changes by itself as time passes (a wait's counter). */
  live: boolean;
}

/** Media position: "0:07", "12:03", "1:02:03". */
export function formatPosition(seconds: number): string {
  const total = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Clock time in the viewer's time zone, 24 h: "09:05". */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** A wait's length: "4 s", "1 min 05 s". */
export function formatWait(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

const subject = (who: FeedMember): string => (who.you ? 'You' : who.name);
/** "is" or "are", as the subject needs. */
const be = (who: FeedMember): string => (who.you ? 'are' : 'is');

function rateText(rate: number): string {
  return `${Number(rate.toFixed(2))}×`;
}

export function activityText(who: FeedMember, what: Activity): string {
  const name = subject(who);
  switch (what.type) {
    case 'paused':
      return `${name} paused at ${formatPosition(what.position)}`;
    case 'played':
      return `${name} played from ${formatPosition(what.position)}`;
    case 'seeked':
      return `${name} jumped to ${formatPosition(what.position)}`;
    case 'rate':
      return `${name} set the speed to ${rateText(what.rate)}`;
    case 'media':
      return `${name} opened “${what.title}”`;
    case 'joined':
      return who.you ? 'You joined the room' : `${name} joined`;
    case 'left':
      return `${name} left`;
    case 'away':
      return `${name} ${be(who)} away (reconnecting)`;
    case 'back':
      return `${name} ${be(who)} back`;
    case 'host':
      return `${name} ${be(who)} now host`;
    case 'ad':
      return `${name} ${be(who)} watching an ad`;
    case 'renamed':
      return who.you ? `You are now called ${who.name}` : `${what.from} is now called ${who.name}`;
  }
}

function waitees(members: Extract<FeedEntry, { kind: 'wait' }>['members']): string {
  const each = members.map((m) => `${m.you ? 'you' : m.name}${m.reason === null ? '' : ` (${m.reason === 'ad' ? 'ad' : 'buffering'})`}`);
  if (each.length <= 1) return each[0] ?? 'someone';
  return `${each.slice(0, -1).join(', ')} and ${each[each.length - 1]}`;
}

export function waitText(entry: Extract<FeedEntry, { kind: 'wait' }>, now: number): string {
  const who = waitees(entry.members);
  if (entry.endedAt === null) return `Waiting for ${who}, ${formatWait(now - entry.at)}`;
  const took = formatWait(entry.endedAt - entry.at);
  return entry.timedOut ? `Stopped waiting for ${who} after ${took}` : `Waited for ${who}, ${took}`;
}

export function logLine(entry: FeedEntry, now: number): LogLine {
  switch (entry.kind) {
    case 'chat':
      return {
        key: `chat:${entry.id}`,
        kind: 'chat',
        name: entry.from.you ? `${entry.from.name} (you)` : entry.from.name,
        color: safeColor(entry.from.color),
        time: formatClock(entry.at),
        text: entry.text,
        live: false,
      };
    case 'activity':
      return {
        key: `activity:${entry.id}`,
        kind: 'activity',
        name: null,
        color: null,
        time: formatClock(entry.at),
        text: activityText(entry.who, entry.what),
        live: false,
      };
    case 'wait':
      return {
        key: `wait:${entry.id}`,
        kind: 'wait',
        name: null,
        color: null,
        time: formatClock(entry.at),
        text: waitText(entry, now),
        live: entry.endedAt === null,
      };
  }
}

/** A member's colour for CSS, or grey when it is not a plain #rrggbb (it comes from the relay). */
export function safeColor(color: string): string {
  return /^#[0-9a-f]{6}$/i.test(color) ? color : '#888888';
}

/** The collapsed panel: members present and unread messages. */
export function pillText(room: TabRoomView | null, unread: number): { members: string; unread: string | null; label: string } {
  const present = room?.members.filter((m) => m.connected).length ?? 0;
  const members = room === null ? 'Not in a room' : `${present} ${present === 1 ? 'member' : 'members'}`;
  const unreadText = unread > 0 ? `${unread > 99 ? '99+' : unread} unread` : null;
  return {
    members,
    unread: unreadText,
    label: [members, unread > 0 ? `${unread} unread ${unread === 1 ? 'message' : 'messages'}` : null].filter(Boolean).join(', '),
  };
}

/** The composer's counter, shown while typing: what the relay counts (trimmed, UTF-16 units, as its schema). */
export function chatCounter(text: string): { text: string; over: boolean } {
  const length = text.trim().length;
  return { text: `${length}/${LIMITS.chatMaxLength}`, over: length > LIMITS.chatMaxLength };
}

/** Why a message cannot be sent as it is, in words; null when it can. */
export function chatProblem(text: string): string | null {
  const length = text.trim().length;
  if (length === 0) return null; // nothing to send: Enter does nothing
  if (length > LIMITS.chatMaxLength)
    return `A message has at most ${LIMITS.chatMaxLength} characters; this one has ${length}. Shorten it to send it.`;
  return null;
}

/** A refusal from the background or the relay, in words for the panel. */
export function refusalText(result: Extract<ExtResult<unknown>, { ok: false }>, what: 'chat' | 'reaction'): string {
  switch (result.error) {
    case ErrorCode.RateLimited:
      return what === 'chat'
        ? 'You are sending messages too fast: wait a moment, then send it again.'
        : 'Too many reactions at once: wait a few seconds.';
    case ErrorCode.NotInRoom:
      return what === 'chat'
        ? 'This tab is not in a room, so the message was not sent. Create or join a room from the Lockstep toolbar button.'
        : 'This tab is not in a room, so nobody saw that reaction.';
    case ErrorCode.BadRequest:
      return `The relay refused the message: a message has 1 to ${LIMITS.chatMaxLength} characters.`;
    default:
      return result.message;
  }
}
