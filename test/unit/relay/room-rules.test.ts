/** The relay's pure room rules, table-driven over StoredRoom values (no server, no store). */
import { ErrorCode, type ControlRequest, type StatusReport } from '../../../relay/contract/protocol';
import { control, expireHoldAt, reportStatus, setProfile, transferHost, updateSettings } from '../../../relay/rooms/member-actions';
import { createRoom, join, leave, markAway, resume, type NewMember, type RoomRules } from '../../../relay/rooms/membership';
import type { Mutation, StoredRoom } from '../../../relay/store/room-store';

const rules: RoomRules = { maxMembers: 3, graceMs: 1000 };
const newMember = (id: string, name = id): NewMember => ({ id, profile: { name }, resumeHash: `hash-${id}`, connectionId: `conn-${id}` });

function ok<T, E>(m: Mutation<T, E>): { room: StoredRoom; value: T } {
  if (!m.ok) throw new Error(`expected ok, got ${String(m.error)}`);
  if (m.room === null) throw new Error('room deleted');
  return { room: m.room, value: m.value };
}

/** Alice (host, t=0), Bob (t=10), Carol (t=20). */
function room3(): StoredRoom {
  let room = createRoom('ROOMCODE000000', newMember('alice'), 0);
  room = ok(join(newMember('bob'), 10, rules)(room)).room;
  return ok(join(newMember('carol'), 20, rules)(room)).room;
}

describe('membership', () => {
  test('creator is host; joiners are members with distinct colours', () => {
    const room = room3();
    expect(Object.values(room.members).map((m) => [m.id, m.role])).toEqual([
      ['alice', 'host'],
      ['bob', 'member'],
      ['carol', 'member'],
    ]);
    expect(new Set(Object.values(room.members).map((m) => m.color)).size).toBe(3);
  });

  test('a colour another member already shows is replaced by a free one; a free one is kept', () => {
    const room = room3();
    const bobColor = room.members.bob!.color;
    const dave = ok(
      join({ ...newMember('dave'), profile: { name: 'Dave', color: bobColor.toUpperCase() } }, 40, { ...rules, maxMembers: 10 })(room),
    );
    expect(dave.value.member.color).not.toBe(bobColor);
    expect(new Set(Object.values(dave.room!.members).map((m) => m.color)).size).toBe(4);
    const eve = ok(join({ ...newMember('eve'), profile: { name: 'Eve', color: '#123456' } }, 40, { ...rules, maxMembers: 10 })(room));
    expect(eve.value.member.color).toBe('#123456');
    // A profile change to a colour someone shows: a free one instead; to its own colour: kept.
    expect(ok(setProfile('carol', { name: 'C', color: bobColor })(room)).value.color).not.toBe(bobColor);
    expect(ok(setProfile('bob', { name: 'B', color: bobColor })(room)).value.color).toBe(bobColor);
  });

  test('room_full at maxMembers (away members keep their seat)', () => {
    const away = ok(markAway('bob', 'conn-bob', 30, rules)(room3())).room;
    expect(join(newMember('dave'), 40, rules)(away)).toEqual({ ok: false, error: ErrorCode.RoomFull });
  });

  test('away members past the grace are pruned by the next join, freeing the seat', () => {
    const away = ok(markAway('bob', 'conn-bob', 30, rules)(room3())).room;
    const r = ok(join(newMember('dave'), 30 + rules.graceMs, rules)(away));
    expect(r.value.pruned).toEqual([{ memberId: 'bob', hostId: null }]);
    expect(Object.keys(r.room.members)).toEqual(['alice', 'carol', 'dave']);
  });

  test.each([
    { leaver: 'alice', hostId: 'bob', note: 'host leaves: longest-present takes over' },
    { leaver: 'bob', hostId: null, note: 'member leaves: host unchanged' },
  ])('leave: $note', ({ leaver, hostId }) => {
    const r = ok(leave(leaver, 50, rules)(room3()));
    expect(r.value.left).toEqual([{ memberId: leaver, hostId }]);
    expect(r.room.members[leaver]).toBeUndefined();
    expect(r.room.expiresAt).toBeNull();
  });

  test('host hand-off skips away members when someone is connected', () => {
    const away = ok(markAway('bob', 'conn-bob', 30, rules)(room3())).room;
    expect(ok(leave('alice', 40, rules)(away)).value.left).toEqual([{ memberId: 'alice', hostId: 'carol' }]);
  });

  test('the last one out starts the grace period; a join cancels it', () => {
    let room = createRoom('ROOMCODE000000', newMember('alice'), 0);
    room = ok(markAway('alice', 'conn-alice', 100, rules)(room)).room;
    expect(room.expiresAt).toBe(100 + rules.graceMs);
    expect(room.members.alice).toMatchObject({ connected: false, role: 'host', awaySince: 100 });
    room = ok(join(newMember('bob'), 200, rules)(room)).room;
    expect(room.expiresAt).toBeNull();
    room = ok(leave('bob', 300, rules)(room)).room;
    expect(room.expiresAt).toBe(300 + rules.graceMs);
  });

  test('resume by token hash or id restores the same member and role', () => {
    const away = ok(markAway('alice', 'conn-alice', 30, rules)(room3())).room;
    for (const who of [{ resumeHash: 'hash-alice' }, { memberId: 'alice' }]) {
      const r = ok(resume(who, 'conn-new', 40, rules)(away));
      expect(r.value.member).toMatchObject({ id: 'alice', role: 'host', connected: true });
      expect(r.room.members.alice?.connectionId).toBe('conn-new');
    }
    expect(resume({ resumeHash: 'nope' }, 'c', 40, rules)(away)).toEqual({ ok: false, error: ErrorCode.ResumeFailed });
    expect(resume({ resumeHash: 'hash-alice' }, 'c', 30 + rules.graceMs, rules)(away)).toEqual({
      ok: false,
      error: ErrorCode.ResumeFailed,
    });
  });

  test('members:status: a status report names who must hear of it (batches, a member:updated, both); the view never shows the flag', () => {
    const batching = (id: string): NewMember => ({ ...newMember(id), batches: true });
    let room = createRoom('ROOMCODE000000', batching('alice'), 0);
    room = ok(join(batching('bob'), 10, rules)(room)).room;
    const report: StatusReport = { status: 'paused' };
    const audience = (r: StoredRoom, id = 'alice') => ok(reportStatus(id, report, 30, 10_000)(r)).value.audience;
    expect(audience(room)).toEqual({ batches: true, legacy: false });
    // Carol's client predates batches: she needs a member:updated, Alice and Bob still take the batch.
    const mixed = ok(join(newMember('carol'), 20, rules)(room)).room;
    expect(mixed.members.carol?.batches).toBe(false);
    expect(audience(mixed)).toEqual({ batches: true, legacy: true });
    expect(audience(mixed, 'carol')).toEqual({ batches: true, legacy: false });
    // Away members count: connection state recovery replays to them what they missed.
    expect(audience(ok(markAway('carol', 'conn-carol', 25, rules)(mixed)).room)).toEqual({ batches: true, legacy: true });
    // A resume takes what its connection declares; a resume that does not say keeps what was stored.
    const upgraded = ok(resume({ memberId: 'carol' }, 'conn-carol-2', 30, rules, undefined, { batches: true, follows: true })(mixed));
    expect(upgraded.room.members.carol?.batches).toBe(true);
    expect(upgraded.room.members.carol?.follows).toBe(true);
    expect(audience(upgraded.room)).toEqual({ batches: true, legacy: false });
    expect(ok(resume({ memberId: 'carol' }, 'conn-carol-3', 30, rules)(upgraded.room)).room.members.carol?.batches).toBe(true);
    expect(
      ok(resume({ memberId: 'carol' }, 'conn-carol-3', 30, rules, undefined, { batches: false, follows: false })(upgraded.room)).room
        .members.carol?.batches,
    ).toBe(false);
    // Alone in a room: no one to tell.
    expect(audience(createRoom('ROOMCODE000001', batching('alice'), 0))).toEqual({ batches: false, legacy: false });
    expect(upgraded.value.member).not.toHaveProperty('batches');
    expect(upgraded.value.view.members.every((m) => !('batches' in m))).toBe(true);
  });

  test('a late disconnect of an old connection does not mark a resumed member away', () => {
    const resumed = ok(resume({ resumeHash: 'hash-bob' }, 'conn-bob-2', 40, rules)(room3())).room;
    expect(markAway('bob', 'conn-bob', 50, rules)(resumed)).toEqual({ ok: false, error: ErrorCode.NotInRoom });
    expect(ok(markAway('bob', 'conn-bob-2', 50, rules)(resumed)).value.member).toMatchObject({ connected: false });
  });

  test.each([
    { by: 'alice', to: 'bob', error: null },
    { by: 'bob', to: 'carol', error: ErrorCode.NotHost },
    { by: 'alice', to: 'zed', error: ErrorCode.MemberNotFound },
    { by: 'zed', to: 'bob', error: ErrorCode.NotInRoom },
  ])('transferHost $by → $to', ({ by, to, error }) => {
    const r = transferHost(by, to)(room3());
    if (error !== null) return expect(r).toEqual({ ok: false, error });
    const { room } = ok(r);
    expect([room.members[by]?.role, room.members[to]?.role]).toEqual(['member', 'host']);
  });

  test('settings are host-only and merge; profile keeps the colour unless given', () => {
    expect(updateSettings('bob', { controlMode: 'host' }, 0)(room3())).toEqual({ ok: false, error: ErrorCode.NotHost });
    expect(ok(updateSettings('alice', { waitPolicy: 'continue' }, 0)(room3())).value).toEqual({
      settings: { controlMode: 'everyone', waitPolicy: 'continue', navigationPolicy: 'follow' },
      timeline: null,
    });
    const before = room3().members.bob!.color;
    expect(ok(setProfile('bob', { name: 'Robert' })(room3())).value).toMatchObject({ name: 'Robert', color: before });
    expect(ok(setProfile('bob', { name: 'B', color: '#ABCDEF' })(room3())).value).toMatchObject({ color: '#abcdef' });
  });
});

describe('playback', () => {
  const cases: Array<{ name: string; mode?: 'host'; by: string; req: ControlRequest; error?: ErrorCode; expect?: object }> = [
    {
      name: 'play schedules a start ahead (seek allowance 400 ms)',
      by: 'bob',
      req: { action: 'play' },
      expect: { paused: false, setAt: 1400, seq: 1, by: 'bob' },
    },
    { name: 'seek while paused', by: 'carol', req: { action: 'seek', position: 30 }, expect: { position: 30, setAt: 1000, seq: 1 } },
    { name: 'rate', by: 'alice', req: { action: 'rate', rate: 1.5 }, expect: { rate: 1.5, seq: 1 } },
    {
      name: 'media resets',
      by: 'bob',
      req: { action: 'media', media: { url: 'https://v.example/1', title: 'One', duration: 60 } },
      expect: { media: { url: 'https://v.example/1', title: 'One', duration: 60 }, position: 0, paused: true },
    },
    { name: 'stale baseSeq', by: 'bob', req: { action: 'pause', baseSeq: -1 }, error: ErrorCode.Stale },
    { name: 'host-only refuses a member', mode: 'host', by: 'bob', req: { action: 'play' }, error: ErrorCode.NotHost },
    { name: 'host-only lets the host', mode: 'host', by: 'alice', req: { action: 'play' }, expect: { paused: false } },
    { name: 'stranger', by: 'zed', req: { action: 'play' }, error: ErrorCode.NotInRoom },
  ];
  test.each(cases)('$name', (c) => {
    let room = room3();
    if (c.mode !== undefined) room = ok(updateSettings('alice', { controlMode: c.mode }, 0)(room)).room;
    const r = control(c.by, c.req, 1000)(room);
    if (c.error !== undefined) return expect(r).toEqual({ ok: false, error: c.error });
    expect(ok(r).value.timeline).toMatchObject(c.expect!);
    expect(ok(r).value.changed).toBe(true);
  });

  test('play while playing changes nothing', () => {
    const playing = ok(control('alice', { action: 'play' }, 0)(room3())).room;
    const r = ok(control('bob', { action: 'play' }, 500)(playing));
    expect(r.value).toEqual({ timeline: playing.timeline, changed: false });
  });

  test('the lead follows the slowest connected member’s reported RTT', () => {
    const slow = ok(reportStatus('bob', { status: 'paused', rttMs: 1000 }, 0, 10_000)(room3())).room;
    expect(ok(control('alice', { action: 'play' }, 1000)(slow)).value.timeline.setAt).toBe(1000 + 500 + 400);
    const gone = ok(markAway('bob', 'conn-bob', 0, rules)(slow)).room;
    expect(ok(control('alice', { action: 'play' }, 1000)(gone)).value.timeline.setAt).toBe(1000 + 400);
  });

  const statusCases: Array<{ name: string; policy: 'wait' | 'continue'; report: StatusReport; held: boolean }> = [
    { name: 'buffering holds under wait', policy: 'wait', report: { status: 'buffering' }, held: true },
    { name: 'an ad holds under wait', policy: 'wait', report: { status: 'ad' }, held: true },
    { name: 'buffering does not hold under continue', policy: 'continue', report: { status: 'buffering' }, held: false },
    { name: 'playing does not hold', policy: 'wait', report: { status: 'playing', offsetMs: 12, rttMs: 40 }, held: false },
  ];
  test.each(statusCases)('status: $name', ({ policy, report, held }) => {
    let room = ok(updateSettings('alice', { waitPolicy: policy }, 0)(room3())).room;
    room = ok(control('alice', { action: 'play' }, 0)(room)).room;
    const r = ok(reportStatus('bob', report, 5000, 10_000)(room));
    expect(r.value.member).toMatchObject({ status: report.status, offsetMs: report.offsetMs ?? null, rttMs: report.rttMs ?? null });
    expect(r.value.timeline === null ? [] : r.value.timeline.waitingFor).toEqual(held ? ['bob'] : []);
    if (held) expect(r.value.timeline?.holdUntil).toBe(15_000);
  });

  test('a hold is released by the member, by its leaving, or by the timeout (idempotently)', () => {
    let room = ok(control('alice', { action: 'play' }, 0)(room3())).room;
    room = ok(reportStatus('bob', { status: 'buffering' }, 5000, 10_000)(room)).room;
    expect(ok(reportStatus('bob', { status: 'playing' }, 6000, 10_000)(room)).value.timeline?.waitingFor).toEqual([]);
    expect(ok(leave('bob', 6000, rules)(room)).room.timeline.waitingFor).toEqual([]);
    expect(ok(markAway('bob', 'conn-bob', 6000, rules)(room)).room.timeline.waitingFor).toEqual([]);
    const relaxed = ok(updateSettings('alice', { waitPolicy: 'continue' }, 7000)(room));
    expect(relaxed.value.timeline).toMatchObject({ waitingFor: [], holdUntil: null, paused: false, setAt: 7400 });
    expect(expireHoldAt(14_999)(room)).toEqual({ ok: false, error: 'not_due' });
    const expired = ok(expireHoldAt(15_000)(room));
    expect(expired.value).toMatchObject({ waitingFor: [], holdUntil: null, by: null });
    expect(expireHoldAt(15_001)(expired.room)).toEqual({ ok: false, error: 'not_due' });
  });

  /**
   * `by`: the member who asked for the change (a control; the host's switch to 'continue' that
   * ends a hold), null for what the relay does on its own (holding for a stalled member, whom
   * `waitingFor` names; restarting when the last one is ready, leaves or goes away; the timeout).
   */
  test('by: a member for what it asked for, null for the relay’s own changes', () => {
    const by = (room: StoredRoom | null): string | null | undefined => room?.timeline.by;
    const playing = ok(control('alice', { action: 'play' }, 0)(room3())).room;
    expect(by(playing)).toBe('alice');
    expect(ok(control('bob', { action: 'pause' }, 100)(playing)).value.timeline.by).toBe('bob');
    expect(ok(control('carol', { action: 'seek', position: 9 }, 100)(playing)).value.timeline.by).toBe('carol');
    const held = ok(reportStatus('bob', { status: 'buffering' }, 1000, 10_000)(playing)).room;
    expect(held.timeline).toMatchObject({ waitingFor: ['bob'], by: null });
    const both = ok(reportStatus('carol', { status: 'ad' }, 1100, 10_000)(held)).room;
    expect(both.timeline).toMatchObject({ waitingFor: ['bob', 'carol'], by: null });
    expect(ok(reportStatus('carol', { status: 'playing' }, 1200, 10_000)(both)).room.timeline).toMatchObject({
      waitingFor: ['bob'],
      by: null,
    });
    expect(ok(reportStatus('bob', { status: 'playing' }, 2000, 10_000)(held)).value.timeline).toMatchObject({ paused: false, by: null });
    expect(by(ok(leave('bob', 2000, rules)(held)).room)).toBeNull();
    expect(by(ok(markAway('bob', 'conn-bob', 2000, rules)(held)).room)).toBeNull();
    expect(ok(expireHoldAt(11_000)(held)).value).toMatchObject({ waitingFor: [], by: null });
    expect(ok(updateSettings('alice', { waitPolicy: 'continue' }, 3000)(held)).value.timeline).toMatchObject({
      waitingFor: [],
      paused: false,
      by: 'alice',
    });
    // A member's control during a hold is that member's.
    expect(ok(control('carol', { action: 'pause' }, 3000)(held)).value.timeline.by).toBe('carol');
  });
});
