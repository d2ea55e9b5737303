import { parseRunId, RoomSnapshots, type Snapshot } from '../../../relay/redis/room-snapshots';

const copy = (version: number, expiresAt: number | null = null): Snapshot => ({ json: '{}', version, write: `w.${version}`, expiresAt });

describe('RoomSnapshots', () => {
  let clock = 0;
  const snapshots = () => new RoomSnapshots(() => clock);
  beforeEach(() => (clock = 1_000));

  test('a copy of a present room is unseen once not read, written or touched for the given time', () => {
    const s = snapshots();
    const a = copy(1);
    s.set('A', a);
    s.set('B', copy(4, 1_000_000)); // has an expiry of its own: never "unseen"
    clock += 299_999;
    expect(s.unseen(300_000)).toEqual([]);
    clock += 1;
    expect(s.unseen(300_000)).toEqual([['A', a]]);
    s.touch('A', a);
    expect(s.unseen(300_000)).toEqual([]);
  });

  test('touch does not vouch for a copy that a newer one replaced meanwhile', () => {
    const s = snapshots();
    const old = copy(1);
    s.set('A', old);
    clock += 300_000;
    const [[, checked]] = s.unseen(300_000) as [[string, Snapshot]];
    s.set('A', copy(2)); // written while the check was in flight
    clock += 300_000;
    s.touch('A', checked);
    expect(s.unseen(300_000).map(([, x]) => x.version)).toEqual([2]);
  });

  test('expired copies are pruned; deleting forgets when a copy was seen', () => {
    const s = snapshots();
    s.set('A', copy(1, 2_000));
    s.set('B', copy(1));
    clock = 2_000;
    expect(s.live().map(([code]) => code)).toEqual(['B']);
    s.delete('B');
    expect(s.size).toBe(0);
    expect(s.unseen(0)).toEqual([]);
  });

  test('run_id from INFO server, or null', () => {
    expect(parseRunId('# Server\r\nredis_version:7.0.15\r\nrun_id:3f2a9c\r\n')).toBe('3f2a9c');
    expect(parseRunId('redis_version:7.0.15')).toBeNull();
  });
});
