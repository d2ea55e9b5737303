/** A small run of the bench:sync simulation, with loose bounds so regressions fail CI. */
import { SHORT_SESSION, SHORT_SESSION_S } from '../../bench/sim/scripts';
import { matchControls, simulate } from '../../bench/sim/simulate';

test.each([
  { seed: 1, policy: 'wait' as const },
  { seed: 2, policy: 'wait' as const },
  { seed: 3, policy: 'continue' as const },
])('3 simulated members stay in step (seed $seed, $policy policy)', ({ seed, policy }) => {
  const r = simulate({ members: 3, seed, durationS: SHORT_SESSION_S, script: SHORT_SESSION, policy });
  expect(r.pairwiseMs.n).toBeGreaterThan(1000);
  expect(r.pairwiseMs.p99).toBeLessThan(100);
  expect(r.echo).toBe(0);
  expect(r.missedUserActions).toBe(0);
  expect(r.convergence.every((c) => c.ms !== null)).toBe(true);
});

test('members without frame callbacks (currentTime readings only) still stay in step', () => {
  const r = simulate({ members: 3, seed: 4, durationS: SHORT_SESSION_S, script: SHORT_SESSION, policy: 'wait', coarse: 2 });
  expect(r.pairwiseMs.n).toBeGreaterThan(1000);
  expect(r.pairwiseMs.p99).toBeLessThan(100);
  expect(r.echo).toBe(0);
  expect(r.convergence.every((c) => c.ms !== null)).toBe(true);
});

describe('matchControls: each control is explained by one user action of its own member', () => {
  test.each([
    [
      'one action, its control',
      [{ member: 0, at: 1000, action: 'play' }],
      [[{ at: 1010, action: 'play' }], []],
      { unexplained: 0, missed: 0 },
    ],
    [
      'an echo and a missed action do not cancel out',
      [{ member: 0, at: 1000, action: 'play' }],
      [[], [{ at: 1200, action: 'play' }]],
      { unexplained: 1, missed: 1 },
    ],
    ['wrong kind', [{ member: 0, at: 1000, action: 'seek' }], [[{ at: 1010, action: 'play' }]], { unexplained: 1, missed: 1 }],
    [
      'too late to be caused by it',
      [{ member: 0, at: 1000, action: 'pause' }],
      [[{ at: 2500, action: 'pause' }]],
      { unexplained: 1, missed: 1 },
    ],
    [
      'a control twice for one action',
      [{ member: 0, at: 1000, action: 'seek' }],
      [
        [
          { at: 1010, action: 'seek' },
          { at: 1020, action: 'seek' },
        ],
      ],
      { unexplained: 1, missed: 0 },
    ],
  ])('%s', (_name, actions, sent, expected) => {
    expect(matchControls(actions, sent)).toEqual(expected);
  });
});
