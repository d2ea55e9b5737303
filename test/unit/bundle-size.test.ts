/**
 * Each extension context bundles only what it uses: the bundles are built in memory with the
 * build's own options (extension/build.ts) and checked against their budgets, and against
 * carrying what belongs to another context. Budgets: kB of output (whitespace and syntax minified,
 * names kept). Before zod/mini (full zod in the popup, options and worker) they were 858, 848 and
 * 987 kB unminified; with the room panel the worker was 258 kB unminified, 161 kB minified.
 */
import { build, type Metafile } from 'esbuild';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { options } from '../../extension/build';

/** The room panel, the reactions overlay and the prompt are pages in every tab that shows them: kept small (36, 17 and 16 kB when added). */
const BUDGET_KB: Record<string, number> = { popup: 120, options: 150, background: 250, content: 120, panel: 50, reactions: 25, prompt: 25 };

let sizes: Record<string, number>;
let inputs: Record<string, string[]>;

beforeAll(async () => {
  const result = await build({ ...options(join(tmpdir(), 'lockstep-bundle-size')), write: false, metafile: true });
  const outputs = Object.entries((result.metafile as Metafile).outputs).filter(([file]) => file.endsWith('.js'));
  sizes = Object.fromEntries(outputs.map(([file, out]) => [basename(file, '.js'), out.bytes]));
  inputs = Object.fromEntries(outputs.map(([file, out]) => [basename(file, '.js'), Object.keys(out.inputs)]));
}, 60_000);

test.each(Object.entries(BUDGET_KB))('%s.js is at most %i kB', (name, budget) => {
  expect(sizes[name]).toBeLessThanOrEqual(budget * 1000);
});

test('no context carries the full zod (only zod/mini, which tree-shakes)', () => {
  for (const [name, files] of Object.entries(inputs))
    expect({ name, classic: files.filter((f) => f.includes('/zod/v4/classic/')) }).toEqual({ name, classic: [] });
});

test('only the worker carries socket.io-client, and the content script no schema library', () => {
  const carrying = (pkg: string): string[] =>
    Object.keys(inputs).filter((name) => inputs[name]!.some((f) => new RegExp(`(^|/)node_modules/${pkg}/`).test(f)));
  expect(carrying('socket.io-client')).toEqual(['background']);
  expect(carrying('zod')).not.toContain('content');
  expect(carrying('zod')).not.toContain('panel');
  expect(carrying('zod')).not.toContain('reactions');
});
