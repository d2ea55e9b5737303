/**
 * `npm run bench:clock-replay -- FILE... [--clock '{"offsetSamples":96}']`: the clock samples real
 * browsers took in `bench:e2e -- --clock-samples FILE`, put through the estimator again
 * (extension/core/clock-sync.ts), as it is and with the given CLOCK settings changed, each against
 * the known true offset. Estimator changes can be weighed on real samples in seconds, beside
 * `bench:sync`'s simulated members (whose clocks have skews, which one machine's do not).
 * Prints, per file and member, the live estimates as logged, the replay as is, and the variant.
 * Logged and replayed differ only for a member that reconnected during the run (the engine starts a
 * new estimate then; the replay does not).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  describeErrors,
  ESTIMATOR_SETTINGS,
  loggedErrors,
  replayedErrors,
  type EstimatorSetting,
  type MemberClockLog,
} from './clock-errors';

function fail(message: string): never {
  console.error(`bench:clock-replay: ${message}`);
  process.exit(1);
}

const { values, positionals } = parseArgs({ options: { clock: { type: 'string', default: '{}' } }, allowPositionals: true });
if (positionals.length === 0) fail('usage: npm run bench:clock-replay -- FILE... [--clock \'{"setting":value}\']');

let overrides: Record<string, unknown> = {};
try {
  overrides = JSON.parse(values.clock ?? '{}') as Record<string, unknown>;
} catch {
  fail(`--clock is not JSON: ${values.clock}`);
}
for (const [key, value] of Object.entries(overrides)) {
  if (!(ESTIMATOR_SETTINGS as readonly string[]).includes(key))
    fail(`--clock: ${key} is not an estimator setting (${ESTIMATOR_SETTINGS.join(', ')})`);
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`--clock: ${key} must be a number`);
}
const variant = overrides as Partial<Record<EstimatorSetting, number>>;
const changed = Object.keys(variant).length > 0;

for (const file of positionals) {
  let members: MemberClockLog[];
  try {
    ({ members } = JSON.parse(readFileSync(file, 'utf8')) as { members: MemberClockLog[] });
  } catch (err) {
    fail(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  console.log(file);
  for (const m of members) {
    console.log(`  ${m.name} (${m.samples.length} samples)`);
    console.log(`    logged   ${describeErrors(loggedErrors(m))}`);
    console.log(`    replayed ${describeErrors(replayedErrors(m))}`);
    if (changed) console.log(`    variant  ${describeErrors(replayedErrors(m, variant))}  ${JSON.stringify(variant)}`);
  }
}
