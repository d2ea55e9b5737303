import { WatchedRooms, watchedCodes } from '../../../relay/rooms/watched-rooms';

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

  test('a room is watched while this relay has a watcher in it, and only then when no other relay said so', () => {
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
