/**
 * Store-ready zips of the built extension: dist/lockstep-chrome-<version>.zip and
 * dist/lockstep-firefox-<version>.zip, manifest.json at the zip root (what both stores expect).
 * Source maps stay out of the zips. Usage: npm run package (builds first).
 */
import { zipSync, type Zippable } from 'fflate';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');

/** Every file under `dir`, relative paths with forward slashes, sorted (stable zips). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

/** Zips one built browser folder; returns the zip's path and the files in it. */
export function packageBrowser(browser: 'chrome' | 'firefox', distDir = join(root, 'dist')): { zip: string; files: string[] } {
  const dir = join(distDir, browser);
  if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`${dir}/manifest.json is missing: run npm run build first`);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error(`${dir}/manifest.json has no version`);
  const files = listFiles(dir).filter((f) => !f.endsWith('.map'));
  const entries: Zippable = {};
  // A fixed date keeps the bytes the same between builds of the same sources.
  for (const file of files) entries[file] = [readFileSync(join(dir, file)), { mtime: new Date('2020-01-01T00:00:00Z') }];
  const zip = join(distDir, `lockstep-${browser}-${manifest.version}.zip`);
  writeFileSync(zip, zipSync(entries, { level: 9 }));
  return { zip, files };
}

if (require.main === module) {
  for (const browser of ['chrome', 'firefox'] as const) {
    const { zip, files } = packageBrowser(browser);
    console.log(`${relative(root, zip)}: ${files.length} files, ${statSync(zip).size} bytes`);
  }
}
