import {
  MAX_WATCH_LIST,
  WatchedRooms,
  watchedCode,
  watchedCodes,
  watchList,
  watchLists,
  watchTtlMs,
} from '../../../relay/rooms/watched-rooms';

describe('WatchedRooms', () => {
  const TTL = 35_000;
  let now = 0;
  let local = new Set<string>();
  let rooms: WatchedRooms;
  beforeEach(() => {
    now = 1_000_000;
    local = new Set();
    rooms = new WatchedRooms(
      (code) => local.has(code),
      TTL,
      () => now,
    );
  });

  test('with no word from other relays, a room is watched exactly while this relay has a watcher in it', () => {
    expect(rooms.watched('AAAA')).toBe(false);
    local.add('AAAA');
    expect(rooms.watched('AAAA')).toBe(true);
    local.delete('AAAA');
    expect(rooms.watched('AAAA')).toBe(false);
  });

  test('a room another relay named stays watched for the TTL after it last did, then lapses', () => {
    rooms.heard(['AAAA', 'BBBB']);
    now += TTL - 1;
    expect(rooms.watched('AAAA')).toBe(true);
    rooms.heard(['AAAA']); // the next list names only AAAA
    now += 2;
    expect(rooms.watched('AAAA')).toBe(true);
    expect(rooms.watched('BBBB')).toBe(false);
    now += TTL;
    expect(rooms.watched('AAAA')).toBe(false);
  });

  test('heard tells which rooms are news here: not watched by this relay nor already named', () => {
    local.add('LOCL');
    expect(rooms.heard(['AAAA', 'LOCL'])).toEqual(['AAAA']);
    expect(rooms.heard(['AAAA', 'BBBB'])).toEqual(['BBBB']);
    now += TTL;
    expect(rooms.heard(['AAAA'])).toEqual(['AAAA']); // it had lapsed
  });

  test("a list holds for its sender's TTL, and a shorter one does not cut a longer one short", () => {
    rooms.heard(['AAAA'], 100_000);
    now += 99_999;
    expect(rooms.watched('AAAA')).toBe(true);
    rooms.heard(['AAAA'], 10); // a relay with a short refresh names it too
    now += 100;
    expect(rooms.watched('AAAA')).toBe(false);
    rooms.heard(['BBBB'], 100_000);
    rooms.heard(['BBBB'], 10);
    now += 50_000;
    expect(rooms.watched('BBBB')).toBe(true);
  });

  test('prune drops what lapsed, and only that', () => {
    rooms.heard(['AAAA']);
    now += TTL / 2;
    rooms.heard(['BBBB']);
    now += TTL / 2;
    rooms.prune();
    expect(rooms.remoteSize).toBe(1);
    expect(rooms.watched('BBBB')).toBe(true);
  });
});

describe('watchedCodes', () => {
  test("the codes of the relay's non-empty watch channels, nothing else", () => {
    const adapterRooms = new Map<string, Set<string>>([
      ['watch:AAAA', new Set(['s1'])],
      ['watch:BBBB', new Set()],
      ['room:AAAA', new Set(['s1', 's2'])],
      ['s1', new Set(['s1'])],
    ]);
    expect(watchedCodes(adapterRooms, 'watch:')).toEqual(['AAAA']);
  });
});

describe("other relays' messages", () => {
  const A = 'ABCDEFGHJKMNPQ';
  const B = 'QPNMKJHGFEDCBA';

  test('a code must be canonical', () => {
    expect(watchedCode(A)).toBe(A);
    expect(watchedCode(A.toLowerCase())).toBeNull();
    expect(watchedCode('ABCD')).toBeNull();
    expect(watchedCode(42)).toBeNull();
  });

  test("a list is {codes, ttlMs}, or a bare list of codes (the first build's) with this relay's TTL", () => {
    expect(watchList({ codes: [A, B], ttlMs: 35_000 }, 1)).toEqual({ codes: [A, B], ttlMs: 35_000 });
    expect(watchList([A], 7000)).toEqual({ codes: [A], ttlMs: 7000 });
    expect(watchList({ codes: [], ttlMs: 100 }, 1)).toEqual({ codes: [], ttlMs: 100 });
  });

  test.each([
    ['not an object', 'ABCDEFGHJKMNPQ'],
    ['null', null],
    ['no codes', { ttlMs: 35_000 }],
    ['a malformed code among good ones', { codes: [A, 'x'], ttlMs: 35_000 }],
    ['a code that is not a string', { codes: [A, 7], ttlMs: 35_000 }],
    ['too many codes', { codes: Array.from({ length: MAX_WATCH_LIST + 1 }, () => A), ttlMs: 35_000 }],
    ['no TTL', { codes: [A] }],
    ['a TTL below the bound', { codes: [A], ttlMs: 1 }],
    ['a TTL above the bound', { codes: [A], ttlMs: 1e9 }],
    ['a TTL that is not an integer', { codes: [A], ttlMs: 1.5 }],
  ])('refused whole: %s', (_, msg) => {
    expect(watchList(msg, 35_000)).toBeNull();
  });

  test('a long list goes in several messages, each within the bound, all codes once', () => {
    const codes = Array.from({ length: 2 * MAX_WATCH_LIST + 3 }, (_, i) => String(i));
    const lists = watchLists(codes, 35_000);
    expect(lists.map((l) => l.codes.length)).toEqual([MAX_WATCH_LIST, MAX_WATCH_LIST, 3]);
    expect(lists.flatMap((l) => l.codes)).toEqual(codes);
    expect(lists.every((l) => l.ttlMs === 35_000)).toBe(true);
    expect(watchLists([], 35_000)).toEqual([]);
  });

  test.each([100, 333, 10_000, 600_000])('what a relay sends with WATCH_REFRESH_MS=%i, another accepts', (refreshMs) => {
    const ttlMs = watchTtlMs(refreshMs);
    expect(ttlMs).toBeGreaterThanOrEqual(3 * refreshMs);
    for (const list of watchLists([A, B], ttlMs)) expect(watchList(list, 1)).toEqual(list);
  });
});
