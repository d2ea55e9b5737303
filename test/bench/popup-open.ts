/**
 * `npx tsx test/bench/popup-open.ts [--runs 20] [--extension dist/chrome] [--extension OTHER]`:
 * how long the popup takes to become usable: from its navigation start until the lobby is shown
 * with the settings filled in and "Create room" enabled, measured in the page (performance.now()).
 * Each run opens popup.html?tab=ID for a fixture page in a new page of Chromium (headless, built
 * extension) and closes it. With several --extension directories (say, builds before and after a
 * change) their runs alternate, so a busy machine slows them alike. Prints figures; asserts nothing.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { launchExtensionBrowser, type ExtensionBrowser } from '../support/extension-browser';
import { startFixtureServer } from '../support/fixture-server';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, extension: { type: 'string', multiple: true } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
const dirs = (values.extension ?? ['dist/chrome']).map((d) => resolve(d));

/** Milliseconds from the popup's navigation start until it is usable. */
async function openOnce(b: ExtensionBrowser, tabId: number): Promise<number> {
  const page = await b.context.newPage();
  try {
    await page.goto(`${b.extensionOrigin}popup.html?tab=${tabId}`, { waitUntil: 'commit' });
    const ready = await page.waitForFunction(
      () => {
        const lobby = document.getElementById('lobby');
        const create = document.getElementById('create') as HTMLButtonElement | null;
        const name = document.getElementById('display-name') as HTMLInputElement | null;
        const usable = lobby !== null && !lobby.hidden && create !== null && !create.disabled && name !== null && name.value !== '';
        return usable ? performance.now() : false;
      },
      null,
      { polling: 'raf', timeout: 15_000 },
    );
    return (await ready.jsonValue()) as number;
  } finally {
    await page.close();
  }
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const median = s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `median ${median.toFixed(0)} ms  p90 ${at(0.9).toFixed(0)}  min ${s[0]!.toFixed(0)}  max ${s[s.length - 1]!.toFixed(0)}  (n=${s.length})`;
}

async function main(): Promise<void> {
  const site = await startFixtureServer();
  const browsers: Array<{ dir: string; b: ExtensionBrowser; tabId: number; ms: number[] }> = [];
  try {
    for (const dir of dirs) {
      const b = await launchExtensionBrowser({ extensionDir: dir });
      const tab = await b.context.newPage();
      await tab.goto(`${site.origin}/plain.html`);
      browsers.push({ dir, b, tabId: await b.tabIdOf(tab), ms: [] });
    }
    for (let i = 0; i < runs; i++) {
      for (const x of browsers) x.ms.push(await openOnce(x.b, x.tabId));
    }
    console.log(`popup open-to-usable, Chromium headless, ${runs} runs each (first run included)`);
    for (const x of browsers) console.log(`${x.dir}\n  ${summary(x.ms)}\n  runs: ${x.ms.map((m) => m.toFixed(0)).join(' ')}`);
  } finally {
    await Promise.all(browsers.map((x) => x.b.close()));
    await site.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
