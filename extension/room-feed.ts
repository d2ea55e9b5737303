/**
 * The room's log as the panel shows it: chat messages and activity ("Ana paused at 12:03", "Cleo
 * joined", "Waiting for Dan (buffering)"), derived from what the relay broadcasts. Pure: the
 * background's tab room runs `feedStep(feed, room before, you, event, now)` on every event and keeps
 * the result with the room (storage.session), so the log survives the panel closing, the page
 * reloading and the worker restarting; the panel only turns entries into words (panel/view-model.ts).
 * Names and colours are taken when the entry is made: "Dan left" still reads so once Dan is gone.
 */
import { positionAt } from '../relay/contract/timeline';
import type { ChatMessage, Member, MemberStatus, RoomView, Timeline } from '../relay/contract/protocol';

/** Who an entry is about, as the room knew them then. */
export interface FeedMember {
  id: string;
  name: string;
  color: string;
  /** This browser's member. */
  you: boolean;
}

/** Why the room waits for someone: the member's status at the time, when it was known. */
export type WaitReason = 'buffering' | 'ad' | null;

export type Activity =
  | { type: 'paused'; position: number }
  | { type: 'played'; position: number }
  | { type: 'seeked'; position: number }
  | { type: 'rate'; rate: number }
  | { type: 'media'; title: string }
  | { type: 'joined' }
  | { type: 'left' }
  | { type: 'away' }
  | { type: 'back' }
  | { type: 'host' }
  | { type: 'ad' }
  | { type: 'renamed'; from: string };

export type FeedEntry =
  | { kind: 'chat'; id: string; from: FeedMember; text: string; /** relay time (ms) */ at: number }
  | { kind: 'activity'; id: string; who: FeedMember; what: Activity; /** local time (ms) */ at: number }
  | {
      kind: 'wait';
      id: string;
      members: Array<FeedMember & { reason: WaitReason }>;
      /** Local time (ms) the wait began and ended (null: still waiting). */
      at: number;
      endedAt: number | null;
      /** The hold ran out before everyone was ready (the room went on without them). */
      timedOut: boolean;
    };

export interface Feed {
  /** Grows with every change, so a panel is sent the log again only when it changed. */
  version: number;
  entries: FeedEntry[];
}

export type RoomEvent =
  | { type: 'timeline'; timeline: Timeline }
  | { type: 'joined'; member: Member }
  | { type: 'updated'; member: Member }
  | { type: 'left'; memberId: string; hostId: string | null }
  | { type: 'chat'; message: ChatMessage }
  /** A join or resume answer's chat history (oldest first). */
  | { type: 'history'; messages: ChatMessage[] };

/** The log keeps this many entries (the relay's history is 50 messages; activity comes on top). */
export const FEED_MAX_ENTRIES = 300;
/** A position change this far (s) beyond what the clock explains is a jump, not a resync. */
const SEEK_SLACK_S = 1.5;

export const EMPTY_FEED: Feed = { version: 0, entries: [] };

/** The feed a member starts with on entering a room: the history, then "You joined". */
export function feedOnEntry(room: RoomView, you: string, history: readonly ChatMessage[], now: number): Feed {
  const withHistory = feedStep(EMPTY_FEED, room, you, { type: 'history', messages: [...history] }, now);
  const self = room.members.find((m) => m.id === you);
  return self === undefined ? withHistory : append(withHistory, [activity(withHistory, feedMember(self, you), { type: 'joined' }, now)]);
}

/**
 * The feed after `event`, given the room as it was before the event. Returns `feed` itself when the
 * event says nothing worth a line (telemetry, a resync, a repeated message).
 */
export function feedStep(feed: Feed, before: RoomView, you: string, event: RoomEvent, now: number): Feed {
  switch (event.type) {
    case 'chat':
    case 'history':
      return addChat(feed, before, you, event.type === 'chat' ? [event.message] : event.messages);
    case 'timeline':
      return timelineStep(feed, before, you, event.timeline, now);
    case 'joined': {
      if (before.members.some((m) => m.id === event.member.id)) return memberStep(feed, before, you, event.member, now);
      return append(feed, [activity(feed, feedMember(event.member, you), { type: 'joined' }, now)]);
    }
    case 'updated':
      return memberStep(feed, before, you, event.member, now);
    case 'left': {
      const gone = before.members.find((m) => m.id === event.memberId);
      const lines: FeedEntry[] = [];
      if (gone !== undefined) lines.push(activity(feed, feedMember(gone, you), { type: 'left' }, now));
      const heir = event.hostId === null ? undefined : before.members.find((m) => m.id === event.hostId);
      if (heir !== undefined && heir.role !== 'host')
        lines.push(activity(feed, feedMember(heir, you), { type: 'host' }, now, lines.length));
      return append(feed, lines);
    }
  }
}

export function feedMember(member: Pick<Member, 'id' | 'name' | 'color'>, you: string): FeedMember {
  return { id: member.id, name: member.name, color: member.color, you: member.id === you };
}

/** Someone the room no longer lists (a history message from a member who left). */
function stranger(id: string, you: string): FeedMember {
  return { id, name: 'Someone who left', color: '#888888', you: id === you };
}

function whoIs(room: RoomView, id: string | null, you: string): FeedMember {
  const m = id === null ? undefined : room.members.find((x) => x.id === id);
  return m === undefined ? stranger(id ?? '', you) : feedMember(m, you);
}

function addChat(feed: Feed, room: RoomView, you: string, messages: readonly ChatMessage[]): Feed {
  const known = new Set(feed.entries.filter((e) => e.kind === 'chat').map((e) => e.id));
  const fresh = messages.filter((m) => {
    if (known.has(m.id)) return false;
    known.add(m.id);
    return true;
  });
  if (fresh.length === 0) return feed;
  const lines = fresh.map((m): FeedEntry => ({ kind: 'chat', id: m.id, from: whoIs(room, m.from, you), text: m.text, at: m.at }));
  return append(feed, lines);
}

function timelineStep(feed: Feed, before: RoomView, you: string, t: Timeline, now: number): Feed {
  const prev = before.timeline;
  if (t.seq <= prev.seq) return feed;
  let next = waitStep(feed, before, you, prev, t, now);
  if (t.by === null) return next; // the relay's own change: a hold set, released or timed out
  const who = whoIs(before, t.by, you);
  const say = (what: Activity): void => {
    next = append(next, [activity(next, who, what, now)]);
  };
  if (t.media !== null && t.media.url !== prev.media?.url) {
    say({ type: 'media', title: t.media.title || t.media.url });
    return next;
  }
  if (!prev.paused && t.paused) say({ type: 'paused', position: t.position });
  else if (prev.paused && !t.paused) say({ type: 'played', position: t.position });
  else if (t.rate !== prev.rate) say({ type: 'rate', rate: t.rate });
  else if (jumped(prev, t)) say({ type: 'seeked', position: t.position });
  return next;
}

/**
 * Whether the new timeline's position is more than the clock explains. A change while playing is
 * scheduled up to MAX_LEAD_MS ahead (relay/contract/timeline.ts), so the old timeline is read at the
 * new start, with the slack of that lead at the room's rate.
 */
function jumped(prev: Timeline, t: Timeline): boolean {
  if (prev.media?.url !== t.media?.url) return false;
  const expected = positionAt(prev, t.setAt);
  const slack = SEEK_SLACK_S + (t.paused ? 0 : 2 * t.rate);
  return Math.abs(t.position - expected) > slack;
}

function reasonOf(status: MemberStatus | undefined): WaitReason {
  return status === 'buffering' || status === 'ad' ? status : null;
}

function waitStep(feed: Feed, before: RoomView, you: string, prev: Timeline, t: Timeline, now: number): Feed {
  const open = openWait(feed);
  if (t.waitingFor.length === 0) {
    if (open === null) return feed;
    // A hold that ended at or after its deadline timed out; one released before it, everyone was ready.
    const timedOut = t.by === null && prev.holdUntil !== null && t.setAt >= prev.holdUntil;
    return replace(feed, { ...open, endedAt: now, timedOut });
  }
  const members = t.waitingFor.map((id) => {
    const m = before.members.find((x) => x.id === id);
    const already = open?.members.find((x) => x.id === id);
    return { ...(m === undefined ? stranger(id, you) : feedMember(m, you)), reason: already?.reason ?? reasonOf(m?.status) };
  });
  if (open === null) return append(feed, [{ kind: 'wait', id: entryId(feed), members, at: now, endedAt: null, timedOut: false }]);
  if (sameIds(open.members, members)) return feed;
  return replace(feed, { ...open, members });
}

function memberStep(feed: Feed, before: RoomView, you: string, m: Member, now: number): Feed {
  const old = before.members.find((x) => x.id === m.id);
  if (old === undefined) return append(feed, [activity(feed, feedMember(m, you), { type: 'joined' }, now)]);
  const who = feedMember(m, you);
  const whats: Activity[] = [];
  if (old.name !== m.name) whats.push({ type: 'renamed', from: old.name });
  if (old.connected && !m.connected) whats.push({ type: 'away' });
  if (!old.connected && m.connected) whats.push({ type: 'back' });
  if (old.role !== 'host' && m.role === 'host') whats.push({ type: 'host' });
  if (old.status !== 'ad' && m.status === 'ad') whats.push({ type: 'ad' });
  let next = append(
    feed,
    whats.map((what, i) => activity(feed, who, what, now, i)),
  );
  // A wait that started before this member's status reached us learns why it waits.
  const open = openWait(next);
  const reason = reasonOf(m.status);
  const waiting = open?.members.find((x) => x.id === m.id);
  if (open !== null && waiting !== undefined && waiting.reason === null && reason !== null)
    next = replace(next, { ...open, members: open.members.map((x) => (x.id === m.id ? { ...x, reason } : x)) });
  return next;
}

function openWait(feed: Feed): Extract<FeedEntry, { kind: 'wait' }> | null {
  for (let i = feed.entries.length - 1; i >= 0; i--) {
    const e = feed.entries[i];
    if (e?.kind === 'wait') return e.endedAt === null ? e : null;
  }
  return null;
}

function sameIds(a: ReadonlyArray<{ id: string }>, b: ReadonlyArray<{ id: string }>): boolean {
  return a.length === b.length && a.every((x, i) => x.id === b[i]?.id);
}

/** Activity ids are the feed's version at the time (plus an index within one event): unique, and stable once stored. */
function entryId(feed: Feed, index = 0): string {
  return `a${feed.version + 1}.${index}`;
}

function activity(feed: Feed, who: FeedMember, what: Activity, now: number, index = 0): FeedEntry {
  return { kind: 'activity', id: entryId(feed, index), who, what, at: now };
}

function append(feed: Feed, lines: readonly FeedEntry[]): Feed {
  if (lines.length === 0) return feed;
  const entries = [...feed.entries, ...lines];
  return { version: feed.version + 1, entries: entries.length > FEED_MAX_ENTRIES ? entries.slice(-FEED_MAX_ENTRIES) : entries };
}

function replace(feed: Feed, entry: FeedEntry): Feed {
  return { version: feed.version + 1, entries: feed.entries.map((e) => (e.id === entry.id && e.kind === entry.kind ? entry : e)) };
}
