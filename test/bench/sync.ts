/**
 * `npm run bench:sync [-- --members 5 --seed 1 --coarse 0 --watching 0 --no-quiet]`: the sync engine
 * under a simulated network (see test/bench/sim/); `--coarse N`: the last N members have no frame
 * callbacks and read currentTime instead; `--watching N`: the first N keep their popup open (they
 * get the room's telemetry batches, `members:watch`). After the full session, a 45-minute quiet one (one play,
 * then nothing: the clock at its steady cadence; `--no-quiet` skips it). Prints figures; asserts nothing.
 */
import { parseArgs } from 'node:util';
import { FULL_SESSION, FULL_SESSION_S, QUIET_SESSION, QUIET_SESSION_S } from './sim/scripts';
import { simulate } from './sim/simulate';
import type { MessageRates } from './sim/simulate';
import type { Percentiles } from './sim/stats';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    coarse: { type: 'string', default: '0' },
    watching: { type: 'string', default: '0' },
    'no-quiet': { type: 'boolean', default: false },
  },
});
const members = Number(values.members);
const seed = Number(values.seed);
if (!Number.isInteger(members) || members < 2 || members > 50) throw new Error('--members must be an integer in [2, 50]');
if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
const coarse = Number(values.coarse);
if (!Number.isInteger(coarse) || coarse < 0 || coarse > members) throw new Error('--coarse must be an integer in [0, members]');
const watching = Number(values.watching);
if (!Number.isInteger(watching) || watching < 0 || watching > members) throw new Error('--watching must be an integer in [0, members]');

const script = FULL_SESSION.filter((s) => s.member < members);
const started = performance.now();
const r = simulate({ members, seed, durationS: FULL_SESSION_S, script, policy: 'wait', coarse, watching });
const ms = (p: Percentiles): string =>
  `p50 ${p.p50.toFixed(1)}  p95 ${p.p95.toFixed(1)}  p99 ${p.p99.toFixed(1)}  max ${p.max.toFixed(1)}  (n=${p.n})`;

console.log(
  `lockstep sync simulation: ${members} members (${coarse} without frame callbacks, ${watching} with the popup open), seed ${seed}, ${FULL_SESSION_S} s virtual, ${((performance.now() - started) / 1000).toFixed(1)} s wall`,
);
console.log(`steady-state pairwise position error (ms): ${ms(r.pairwiseMs)}  over ${r.steadyMinutes.toFixed(1)} min`);
console.log(`clock estimate error vs relay (ms):         ${ms(r.clockErrorMs)}`);
console.log(`skew estimate error (ppm):                  ${ms(r.skewErrorPpm)}`);
console.log('convergence within 50 ms after each room change:');
for (const c of r.convergence)
  console.log(`  t=${c.atS.toFixed(1).padStart(6)} s  ${c.action.padEnd(8)} ${c.ms === null ? 'never' : `${c.ms.toFixed(0)} ms`}`);
console.log(
  `corrective seeks / member / min: ${r.correctiveSeeksPerMemberMin.toFixed(2)} overall, ${r.steadySeeksPerMemberMin.toFixed(2)} in steady state`,
);
console.log(`rate changes / member / min:     ${r.rateChangesPerMemberMin.toFixed(2)}`);
console.log(`echo events: ${r.echo}   missed user actions: ${r.missedUserActions}   stale timelines dropped: ${r.staleDropped}`);
const byKind = (c: Record<string, number>): string =>
  Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n.toFixed(2)}`)
    .join(', ');
const messages = (m: MessageRates): string =>
  `out ${m.out.toFixed(1)} (${byKind(m.sent)})\n    in ${m.in.toFixed(1)} (${byKind(m.received)})`;
console.log(
  `messages / member / min with the relay, steady state (${r.steadyMessageMinutes.toFixed(1)} member-min, 2 min after a (re)connect):`,
);
console.log(`    ${messages(r.steadyMessages)}`);
console.log(`  whole session: out ${r.messages.out.toFixed(1)}, in ${r.messages.in.toFixed(1)}`);

if (!values['no-quiet']) {
  const quietStarted = performance.now();
  const q = simulate({ members, seed, durationS: QUIET_SESSION_S, script: QUIET_SESSION, policy: 'wait', coarse, watching });
  console.log(
    `\nquiet session: one play, then nothing, ${QUIET_SESSION_S / 60} min virtual, ${((performance.now() - quietStarted) / 1000).toFixed(1)} s wall`,
  );
  console.log(`steady-state pairwise position error (ms): ${ms(q.pairwiseMs)}`);
  console.log(`clock estimate error vs relay (ms):         ${ms(q.clockErrorMs)}`);
  console.log(`skew estimate error (ppm):                  ${ms(q.skewErrorPpm)}`);
  console.log(`messages / member / min with the relay, steady state (${q.steadyMessageMinutes.toFixed(1)} member-min):`);
  console.log(`    ${messages(q.steadyMessages)}`);
  console.log(`  whole session: out ${q.messages.out.toFixed(1)}, in ${q.messages.in.toFixed(1)}`);
}
