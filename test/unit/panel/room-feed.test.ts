/**
 * The room's log, table-driven: the room as it was, one event, and the lines the panel then shows
 * (extension/room-feed.ts makes the entries, extension/panel/view-model.ts says them).
 */
import { EMPTY_FEED, FEED_MAX_ENTRIES, feedOnEntry, feedStep, type Feed, type RoomEvent } from '../../../extension/room-feed';
import { logLine } from '../../../extension/panel/view-model';
import { DEFAULT_SETTINGS, type ChatMessage, type Member, type RoomView, type Timeline } from '../../../relay/contract/protocol';

const NOW = 1_000_000;

function member(id: string, name: string, over: Partial<Member> = {}): Member {
  return { id, name, color: '#3cb44b', role: 'member', status: 'playing', offsetMs: 0, rttMs: 20, joinedAt: 1, connected: true, ...over };
}

const media = { url: 'https://video.example/watch?v=1', title: 'Episode 1', duration: 3600 };
function timeline(over: Partial<Timeline> = {}): Timeline {
  return { media, paused: false, position: 100, rate: 1, setAt: 50_000, seq: 5, waitingFor: [], holdUntil: null, by: 'ana', ...over };
}

const ana = member('ana', 'Ana', { role: 'host' });
const ben = member('ben', 'Ben');
const dan = member('dan', 'Dan');

function room(members: Member[] = [ana, ben, dan], t: Timeline = timeline()): RoomView {
  return { code: 'ABCDEFGHJKMNPQ', private: false, keyCheck: null, settings: DEFAULT_SETTINGS, members, timeline: t };
}

/** The lines of the entries `event` added or changed, as the panel says them at `NOW + 4 s`. */
function lines(before: RoomView, event: RoomEvent, you = 'ben', feed: Feed = EMPTY_FEED): string[] {
  const next = feedStep(feed, before, you, event, NOW);
  const changed = next.entries.filter((e) => !feed.entries.includes(e));
  return changed.map((e) => logLine(e, NOW + 4000).text);
}

const t = (over: Partial<Timeline>): RoomEvent => ({ type: 'timeline', timeline: timeline({ seq: 6, ...over }) });

describe('activity from the playback timeline', () => {
  test.each<[string, RoomView, RoomEvent, string[]]>([
    ['a pause, with where', room(), t({ paused: true, position: 723.4, setAt: 51_000 }), ['Ana paused at 12:03']],
    [
      'a play, with from where',
      room(undefined, timeline({ paused: true })),
      t({ paused: false, position: 100, setAt: 52_000 }),
      ['Ana played from 1:40'],
    ],
    ['a jump while playing', room(), t({ position: 2410, setAt: 51_000, by: 'dan' }), ['Dan jumped to 40:10']],
    [
      'a jump while paused',
      room(undefined, timeline({ paused: true })),
      t({ paused: true, position: 3723, by: 'dan' }),
      ['Dan jumped to 1:02:03'],
    ],
    ['my own action says "You"', room(), t({ paused: true, position: 5, by: 'ben' }), ['You paused at 0:05']],
    ['a speed change', room(), t({ rate: 1.5, position: 101 }), ['Ana set the speed to 1.5×']],
    [
      'another video',
      room(),
      t({ media: { url: 'https://video.example/watch?v=2', title: 'Episode 2', duration: null }, paused: true, position: 0 }),
      ['Ana opened “Episode 2”'],
    ],
    // A change the clock explains (a start scheduled 1 s ahead, a resync) is no jump.
    ['a resync is no jump', room(), t({ position: 100.9, setAt: 51_000 }), []],
    ['an old timeline is ignored', room(), t({ seq: 4, paused: true }), []],
    ['a change by someone who left', room([ana]), t({ paused: true, by: 'zed' }), ['Someone who left paused at 1:40']],
  ])('%s', (_name, before, event, expected) => {
    expect(lines(before, event)).toEqual(expected);
  });
});

describe('activity from members', () => {
  test.each<[string, RoomView, RoomEvent, string[]]>([
    ['someone joins', room([ana, ben]), { type: 'joined', member: member('cleo', 'Cleo') }, ['Cleo joined']],
    ['someone leaves', room(), { type: 'left', memberId: 'dan', hostId: null }, ['Dan left']],
    ['the host leaves: the heir is named', room(), { type: 'left', memberId: 'ana', hostId: 'dan' }, ['Ana left', 'Dan is now host']],
    ['you become host', room(), { type: 'updated', member: { ...ben, role: 'host' } }, ['You are now host']],
    ['Ana becomes host', room([member('ana', 'Ana'), ben]), { type: 'updated', member: ana }, ['Ana is now host']],
    ['an ad', room(), { type: 'updated', member: { ...dan, status: 'ad' } }, ['Dan is watching an ad']],
    ['away and back', room(), { type: 'updated', member: { ...dan, connected: false } }, ['Dan is away (reconnecting)']],
    ['back', room([ana, { ...dan, connected: false }]), { type: 'updated', member: dan }, ['Dan is back']],
    ['a new name', room(), { type: 'updated', member: { ...dan, name: 'Daniel' } }, ['Dan is now called Daniel']],
    ['buffering alone is no line (the wait says it)', room(), { type: 'updated', member: { ...dan, status: 'buffering' } }, []],
    ['telemetry is no line', room(), { type: 'updated', member: { ...dan, offsetMs: 40 } }, []],
    ['a member:joined for one already listed (a resume) is an update', room(), { type: 'joined', member: { ...dan } }, []],
  ])('%s', (_name, before, event, expected) => {
    expect(lines(before, event)).toEqual(expected);
  });
});

describe('waiting for someone', () => {
  const stalled = room([ana, ben, { ...dan, status: 'buffering' }]);
  const waitFor = (ids: string[], over: Partial<Timeline> = {}): RoomEvent =>
    t({ waitingFor: ids, holdUntil: 60_000, by: null, setAt: 50_500, position: 100.5, ...over });

  test('a hold starts a live counter naming who and why', () => {
    expect(lines(stalled, waitFor(['dan']))).toEqual(['Waiting for Dan (buffering), 4 s']);
    const feed = feedStep(EMPTY_FEED, stalled, 'ben', waitFor(['dan']), NOW);
    expect(logLine(feed.entries[0]!, NOW + 65_000).text).toBe('Waiting for Dan (buffering), 1 min 05 s');
    expect(logLine(feed.entries[0]!, NOW).live).toBe(true);
  });

  test('a second member stalls: both named in the same line; the hold ends: the line says how long it took', () => {
    const eve = member('eve', 'Eve', { status: 'ad' });
    const before = room([ana, ben, { ...dan, status: 'buffering' }, eve]);
    let feed = feedStep(EMPTY_FEED, before, 'ben', waitFor(['dan']), NOW);
    feed = feedStep(
      feed,
      { ...before, timeline: timeline({ seq: 6, waitingFor: ['dan'] }) },
      'ben',
      waitFor(['dan', 'eve'], { seq: 7 }),
      NOW + 1000,
    );
    expect(feed.entries.map((e) => logLine(e, NOW + 3000).text)).toEqual(['Waiting for Dan (buffering) and Eve (ad), 3 s']);
    const held = { ...before, timeline: timeline({ seq: 7, waitingFor: ['dan', 'eve'], holdUntil: 60_000 }) };
    feed = feedStep(feed, held, 'ben', t({ seq: 8, waitingFor: [], holdUntil: null, by: null, setAt: 55_000 }), NOW + 6000);
    expect(feed.entries.map((e) => logLine(e, NOW + 9000))).toEqual([
      expect.objectContaining({ text: 'Waited for Dan (buffering) and Eve (ad), 6 s', live: false }),
    ]);
  });

  test('a hold that ran out says so', () => {
    let feed = feedStep(EMPTY_FEED, stalled, 'ben', waitFor(['dan']), NOW);
    const held = { ...stalled, timeline: timeline({ seq: 6, waitingFor: ['dan'], holdUntil: 60_000 }) };
    feed = feedStep(feed, held, 'ben', t({ seq: 7, waitingFor: [], holdUntil: null, by: null, setAt: 60_300 }), NOW + 10_000);
    expect(feed.entries.map((e) => logLine(e, NOW + 11_000).text)).toEqual(['Stopped waiting for Dan (buffering) after 10 s']);
  });

  test('waiting for you, before your own status is known; the reason follows with it', () => {
    let feed = feedStep(EMPTY_FEED, room(), 'dan', waitFor(['dan']), NOW);
    expect(feed.entries.map((e) => logLine(e, NOW).text)).toEqual(['Waiting for you, 0 s']);
    feed = feedStep(feed, room(), 'dan', { type: 'updated', member: { ...dan, status: 'buffering' } }, NOW);
    expect(feed.entries.map((e) => logLine(e, NOW + 2000).text)).toEqual(['Waiting for you (buffering), 2 s']);
  });
});

describe('chat', () => {
  const msg = (id: string, from: string, text: string, at = NOW): ChatMessage => ({ id, from, text, at });

  test('a message is shown once: the history and the live broadcast of one message are one', () => {
    let feed = feedStep(EMPTY_FEED, room(), 'ben', { type: 'chat', message: msg('m1', 'ana', 'hi') }, NOW);
    const again = feedStep(feed, room(), 'ben', { type: 'history', messages: [msg('m1', 'ana', 'hi'), msg('m2', 'dan', 'yo')] }, NOW);
    expect(again.entries.map((e) => e.id)).toEqual(['m1', 'm2']);
    feed = feedStep(again, room(), 'ben', { type: 'chat', message: msg('m2', 'dan', 'yo') }, NOW);
    expect(feed).toBe(again); // nothing new: the same feed, so nothing is pushed again
  });

  test("a line carries the sender's name and colour as they were, and (you) for your own", () => {
    const feed = feedStep(
      EMPTY_FEED,
      room(),
      'ben',
      { type: 'history', messages: [msg('a', 'ana', 'one'), msg('b', 'ben', 'two'), msg('c', 'gone', 'three')] },
      NOW,
    );
    expect(feed.entries.map((e) => logLine(e, NOW))).toEqual([
      expect.objectContaining({ kind: 'chat', name: 'Ana', color: '#3cb44b', text: 'one' }),
      expect.objectContaining({ name: 'Ben (you)', text: 'two' }),
      expect.objectContaining({ name: 'Someone who left', color: '#888888', text: 'three' }),
    ]);
  });

  test('entering a room: the history, then "You joined the room"', () => {
    const feed = feedOnEntry(room(), 'ben', [msg('m1', 'ana', 'welcome')], NOW);
    expect(feed.entries.map((e) => logLine(e, NOW).text)).toEqual(['welcome', 'You joined the room']);
  });

  test(`the log keeps its last ${FEED_MAX_ENTRIES} entries`, () => {
    let feed = EMPTY_FEED;
    for (let i = 0; i < FEED_MAX_ENTRIES + 20; i++)
      feed = feedStep(feed, room(), 'ben', { type: 'chat', message: msg(`m${i}`, 'ana', String(i)) }, NOW);
    expect(feed.entries).toHaveLength(FEED_MAX_ENTRIES);
    expect(feed.entries[0]?.id).toBe('m20');
    expect(feed.version).toBe(FEED_MAX_ENTRIES + 20);
  });
});
