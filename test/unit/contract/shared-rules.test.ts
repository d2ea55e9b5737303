/** The rules both runtimes apply, written once in the contract: rate clamp, display names, member order. */
import {
  declaredFeatures,
  byJoinOrder,
  clampRate,
  displayNameProblem,
  LIMITS,
  MAX_RATE,
  MIN_RATE,
  type DisplayNameProblem,
} from '../../../relay/contract/protocol';

test.each([
  [1, 1],
  [MIN_RATE, MIN_RATE],
  [MAX_RATE, MAX_RATE],
  [0.1, MIN_RATE],
  [0, MIN_RATE],
  [-3, MIN_RATE],
  [2.5, MAX_RATE],
  [16, MAX_RATE],
])('clampRate(%p) = %p', (rate, want) => {
  expect(clampRate(rate)).toBe(want);
});

test('the rate bounds are the limits the relay validates', () => {
  expect([LIMITS.minRate, LIMITS.maxRate]).toEqual([MIN_RATE, MAX_RATE]);
});

test.each<[string, DisplayNameProblem | null]>([
  ['Ann', null],
  ['  Ann  ', null],
  ['Zoë 🎬', null],
  ['x'.repeat(LIMITS.nameMaxLength), null],
  [` ${'x'.repeat(LIMITS.nameMaxLength)} `, null],
  ['', 'empty'],
  ['   ', 'empty'],
  ['x'.repeat(LIMITS.nameMaxLength + 1), 'too_long'],
  ['a\u0007b', 'control_characters'],
  ['a\nb', 'control_characters'],
  ['a\u007fb', 'control_characters'],
])('displayNameProblem(%j) = %p', (name, want) => {
  expect(displayNameProblem(name)).toBe(want);
});

describe('member order: join time, then id', () => {
  const m = (id: string, joinedAt: number) => ({ id, joinedAt });
  test.each([
    { name: 'earlier join first', members: [m('a', 20), m('b', 10)], want: ['b', 'a'] },
    { name: 'same join time: by id', members: [m('zed', 10), m('amy', 10), m('kim', 10)], want: ['amy', 'kim', 'zed'] },
    { name: 'join time before id', members: [m('a', 30), m('b', 10), m('c', 10)], want: ['b', 'c', 'a'] },
    { name: 'ids compare by code unit (upper before lower)', members: [m('b', 5), m('B', 5)], want: ['B', 'b'] },
  ])('$name', ({ members, want }) => {
    expect([...members].sort(byJoinOrder).map((x) => x.id)).toEqual(want);
    expect(
      [...members]
        .reverse()
        .sort(byJoinOrder)
        .map((x) => x.id),
    ).toEqual(want);
  });

  test('equal only for the same member', () => {
    expect(byJoinOrder(m('a', 1), m('a', 1))).toBe(0);
  });
});

describe('declaredFeatures: what a handshake says its client understands', () => {
  test.each([
    [{ features: ['members:status'] }, ['members:status']],
    [{ features: ['members:status', 'members:status', 'teleport', 7, null, {}] }, ['members:status']],
    [{ features: [...Array<string>(16).fill('x'), 'members:status'] }, []],
    [{ features: 'members:status' }, []],
    [{ features: { 0: 'members:status', length: 1 } }, []],
    [{}, []],
    [null, []],
    ['members:status', []],
    [undefined, []],
  ])('%j → %j', (auth, features) => {
    expect([...declaredFeatures(auth)]).toEqual(features);
  });
});
