/** A small run of the bench:sync simulation, with loose bounds so regressions fail CI. */
import { SHORT_SESSION, SHORT_SESSION_S } from '../../bench/sim/scripts';
import { simulate } from '../../bench/sim/simulate';

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
