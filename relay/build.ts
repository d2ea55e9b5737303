/**
 * Bundles the relay into dist/relay.js for `npm start` / `npm run relay` and the multi-process
 * tests. Running the bundle instead of TypeScript through tsx matters for memory: tsx compiles
 * with esbuild's keepNames, which gives every closure a `name` property of its own; with a few
 * dozen closures per connection that was ~6 KB of heap per socket (measured with a heap snapshot,
 * 2,000 sockets). Packages stay external (node_modules, native bufferutil).
 */
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const root = resolve(__dirname, '..');
export const RELAY_BUNDLE = resolve(root, 'dist', 'relay.js');

/**
 * Writes the bundle and its source map through a temporary file and a rename, so a relay
 * started meanwhile (test workers build in parallel) never reads a half-written file.
 */
export async function buildRelay(): Promise<string> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['relay/index.ts'],
    outfile: RELAY_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    write: false,
  });
  mkdirSync(dirname(RELAY_BUNDLE), { recursive: true });
  for (const file of result.outputFiles) {
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
  return RELAY_BUNDLE;
}

if (require.main === module) {
  buildRelay().then(
    () => console.log('Built dist/relay.js'),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
