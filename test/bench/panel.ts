/**
 * `npx tsx test/bench/panel.ts [--seconds 20] [--rounds 2]` (after `npx tsx extension/build.ts`):
 * what the room panel costs on a playing page, in headless Chromium with the built extension.
 * Ana (measured) and Ben are in a room on plain.html, the video looping and in step; the room's
 * telemetry goes on as usual (the panel re-renders its members with it). Windows of `--seconds`
 * with the panel closed and open alternate, `--rounds` of each, so a busy machine slows both alike.
 *
 * Figures (CDP, per target): the page's main-thread busy time (Performance.getMetrics TaskDuration,
 * content script included: it runs on the page's thread), and the panel frame's (an out-of-process
 * iframe: its own target); JS heaps after a GC (Runtime.getHeapUsage: a whole isolate, so the
 * content script's share is the page's heap with the extension less the same page's without it).
 * Prints figures; asserts nothing.
 */
import { chromium, type CDPSession, type Frame, type Page } from 'playwright-core';
import { parseArgs } from 'node:util';
import { launchChromiumMember, waitFor } from '../support/browsers';
import { CHROMIUM_FLAGS, launchExtensionBrowser, type ExtensionBrowser } from '../support/extension-browser';
import { startFixtureServer } from '../support/fixture-server';
import { startRelay } from '../support/relay';
import { joinRoom, setRelayUrl, waitForVideo } from '../support/rooms';
import type { PopupToBackground } from '../../extension/messages';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, rounds: { type: 'string', default: '2' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
if (!(seconds > 0) || !Number.isInteger(rounds) || rounds < 1) throw new Error('--seconds > 0 and --rounds >= 1, please');

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function metrics(session: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await session.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Used JS heap of the target's isolate after a full GC, in MB. */
async function heapMb(session: CDPSession): Promise<number> {
  await session.send('HeapProfiler.collectGarbage');
  const { usedSize } = await session.send('Runtime.getHeapUsage');
  return usedSize / 1e6;
}

async function session(b: ExtensionBrowser, target: Page | Frame): Promise<CDPSession> {
  const s = await b.context.newCDPSession(target);
  await s.send('Performance.enable');
  return s;
}

/** A popup message from Ana's extension page (options.html), as the popup would send it. */
async function ask<K extends keyof PopupToBackground>(
  helper: Page,
  type: K,
  payload: PopupToBackground[K]['payload'],
): Promise<PopupToBackground[K]['response']> {
  type Runtime = { chrome: { runtime: { sendMessage(m: unknown): Promise<PopupToBackground[K]['response']> } } };
  return helper.evaluate((m) => (globalThis as unknown as Runtime).chrome.runtime.sendMessage(m), { type, payload });
}

async function panelFrame(page: Page): Promise<Frame> {
  let frame: Frame | undefined;
  await waitFor(async () => (frame = page.frames().find((f) => f.url().includes('/panel.html'))) !== undefined, 'the panel frame', 15_000);
  await (frame as Frame).waitForLoadState('load');
  return frame as Frame;
}

const stats = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return `mean ${mean.toFixed(2)}  min ${s[0]!.toFixed(2)}  max ${s[s.length - 1]!.toFixed(2)}  (n=${xs.length})`;
};

/** The same page in a Chromium without the extension, playing: the heap the page has on its own. */
async function baselineHeap(url: string): Promise<number> {
  const browser = await chromium.launch({ executablePath: process.env.LOCKSTEP_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.evaluate(() => {
      const v = document.querySelector('video') as HTMLVideoElement;
      v.loop = true;
      return v.play();
    });
    await sleep(3000);
    const s = await page.context().newCDPSession(page);
    return await heapMb(s);
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const [relay, site] = await Promise.all([startRelay(), startFixtureServer()]);
  const ana = await launchExtensionBrowser({ relayUrl: relay.url });
  const ben = await launchChromiumMember('ben');
  try {
    await setRelayUrl(ben, relay.url);
    const page = await ana.context.newPage();
    await page.goto(`${site.origin}/plain.html?bench=panel`);
    const tabId = await ana.tabIdOf(page);
    const helper = await ana.context.newPage();
    await helper.goto(`${ana.extensionOrigin}options.html`);
    await page.bringToFront();
    await waitFor(async () => {
      const r = await ask(helper, 'getTabState', { tabId });
      return r.ok && r.data.video.present;
    }, "Ana's video found");
    const created = await ask(helper, 'createRoom', { tabId, settings: {}, private: false });
    if (!created.ok || created.data.room === null) throw new Error(`createRoom: ${created.ok ? 'no room' : created.message}`);
    const code = created.data.room.code;
    const b = await ben.openTab(`${site.origin}/plain.html?bench=panel&who=ben`);
    await waitForVideo(ben, b.tabId);
    await joinRoom(ben, b.tabId, code);
    await page.bringToFront();
    await page.evaluate(() => {
      const v = document.querySelector('video') as HTMLVideoElement;
      v.loop = true;
      return v.play();
    });
    await sleep(3000);

    const pageSession = await session(ana, page);
    const pageMs: Record<'closed' | 'open', number[]> = { closed: [], open: [] };
    const panelMs: number[] = [];
    const heaps: Record<'closed' | 'open' | 'panel', number[]> = { closed: [], open: [], panel: [] };
    for (let round = 0; round < rounds; round++) {
      for (const state of ['closed', 'open'] as const) {
        const shown = await ask(helper, 'showPanel', { tabId, show: state === 'open' });
        if (!shown.ok) throw new Error(shown.message);
        const panel = state === 'open' ? await session(ana, await panelFrame(page)) : null;
        await sleep(1500); // settle: the frame loaded, the first views rendered
        const [p0, f0] = await Promise.all([metrics(pageSession), panel === null ? null : metrics(panel)]);
        const t0 = performance.now();
        await sleep(seconds * 1000);
        const wall = (performance.now() - t0) / 1000;
        const [p1, f1] = await Promise.all([metrics(pageSession), panel === null ? null : metrics(panel)]);
        pageMs[state].push((((p1.TaskDuration ?? 0) - (p0.TaskDuration ?? 0)) / wall) * 1000);
        if (panel !== null && f0 !== null && f1 !== null) panelMs.push((((f1.TaskDuration ?? 0) - (f0.TaskDuration ?? 0)) / wall) * 1000);
        heaps[state].push(await heapMb(pageSession));
        if (panel !== null) {
          heaps.panel.push(await heapMb(panel));
          await panel.detach();
        }
        console.log(`round ${round + 1}, panel ${state}: page main thread ${pageMs[state].at(-1)!.toFixed(2)} ms/s`);
      }
    }
    await ask(helper, 'showPanel', { tabId, show: false });
    const baseline = await baselineHeap(`${site.origin}/plain.html?bench=baseline`);

    console.log(
      `\nRoom panel on a playing page (Chromium ${ana.context.browser()?.version() ?? ''}, ${rounds} x ${seconds} s each, alternating)`,
    );
    console.log(`page main thread, panel closed: ${stats(pageMs.closed)} ms of CPU per s`);
    console.log(`page main thread, panel open:   ${stats(pageMs.open)} ms of CPU per s`);
    console.log(`panel frame (its own process):  ${stats(panelMs)} ms of CPU per s`);
    console.log(`JS heap, page without the extension: ${baseline.toFixed(2)} MB`);
    console.log(
      `JS heap, page + content script, panel closed: ${stats(heaps.closed)} MB (content script ~${(Math.min(...heaps.closed) - baseline).toFixed(2)} MB)`,
    );
    console.log(`JS heap, page + content script, panel open:   ${stats(heaps.open)} MB`);
    console.log(`JS heap, panel frame: ${stats(heaps.panel)} MB`);
  } finally {
    await ben.close();
    await ana.close();
    await site.close();
    await relay.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
