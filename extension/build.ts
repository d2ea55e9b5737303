/**
 * Builds the extension into dist/chrome and dist/firefox from the one root manifest.json.
 * Usage: tsx extension/build.ts [--watch]. LOCKSTEP_RELAY_URL sets the default relay URL;
 * LOCKSTEP_CLOCK_LOG=1 (bench:e2e) has the content script log every clock sample to the page console.
 */
import { build, context, type BuildOptions, type Plugin } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { manifestFor, type Browser } from './manifest-variants';

const root = resolve(__dirname, '..');
const defaultRelayUrl = process.env.LOCKSTEP_RELAY_URL ?? 'http://localhost:3000';
const clockLog = process.env.LOCKSTEP_CLOCK_LOG === '1';

/** Bundles: every script is an IIFE (an ESM bundle of CommonJS-looking code silently fails in a worker). */
const entryPoints = {
  background: 'extension/background/service-worker.ts',
  content: 'extension/content/content-script.ts',
  /** Netflix's player API is reachable only from the page's MAIN world (manifest "world": "MAIN"). */
  'netflix-main': 'extension/content/netflix-main.ts',
  popup: 'extension/popup/popup.ts',
  options: 'extension/options/options.ts',
  /** The room panel and the reactions overlay: extension pages the content script embeds in the tab. */
  panel: 'extension/panel/panel.ts',
  reactions: 'extension/reactions/reactions.ts',
  /** Questions and notices for the person in a tab (join this room? the room moved on), out of the page's reach. */
  prompt: 'extension/prompt/prompt.ts',
};
/** Static files copied as they are. */
const staticFiles = [
  'extension/popup/popup.html',
  'extension/popup/popup.css',
  'extension/options/options.html',
  'extension/options/options.css',
  'extension/panel/panel.html',
  'extension/panel/panel.css',
  'extension/reactions/reactions.html',
  'extension/reactions/reactions.css',
  'extension/prompt/prompt.html',
  'extension/prompt/prompt.css',
  'extension/ui/base.css',
];

/**
 * The relay accepts WebSocket only (relay/app.ts) and the worker asks for nothing else
 * (relay-connection.ts: transports ['websocket']), so engine.io-client's transport table is
 * swapped for one holding its WebSocket transport alone: its polling (XHR) and WebTransport code,
 * ~12 KB the worker never runs, stays out of the bundle.
 */
const websocketOnly: Plugin = {
  name: 'engine.io-websocket-only',
  setup(b) {
    b.onResolve({ filter: /^\.\/transports\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}engine.io-client${sep}`)
        ? { path: 'engine.io-client/transports', namespace: 'websocket-only', pluginData: join(dirname(args.importer), 'transports') }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'websocket-only' }, (args) => ({
      contents: 'import { WS } from "./websocket.node.js";\nexport const transports = { websocket: WS };\n',
      resolveDir: args.pluginData as string,
    }));
  },
};

/** How every context is bundled (also what test/unit/bundle-size.test.ts measures). */
export function options(outdir: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    format: 'iife',
    target: ['chrome116', 'firefox128'],
    sourcemap: 'linked',
    // Whitespace and syntax only: names stay, so a stack trace in a user's console still reads (and
    // the linked source maps give the rest). About a third off every bundle.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    define: {
      __DEFAULT_RELAY_URL__: JSON.stringify(defaultRelayUrl),
      // bench:e2e only: a console line per clock sample (extension/content/sync-shell.ts).
      __LOCKSTEP_CLOCK_LOG__: JSON.stringify(clockLog),
    },
    // The polyfill's own minified build (same version, same code): 10 KB instead of 38 KB in every
    // bundle that talks to the browser, which is all of them.
    alias: { 'webextension-polyfill': 'webextension-polyfill/dist/browser-polyfill.min.js' },
    plugins: [websocketOnly],
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

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
