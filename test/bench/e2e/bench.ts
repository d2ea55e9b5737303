/**
 * `npm run bench:e2e`: three real browser members (Chromium, Firefox, Chromium by default) in one
 * room, each behind its own latency proxy (20 ms, 75 ± 25 ms, 150 ± 50 ms one way), on the
 * recorder page. A short script of plays, seeks and pauses by different members runs; the pages
 * record every presented frame; the figures are printed. Asserts nothing.
 * Options: --kinds chromium,firefox,chromium  --steady 20 (seconds of playback after each change)
 *          --panel (every member with the room panel open)
 *          --private (a private room: names and media sealed, joined with its invite link)
 *          --clock-samples FILE (writes every member's clock samples, for `npm run bench:clock-replay`)
 * The extension is built with LOCKSTEP_CLOCK_LOG=1 (package.json): each member logs its clock samples,
 * and the bench prints how far each estimate was from the true offset (clock-errors.ts).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startRelay } from '../../support/relay';
import { launchMember, type BrowserKind, type Member, type MemberPage } from '../../support/browsers';
import { startLatencyProxy, symmetric, type LatencyProfile, type LatencyProxy } from '../../support/latency-proxy';
import { convergenceMs, pairwiseErrors, percentiles, type Frame, type Percentiles } from './analysis';
import { benchVideo } from './bench-video';
import { createRoom, joinRoom, privateInvite, setRelayUrl, waitForMembers, waitForVideo } from '../../support/rooms';
import { startStaticServer } from './static-server';
import { describeErrors, loggedErrors, parseClockLine, wallOffsetMs, type LoggedSample, type MemberClockLog } from './clock-errors';

const { values } = parseArgs({
  options: {
    kinds: { type: 'string', default: 'chromium,firefox,chromium' },
    steady: { type: 'string', default: '20' },
    // Every member with the room panel open (its cost on sync precision).
    panel: { type: 'boolean', default: false },
    // A private room (#15): the timeline stays readable, so sync should not change.
    private: { type: 'boolean', default: false },
    'clock-samples': { type: 'string' },
  },
});
const kinds = (values.kinds ?? '').split(',').map((k) => k.trim()) as BrowserKind[];
if (kinds.length !== 3 || kinds.some((k) => k !== 'chromium' && k !== 'firefox'))
  throw new Error('--kinds takes three of chromium|firefox');
const steadyS = Number(values.steady);
if (!(steadyS >= 5 && steadyS <= 120)) throw new Error('--steady must be in [5, 120] seconds');

const profiles: { label: string; profile: LatencyProfile }[] = [
  { label: '20 ms', profile: symmetric(20) },
  { label: '75 ± 25 ms', profile: symmetric(75, 25) },
  { label: '150 ± 50 ms', profile: symmetric(150, 50) },
];

type Action = { member: number; do: 'play' | 'pause' } | { member: number; do: 'seek'; by: number };
/** Who does what, each followed by `steadyS` seconds (3 s after a pause). */
const script: Action[] = [
  { member: 0, do: 'play' },
  { member: 1, do: 'seek', by: 40 },
  { member: 2, do: 'pause' },
  { member: 1, do: 'play' },
  { member: 0, do: 'seek', by: -25 },
];

interface Recorded {
  frames: Frame[];
  events: { type: string; wall: number; position: number; rate: number }[];
}

const wallNow = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function collect(pages: MemberPage[], into: Recorded[]): Promise<void> {
  const taken = await Promise.all(pages.map((page) => page.run<Recorded>('window.lockstepRecorder.take()')));
  taken.forEach((t, i) => {
    into[i]?.frames.push(...t.frames);
    into[i]?.events.push(...t.events);
  });
}

async function perform(page: MemberPage, action: Action): Promise<void> {
  if (action.do === 'play') await page.run(`document.getElementById('player').play().then(() => null)`);
  else if (action.do === 'pause') await page.run(`document.getElementById('player').pause()`);
  else if (action.do === 'seek')
    await page.run(`(() => { const v = document.getElementById('player'); v.currentTime = Math.max(0, v.currentTime + ${action.by}); })()`);
}

const fmt = (p: Percentiles): string =>
  `p50 ${p.p50.toFixed(1)}  p95 ${p.p95.toFixed(1)}  p99 ${p.p99.toFixed(1)}  max ${p.max.toFixed(1)}  (n=${p.n})`;

async function main(): Promise<void> {
  const relay = await startRelay();
  const proxies: LatencyProxy[] = await Promise.all(profiles.map((p) => startLatencyProxy(relay.port, p.profile)));
  const site = await startStaticServer(benchVideo());
  const members: Member[] = [];
  try {
    for (const [i, kind] of kinds.entries()) members.push(await launchMember(`${'ABC'[i]} ${kind} ${profiles[i]?.label}`, kind));
    const tabs = await Promise.all(members.map((m, i) => m.openTab(`${site.origin}/recorder.html?member=${i}`)));
    const clockSamples: LoggedSample[][] = tabs.map(() => []);
    tabs.forEach((t, i) =>
      t.page.onConsole((text) => {
        const sample = parseClockLine(text);
        if (sample !== null) clockSamples[i]?.push(sample);
      }),
    );
    const wallBefore = await Promise.all(tabs.map((t) => wallOffsetMs(t.page)));
    for (const [i, m] of members.entries()) await setRelayUrl(m, proxies[i]?.url ?? '');
    for (const [i, m] of members.entries()) await waitForVideo(m, tabs[i]?.tabId ?? -1);
    const isPrivate = values.private === true;
    const code = await createRoom(members[0] as Member, tabs[0]?.tabId ?? -1, { private: isPrivate });
    for (const i of [1, 2]) {
      const invite = isPrivate
        ? await privateInvite(members[0] as Member, tabs[0]?.tabId ?? -1, proxies[i]?.url ?? '', `${site.origin}/recorder.html?member=${i}`)
        : code;
      await joinRoom(members[i] as Member, tabs[i]?.tabId ?? -1, invite);
    }
    await waitForMembers(members[0] as Member, tabs[0]?.tabId ?? -1, 3);
    if (values.panel === true) {
      for (const [i, m] of members.entries()) {
        const shown = await m.send('showPanel', { tabId: tabs[i]?.tabId ?? -1, show: true });
        if (!shown.ok) throw new Error(`${m.name}: the room panel did not open: ${shown.message}`);
      }
    }
    const pages = tabs.map((t) => t.page);
    const recorded: Recorded[] = members.map(() => ({ frames: [], events: [] }));
    await collect(pages, recorded);

    const marks: { action: Action; at: number; until: number }[] = [];
    for (const action of script) {
      const at = wallNow();
      await perform(pages[action.member] as MemberPage, action);
      const holdS = action.do === 'pause' ? 3 : steadyS;
      for (let s = 0; s < holdS; s += 5) {
        await sleep(Math.min(5, holdS - s) * 1000);
        await collect(pages, recorded);
      }
      marks.push({ action, at, until: wallNow() });
    }
    const wallAfter = await Promise.all(pages.map((p) => wallOffsetMs(p)));
    // The relay's clock is this process's: relay − local = −(page − this process).
    const clocks: MemberClockLog[] = members.map((m, i) => ({
      name: m.name,
      truthMs: -((wallBefore[i] ?? 0) + (wallAfter[i] ?? 0)) / 2,
      samples: clockSamples[i] ?? [],
    }));
    report(members, recorded, marks);
    reportClocks(clocks, wallBefore, wallAfter);
    if (values['clock-samples'] !== undefined) {
      writeFileSync(values['clock-samples'], JSON.stringify({ members: clocks }, null, 1));
      console.log(`clock samples written to ${values['clock-samples']} (npm run bench:clock-replay -- ${values['clock-samples']})`);
    }
  } finally {
    for (const m of members) await m.close().catch((err: unknown) => console.error(`closing ${m.name}:`, err));
    await site.close();
    for (const p of proxies) await p.close();
    await relay.close();
  }
}

function report(members: Member[], recorded: Recorded[], marks: { action: Action; at: number; until: number }[]): void {
  const frames = recorded.map((r) => r.frames.sort((a, b) => a[0] - b[0]));
  const steady: number[] = [];
  const byPair = new Map<string, number[]>();
  const windows: [number, number][] = [];
  console.log(
    `lockstep e2e bench${values.panel === true ? ' (room panel open on every member)' : ''}${values.private === true ? ' (private room)' : ''}: ${members.map((m) => m.name).join(' | ')}`,
  );
  console.log('after each change (converged = all playing within 100 ms of each other for 1 s):');
  for (const mark of marks) {
    const who = members[mark.action.member]?.name ?? '?';
    const what = mark.action.do === 'seek' ? `seek ${mark.action.by > 0 ? '+' : ''}${mark.action.by} s` : mark.action.do;
    if (mark.action.do === 'pause') {
      console.log(`  ${what.padEnd(10)} by ${who}`);
      continue;
    }
    const ms = convergenceMs(frames, mark.at, mark.until);
    console.log(`  ${what.padEnd(10)} by ${who}: converged in ${ms === null ? 'never' : `${ms.toFixed(0)} ms`}`);
    if (ms === null) continue;
    const from = mark.at + ms + 3000;
    windows.push([from, mark.until - 500]);
    steady.push(...pairwiseErrors(frames, from, mark.until - 500));
    for (let i = 0; i < frames.length; i += 1) {
      for (let j = i + 1; j < frames.length; j += 1) {
        const key = `${'ABC'[i]}-${'ABC'[j]}`;
        byPair.set(key, [...(byPair.get(key) ?? []), ...pairwiseErrors([frames[i] ?? [], frames[j] ?? []], from, mark.until - 500)]);
      }
    }
  }
  console.log(`steady-state pairwise position error (ms): ${fmt(percentiles(steady))}`);
  for (const [pair, errors] of byPair) console.log(`  ${pair}: ${fmt(percentiles(errors))}`);
  const inSteady = (wall: number): boolean => windows.some(([a, b]) => wall >= a && wall <= b);
  const seeks = recorded.map((r) => r.events.filter((e) => e.type === 'seeking'));
  const corrective = seeks.map((s) => s.filter((e) => inSteady(e.wall)).length);
  const steadyMin = windows.reduce((n, [a, b]) => n + (b - a), 0) / 60_000;
  console.log(
    `corrective seeks in steady state: ${corrective.reduce((a, b) => a + b, 0)} over ${steadyMin.toFixed(1)} min (per member ${corrective.join(', ')})`,
  );
  console.log(
    `all seeks per member: ${seeks.map((s) => s.length).join(', ')} (own seeks: ${members.map((_, i) => marks.filter((m) => m.action.member === i && m.action.do === 'seek').length).join(', ')})`,
  );
  const rates = recorded.map((r) => r.events.filter((e) => e.type === 'ratechange').length);
  console.log(`rate changes per member: ${rates.join(', ')}`);
  const fps = frames.map((f) => (f.length / (((f[f.length - 1]?.[0] ?? 0) - (f[0]?.[0] ?? 0)) / 1000 || 1)).toFixed(0));
  console.log(`presented frames per second while recording: ${fps.join(', ')} (video is 60 fps)`);
}

function reportClocks(clocks: MemberClockLog[], before: number[], after: number[]): void {
  console.log("clock estimate error against the relay's clock (ms; one machine, so the true offset is known), after the connect burst:");
  clocks.forEach((c, i) => {
    const drift = Math.abs((after[i] ?? 0) - (before[i] ?? 0));
    const wall = `page clock − relay clock ${(-c.truthMs).toFixed(2)} ms${drift > 0.5 ? ` (moved ${drift.toFixed(1)} ms over the run)` : ''}`;
    console.log(`  ${c.name}: ${describeErrors(loggedErrors(c))}; ${wall}`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
