/**
 * docs/architecture.md stays true: every source file it names exists, and every folder of the
 * extension and the relay appears in its map (a moved or new folder means the map needs a line).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const map = readFileSync(join(root, 'docs/architecture.md'), 'utf8');

/** Every file under `dir` (relative to the root), tests' fixtures and media left out. */
function files(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) => `${dir}/${f}`);
}
const sources = [...files('extension'), ...files('relay'), ...files('test').filter((f) => !f.includes('/media/'))];

test.each([...new Set(map.match(/[\w./-]+\.(?:ts|html|json)\b/g) ?? [])])('the map names %s, which exists', (name) => {
  expect(sources.some((f) => f === name || f.endsWith(`/${name}`)) || existsSync(join(root, name))).toBe(true);
});

test.each(
  ['extension', 'relay'].flatMap((top) =>
    readdirSync(join(root, top)).filter((d) => statSync(join(root, top, d)).isDirectory() && d !== 'icons'),
  ),
)('the folder %s/ is on the map', (folder) => {
  expect(map).toContain(`${folder}/`);
});
