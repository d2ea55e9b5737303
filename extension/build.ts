/**
 * Builds the extension into dist/chrome and dist/firefox from the one root manifest.json.
 * Usage: tsx extension/build.ts [--watch]. LOCKSTEP_RELAY_URL sets the default relay URL.
 */
import { build, context, type BuildOptions } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { manifestFor, type Browser } from './manifest-variants';

const root = resolve(__dirname, '..');
const defaultRelayUrl = process.env.LOCKSTEP_RELAY_URL ?? 'http://localhost:3000';

/** Bundles: every script is an IIFE (an ESM bundle of CommonJS-looking code silently fails in a worker). */
const entryPoints = {
  background: 'extension/background/service-worker.ts',
  content: 'extension/content/content-script.ts',
  /** Netflix's player API is reachable only from the page's MAIN world (manifest "world": "MAIN"). */
  'netflix-main': 'extension/content/netflix-main.ts',
  popup: 'extension/popup/popup.ts',
  options: 'extension/options/options.ts',
};
/** Static files copied as they are. */
const staticFiles = ['extension/popup/popup.html', 'extension/popup/popup.css', 'extension/options/options.html', 'extension/options/options.css', 'extension/ui/base.css'];

function options(outdir: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    format: 'iife',
    target: ['chrome116', 'firefox128'],
    sourcemap: 'linked',
    logLevel: 'warning',
    define: { __DEFAULT_RELAY_URL__: JSON.stringify(defaultRelayUrl) },
  };
}

function writeStatic(outdir: string, browser: Browser): void {
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(outdir, 'manifest.json'), JSON.stringify(manifestFor(manifest, browser), null, 2));
  for (const file of staticFiles) cpSync(join(root, file), join(outdir, file.split('/').pop() as string));
  cpSync(join(root, 'extension/icons'), join(outdir, 'icons'), { recursive: true });
}

/** Puts `staging` at `outdir`; another build swapping in at the same moment makes one retry. */
function swapIn(staging: string, outdir: string, retired: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      if (existsSync(outdir)) renameSync(outdir, retired);
      renameSync(staging, outdir);
      return;
    } catch (err) {
      // ENOENT: the other build moved outdir away first; ENOTEMPTY/EEXIST: it put its own back first.
      if (attempt >= 5) throw err;
      rmSync(retired, { recursive: true, force: true });
    }
  }
}

/**
 * A build is written next to dist/<browser> and swapped in with two renames: a browser that has the
 * extension loaded from there (another test run, a developer's browser) never finds it half written
 * or gone while esbuild works.
 */
async function buildOnce(browser: Browser): Promise<void> {
  const outdir = join(root, 'dist', browser);
  const staging = join(root, 'dist', `.${browser}-${process.pid}`);
  const retired = join(root, 'dist', `.${browser}-${process.pid}-old`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    writeStatic(staging, browser);
    await build(options(staging));
    swapIn(staging, outdir, retired);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(retired, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const watch = process.argv.includes('--watch');
  for (const browser of ['chrome', 'firefox'] as const) {
    if (!watch) {
      await buildOnce(browser);
      continue;
    }
    const outdir = join(root, 'dist', browser);
    rmSync(outdir, { recursive: true, force: true });
    mkdirSync(outdir, { recursive: true });
    writeStatic(outdir, browser);
    await (await context(options(outdir))).watch();
  }
  console.log(`Built dist/chrome and dist/firefox (default relay ${defaultRelayUrl})`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
