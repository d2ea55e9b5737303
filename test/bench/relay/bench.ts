/**
 * npm run bench:relay — load on the relay with real socket.io clients (several processes), for
 * one relay in memory, one relay with Redis and two relays sharing Redis. Prints, per scenario:
 * sockets held, events/s, fan-out latency p50/p99 (control sent → last member of the room got
 * the new state), relay RSS and heap per socket (heap under load, and retained: after the load
 * stopped and a full GC forced through the relay's inspector), relay CPU. Then, side by side, each
 * scenario's CPU per event as a ratio of the bare relay's (bare-relay.ts) measured in the same run.
 *
 *   npm run bench:relay -- --rooms 2500 --members 4 --seconds 30 --warmup-seconds 15 --workers 3 \
 *     --scenarios bare,memory,redis,redis2 [--no-bufferutil] [--cpu-prof DIR] [--run-prof DIR] [--relay-flags '...'] \
 *     [--base-bundle dist/relay-base.js] [--pin] [--placement spread|room] [--ping-every 20000 --telemetry-every 15000 --control-every 5000 --chat-every 30000] [--status-on-control | --no-status-on-control] [--watchers 0]
 *   (the mix's defaults: mix.ts, from the extension's cadence)
 *   (also: sharded, sharded2 = the sharded pub/sub adapter instead of Redis Streams)
 *
 * Everything runs on 127.0.0.1 against the Redis at REDIS_URL (default redis://127.0.0.1:6379),
 * each run under its own key prefix, deleted afterwards. Figures are for this machine only.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { build } from 'esbuild';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { deleteKeys, uniquePrefix } from '../../support/stores';
import { freePort, startRelayProcess, type RelayProcess } from '../../integration/redis/processes';
import { collectGarbage } from './inspector-gc';
import { startProfile } from './inspector-profile';
import { DEFAULT_MIX } from './mix';
import type { Mix, Placement, WorkerCommand, WorkerReply } from './load-worker';
import { percentile, roundRatios, sampleRelay, socketsHeld, type RelaySample } from './relay-stats';

const { values: args } = parseArgs({
  options: {
    rooms: { type: 'string', default: '2500' },
    members: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '30' },
    /**
     * The mix runs this long before it is measured: long enough for every member's first telemetry
     * report (the relay stores its RTT once per connection, as it stores the join), so the figures
     * are the steady state's. Default: one period of --telemetry-every. 0: measure from the first event.
     */
    'warmup-seconds': { type: 'string' },
    workers: { type: 'string', default: '3' },
    scenarios: { type: 'string', default: 'bare,memory,redis,redis2' },
    'no-bufferutil': { type: 'boolean', default: false },
    /** Periods of the mix in ms per member (ping, telemetry) or per room (control, chat); 0: none. */
    'ping-every': { type: 'string', default: String(DEFAULT_MIX.pingMs) },
    'telemetry-every': { type: 'string', default: String(DEFAULT_MIX.telemetryMs) },
    'control-every': { type: 'string', default: String(DEFAULT_MIX.controlMs) },
    'chat-every': { type: 'string', default: String(DEFAULT_MIX.chatMs) },
    /** Members per room that watch the room's telemetry (`members:watch`: their popup open). */
    watchers: { type: 'string', default: '0' },
    /** Every member reports its new status after a control (as clients without `status:follows` do), or none does (mix.ts says which is the default). */
    'status-on-control': { type: 'boolean', default: false },
    'no-status-on-control': { type: 'boolean', default: false },
    /** A folder: each relay writes a V8 CPU profile there (node --cpu-prof) when it stops. */
    'cpu-prof': { type: 'string' },
    /** A folder: each relay's CPU profile over the run of the mix only (SCENARIO-N.cpuprofile), through its inspector. */
    'run-prof': { type: 'string' },
    /** Extra node flags for the relay processes, e.g. '--max-semi-space-size=64'. */
    'relay-flags': { type: 'string', default: '' },
    /** Another build of the relay (e.g. an older commit's), run in memory mode as scenario `base`. */
    'base-bundle': { type: 'string' },
    /**
     * The relays on CPU 0, this process and the load processes on CPU 1 (taskset): a relay's CPU
     * is then its own work, not also the cost of sharing its core with the clients (caches, switches).
     */
    pin: { type: 'boolean', default: false },
    /** Which relay a member connects to with several relays: spread (a room over all) or room (a room on one; load-worker.ts). */
    placement: { type: 'string', default: 'spread' },
  },
});
const ROOMS = Number(args.rooms);
const MEMBERS = Number(args.members);
const SECONDS = Number(args.seconds);
const WARMUP_SECONDS_ARG = args['warmup-seconds'];
const WORKERS = Number(args.workers);
const WATCHERS = Number(args.watchers);
const PLACEMENT = args.placement as Placement;
if (PLACEMENT !== 'spread' && PLACEMENT !== 'room') {
  process.stderr.write(`bench:relay: --placement must be spread or room, not '${args.placement}'\n`);
  process.exit(2);
}
if (!Number.isInteger(WATCHERS) || WATCHERS < 0 || WATCHERS > MEMBERS) {
  process.stderr.write(`bench:relay: --watchers must be an integer from 0 to --members, not '${args.watchers}'\n`);
  process.exit(2);
}
const MIX: Mix = {
  pingMs: Number(args['ping-every']),
  telemetryMs: Number(args['telemetry-every']),
  controlMs: Number(args['control-every']),
  chatMs: Number(args['chat-every']),
  statusOnControl: args['status-on-control'] || (DEFAULT_MIX.statusOnControl && !args['no-status-on-control']),
};
/** Default: one telemetry period of the mix given. */
const WARMUP_SECONDS = WARMUP_SECONDS_ARG === undefined ? Math.ceil(Math.max(0, MIX.telemetryMs) / 1000) : Number(WARMUP_SECONDS_ARG);
for (const name of [
  'rooms',
  'members',
  'seconds',
  'warmup-seconds',
  'workers',
  'ping-every',
  'telemetry-every',
  'control-every',
  'chat-every',
] as const) {
  if (args[name] === undefined) continue; // a default computed from the others
  const v = Number(args[name]);
  const zeroOk = name.endsWith('-every') || name === 'warmup-seconds';
  if (!Number.isFinite(v) || v < 0 || (v === 0 && !zeroOk)) {
    process.stderr.write(
      `bench:relay: --${name} must be a positive number${name.endsWith('-every') ? ' of ms (0: none)' : zeroOk ? ' (0: none)' : ''}, not '${args[name]}'\n`,
    );
    process.exit(2);
  }
}
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RELAY_CPU = '0';
const LOAD_CPU = '1';

if (args.pin && availableParallelism() < 2) {
  process.stderr.write('bench:relay: --pin needs two CPUs (the relays on one, the load on the other)\n');
  process.exit(2);
}

/** With --pin, sets the CPU of every thread of `pid` (threads it starts later inherit it). */
function pin(pid: number | undefined, cpu: string): void {
  if (!args.pin || pid === undefined) return;
  try {
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpu, String(pid)], { stdio: 'ignore' });
  } catch (err) {
    throw new Error(`--pin: taskset (util-linux) could not pin process ${pid} to CPU ${cpu}`, { cause: err });
  }
}
/**
 * redis* use the Redis Streams adapter, sharded* the sharded pub/sub one; a trailing 2 = two relays;
 * bare = the minimal socket.io relay of bare-relay.ts, the floor the others are compared against, bare2 = two
 * of it through the Streams adapter (the floor of what a second process costs);
 * base = the relay bundle given by --base-bundle (an older build), in memory mode, baseredis = one of it
 * with Redis (as redis), base2 = two of it sharing Redis (as redis2): before and after in one run.
 */
const SCENARIOS = ['bare', 'bare2', 'base', 'baseredis', 'base2', 'memory', 'redis', 'redis2', 'sharded', 'sharded2'] as const;
type Scenario = (typeof SCENARIOS)[number];

class Worker {
  private readonly child: ChildProcess;
  private readonly replies: WorkerReply[] = [];
  private waiting: ((r: WorkerReply) => void) | null = null;
  constructor() {
    this.child = fork(resolve(__dirname, 'load-worker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    pin(this.child.pid, LOAD_CPU);
    this.child.on('message', (m: WorkerReply) => {
      const waiting = this.waiting;
      this.waiting = null;
      if (waiting === null) this.replies.push(m);
      else waiting(m);
    });
  }
  ask(cmd: WorkerCommand): Promise<WorkerReply> {
    this.child.send(cmd);
    return this.next();
  }
  /** The worker's next reply (a run sends two: `warm`, then `result`). */
  next(): Promise<WorkerReply> {
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((done) => {
      this.waiting = done;
    });
  }
  close(): Promise<void> {
    return new Promise((done) => {
      this.child.once('exit', () => done());
      this.child.send({ type: 'close' } satisfies WorkerCommand);
    });
  }
}

const inMemory = (s: Scenario): boolean => s === 'memory' || s === 'bare' || s === 'base';

/**
 * The bare relay, bundled as the relay is (relay/build.ts): run through tsx, esbuild's keepNames
 * would give each of its per-connection closures a name of its own, heap the relay does not pay.
 */
async function bareBundle(): Promise<string> {
  const outfile = resolve(__dirname, '../../../dist/bare-relay.js');
  await build({
    entryPoints: [resolve(__dirname, 'bare-relay.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}

function baseBundle(): string {
  const file = args['base-bundle'];
  if (file === undefined) throw new Error('scenario base needs --base-bundle FILE (a relay bundle, see docs/benchmarks.md)');
  return resolve(file);
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

/** What the closing comparison needs of each scenario run. */
interface Summary {
  scenario: Scenario;
  sockets: number;
  /** Relay CPU, all its relays together, in % of a core. */
  cpu: number;
  /** Relay CPU per event sent by the clients (µs). */
  cpuPerEventUs: number;
  retainedKb: number;
  p99: number;
}
const summaries: Summary[] = [];

async function runScenario(scenario: Scenario): Promise<void> {
  const prefix = uniquePrefix('bench');
  // Every load socket comes from 127.0.0.1: lift the per-address budgets a public relay keeps.
  const env: Record<string, string> = { MAX_SOCKETS_PER_ADDRESS: '0', CONNECTS_PER_ADDRESS_PER_MINUTE: '0' };
  if (args['no-bufferutil']) env.WS_NO_BUFFER_UTIL = '1';
  const count = scenario.endsWith('2') ? 2 : 1;
  if (scenario.startsWith('sharded')) env.REDIS_ADAPTER = 'sharded';
  const relays: RelayProcess[] = [];
  const inspectPorts: number[] = [];
  for (let i = 0; i < count; i++) {
    const inspectPort = await freePort();
    inspectPorts.push(inspectPort);
    const nodeFlags = ['--max-old-space-size=2048', `--inspect=127.0.0.1:${inspectPort}`];
    nodeFlags.push(...args['relay-flags'].split(' ').filter((f) => f !== ''));
    if (args['cpu-prof'] !== undefined) nodeFlags.push('--cpu-prof', `--cpu-prof-dir=${resolve(args['cpu-prof'])}`);
    relays.push(
      await startRelayProcess({
        ...(inMemory(scenario) ? {} : { redisUrl: REDIS_URL, keyPrefix: prefix }),
        env: { ...env, LOG_LEVEL: 'error' },
        nodeFlags,
        ...(scenario === 'bare' || scenario === 'bare2' ? { entry: [await bareBundle()] } : {}),
        ...(scenario.startsWith('base') ? { entry: ['--enable-source-maps', baseBundle()] } : {}),
      }),
    );
    pin(relays[i]!.pid, RELAY_CPU);
  }
  const urls = relays.map((r) => r.url);
  /** Each relay's figures after a full collection: what it retains, without garbage. */
  const sampleRetained = async (): Promise<RelaySample[]> => {
    await Promise.all(inspectPorts.map(collectGarbage));
    return Promise.all(urls.map(sampleRelay));
  };
  const workers = Array.from({ length: WORKERS }, () => new Worker());
  try {
    const base = await sampleRetained();
    const t0 = Date.now();
    const perWorker = Math.ceil(ROOMS / WORKERS);
    const connected = await Promise.all(
      workers.map((w, i) =>
        w.ask({
          type: 'connect',
          urls,
          rooms: Math.max(0, Math.min(perWorker, ROOMS - i * perWorker)),
          members: MEMBERS,
          watchers: WATCHERS,
          firstRoom: i * perWorker,
          placement: PLACEMENT,
        }),
      ),
    );
    const sockets = connected.reduce((n, r) => n + (r.type === 'connected' ? r.sockets : 0), 0);
    const failedRooms = connected.reduce((n, r) => n + (r.type === 'connected' ? r.failed : 0), 0);
    const connectS = (Date.now() - t0) / 1000;
    // Every worker starts the mix and says when its warm-up is over; then the relays are sampled,
    // and the workers count for SECONDS from there: the relays' window holds the workers'.
    await Promise.all(workers.map((w) => w.ask({ type: 'run', warmupMs: WARMUP_SECONDS * 1000, mix: MIX })));
    const profiling = args['run-prof'] === undefined ? [] : await Promise.all(inspectPorts.map(startProfile));
    const before = await Promise.all(urls.map(sampleRelay));
    const from = performance.now();
    const results = await Promise.all(workers.map((w) => w.ask({ type: 'measure', ms: SECONDS * 1000 })));
    const after = await Promise.all(urls.map(sampleRelay));
    const sampledS = (performance.now() - from) / 1000;
    await Promise.all(profiling.map((stop, i) => stop(resolve(args['run-prof']!, `${scenario}-${i + 1}.cpuprofile`))));
    const retained = await sampleRetained();
    const retainedSockets = (await Promise.all(urls.map(socketsHeld))).reduce((a, b) => a + b, 0);
    summaries.push(report(scenario, { sockets, failedRooms, connectS, base, before, after, sampledS, retained, retainedSockets, results }));
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(relays.map((r) => r.stop()));
    if (!inMemory(scenario)) await deleteKeys(REDIS_URL, prefix);
  }
}

interface Figures {
  sockets: number;
  failedRooms: number;
  connectS: number;
  base: RelaySample[];
  before: RelaySample[];
  after: RelaySample[];
  /** Seconds from `before` to `after` (the measure, SECONDS, and the round trips around it). */
  sampledS: number;
  /** After the load stopped and a full GC, sockets still connected. */
  retained: RelaySample[];
  /** Sockets the relays still held after the load. */
  retainedSockets: number;
  results: WorkerReply[];
}

/** With several relays: p50/p99 to the members on the sender's relay and to those on another (through Redis). */
function split(results: Array<Extract<WorkerReply, { type: 'result' }>>): string {
  const local = results.flatMap((r) => r.local).sort((a, b) => a - b);
  const remote = results.flatMap((r) => r.remote).sort((a, b) => a - b);
  if (remote.length === 0) return '';
  const pp = (xs: number[]): string => `p50 ${percentile(xs, 50).toFixed(1)} / p99 ${percentile(xs, 99).toFixed(1)} ms`;
  return `\n  fan-out to the sender's relay ${pp(local)}, to the other relay ${pp(remote)}`;
}

function report(scenario: Scenario, f: Figures): Summary {
  const results = f.results.flatMap((r) => (r.type === 'result' ? [r] : []));
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const sent = results.reduce((n, r) => n + r.sent, 0);
  const received = results.reduce((n, r) => n + r.received, 0);
  const errors = results.reduce((n, r) => n + r.errors, 0);
  const codes: Record<string, number> = {};
  for (const r of results) for (const [c, n] of Object.entries(r.errorCodes)) codes[c] = (codes[c] ?? 0) + n;
  const dropped: Record<string, number> = {};
  for (const r of results) for (const [c, n] of Object.entries(r.disconnects)) dropped[c] = (dropped[c] ?? 0) + n;
  const rss = f.after.reduce((n, s, i) => n + s.rss - f.base[i]!.rss, 0);
  const heap = f.after.reduce((n, s, i) => n + s.heap - f.base[i]!.heap, 0);
  const retainedHeap = f.retained.reduce((n, s, i) => n + s.heap - f.base[i]!.heap, 0);
  const cpu = f.after.map((s, i) => (100 * (s.cpuSeconds - f.before[i]!.cpuSeconds)) / f.sampledS);
  const line = [
    `${scenario.padEnd(7)} sockets ${f.sockets} (rooms failed ${f.failedRooms}, connected in ${f.connectS.toFixed(1)} s)`,
    `events/s in ${(sent / SECONDS).toFixed(0)} out ${(received / SECONDS).toFixed(0)} (errors ${errors}${errors > 0 ? ` ${JSON.stringify(codes)}` : ''})`,
    `fan-out p50 ${percentile(latencies, 50).toFixed(1)} ms p99 ${percentile(latencies, 99).toFixed(1)} ms (p90 ${percentile(latencies, 90).toFixed(1)}, p95 ${percentile(latencies, 95).toFixed(1)}, max ${percentile(latencies, 100).toFixed(1)}; n=${latencies.length})${split(results)}`,
    `relay RSS ${mb(f.after.reduce((n, s) => n + s.rss, 0))} MB = ${(rss / f.sockets / 1024).toFixed(1)} KB/socket, heap ${(heap / f.sockets / 1024).toFixed(1)} KB/socket under load, ${(retainedHeap / f.sockets / 1024).toFixed(1)} KB/socket retained (after a full GC)`,
    `relay CPU ${cpu.map((c) => `${c.toFixed(0)}%`).join(' + ')} of a core; load generators' event-loop delay p99 ${Math.max(...results.map((r) => r.loopDelayP99)).toFixed(0)} ms`,
    // A saturated relay drops pings and telemetry (relay/limits/load-shedding.ts): cheap events, so CPU per event reads lower.
    `shed while saturated ${f.after.reduce((n, s, i) => n + s.shed - f.before[i]!.shed, 0)} events (pings, telemetry); ` +
      `sockets closed as flooders ${f.after.reduce((n, s, i) => n + s.floodDisconnects - f.before[i]!.floodDisconnects, 0)}, sockets held at the end ${f.retainedSockets}` +
      `${Object.keys(dropped).length > 0 ? `, dropped during the run (client's reasons) ${JSON.stringify(dropped)}` : ''}`,
  ];
  process.stdout.write(`${line.join('\n  ')}\n`);
  const cpuTotal = cpu.reduce((a, b) => a + b, 0);
  return {
    scenario,
    sockets: f.sockets,
    cpu: cpuTotal,
    // CPU a second over the relays' window, events a second over the workers'.
    cpuPerEventUs: sent === 0 ? NaN : ((cpuTotal / 100) * 1e6) / (sent / SECONDS),
    retainedKb: retainedHeap / f.sockets / 1024,
    p99: percentile(latencies, 99),
  };
}

/**
 * Side by side: each run's CPU per event against the bare relay's in this same invocation (the mean
 * of its bare runs), and two relays' total CPU against one relay's. The machine is shared and noisy:
 * only ratios within one run mean much.
 */
function compare(): void {
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const of = (s: Scenario): Summary[] => summaries.filter((x) => x.scenario === s);
  const bare = of('bare');
  const floor = bare.length > 0 ? mean(bare.map((b) => b.cpuPerEventUs)) : NaN;
  const rows = summaries.map(
    (x) =>
      `  ${x.scenario.padEnd(8)} CPU ${x.cpu.toFixed(0).padStart(3)} % of a core, ${x.cpuPerEventUs.toFixed(1).padStart(6)} µs/event` +
      `${bare.length > 0 ? ` = ${(x.cpuPerEventUs / floor).toFixed(2)}× bare` : ''}, retained heap ${x.retainedKb.toFixed(1)} KB/socket, fan-out p99 ${x.p99.toFixed(1)} ms`,
  );
  // Two relays' total CPU against one relay's, the means of their runs.
  const totalCpu = (twoRelays: Scenario, one: Scenario): void => {
    if (of(twoRelays).length === 0 || of(one).length === 0) return;
    const ratio = mean(of(twoRelays).map((x) => x.cpu)) / mean(of(one).map((x) => x.cpu));
    rows.push(`  ${twoRelays} total CPU = ${ratio.toFixed(2)}× ${one}'s (one relay)`);
  };
  totalCpu('base2', 'base');
  totalCpu('redis2', 'memory');
  totalCpu('redis2', 'redis');
  totalCpu('bare2', 'bare');
  // Repeated rounds: each run against its own round's, and the median of those.
  const rounds = (runs: Summary[], against: Summary[], figure: (x: Summary) => number, what: string, label: string): void => {
    if (runs.length < 2 || against.length < 2) return;
    const { ratios, median } = roundRatios(runs.map(figure), against.map(figure));
    // Of two rounds the median is their mean, which one burst does move.
    const middle = ratios.length >= 3 ? 'median' : 'mean';
    rows.push(`  ${label} by round: ${ratios.map((r) => r.toFixed(2)).join(', ')}× ${what}, ${middle} ${median.toFixed(2)}×`);
  };
  for (const s of SCENARIOS) if (s !== 'bare') rounds(of(s), bare, (x) => x.cpuPerEventUs, 'bare per event', s);
  for (const one of ['memory', 'redis'] as const) rounds(of('redis2'), of(one), (x) => x.cpu, `${one}'s total CPU`, 'redis2');
  // The floor's own two-relay ratio, and Lockstep's two relays against two bare ones (as memory against bare).
  rounds(of('bare2'), bare, (x) => x.cpu, "bare's total CPU", 'bare2');
  rounds(of('redis2'), of('bare2'), (x) => x.cpu, "bare2's total CPU", 'redis2');
  process.stdout.write(`side by side (${summaries[0]?.sockets ?? 0} sockets):\n${rows.join('\n')}\n`);
}

async function main(): Promise<void> {
  const scenarios = args.scenarios.split(',').map((s) => s.trim()) as Scenario[];
  pin(process.pid, LOAD_CPU);
  process.stdout.write(
    `bench:relay ${ROOMS} rooms x ${MEMBERS} members, ${SECONDS} s per scenario after ${WARMUP_SECONDS} s of warm-up, ${WORKERS} load processes, bufferutil ${args['no-bufferutil'] ? 'off' : 'on'}${args.pin ? `, relays pinned to CPU ${RELAY_CPU} and the load to CPU ${LOAD_CPU}` : ''}, with several relays ${PLACEMENT === 'room' ? "each room's members on one relay" : "each room's members spread over them"}\n` +
      `  mix: ping every ${MIX.pingMs} ms and telemetry every ${MIX.telemetryMs} ms per member, control every ${MIX.controlMs} ms per room (${MIX.statusOnControl ? 'each member reports its new status' : 'no status reports'}), chat every ${MIX.chatMs} ms per room (0: none); ${WATCHERS} member(s) per room watch the telemetry\n`,
  );
  for (const s of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario ${s} (${SCENARIOS.join(', ')})`);
    await runScenario(s);
  }
  compare();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:relay failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
