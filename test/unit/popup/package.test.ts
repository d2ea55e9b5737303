import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { listFiles, packageBrowser } from '../../../extension/package';

describe('packageBrowser', () => {
  let dist: string;
  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), 'lockstep-pkg-'));
  });
  afterEach(() => rmSync(dist, { recursive: true, force: true }));

  test('zips the build with manifest.json at the root, named by version, without source maps', () => {
    const dir = join(dist, 'firefox');
    mkdirSync(join(dir, 'icons'), { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, version: '1.2.3' }));
    writeFileSync(join(dir, 'popup.js'), 'console.log(1)');
    writeFileSync(join(dir, 'popup.js.map'), '{}');
    writeFileSync(join(dir, 'icons', 'icon-16.png'), 'png');
    const { zip, files } = packageBrowser('firefox', dist);
    expect(zip).toBe(join(dist, 'lockstep-firefox-1.2.3.zip'));
    expect(files).toEqual(['icons/icon-16.png', 'manifest.json', 'popup.js']);
    const entries = unzipSync(readFileSync(zip));
    expect(Object.keys(entries).sort()).toEqual(files);
    expect(strFromU8(entries['popup.js'] as Uint8Array)).toBe('console.log(1)');
    expect(listFiles(dir)).toContain('popup.js.map');
  });

  test('the same build gives the same bytes', () => {
    const dir = join(dist, 'chrome');
    mkdirSync(dir);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: '0.1.0' }));
    const first = readFileSync(packageBrowser('chrome', dist).zip);
    expect(readFileSync(packageBrowser('chrome', dist).zip).equals(first)).toBe(true);
  });

  test('a missing build or version is an error that says what to do', () => {
    expect(() => packageBrowser('chrome', dist)).toThrow(/run npm run build first/);
    mkdirSync(join(dist, 'chrome'));
    writeFileSync(join(dist, 'chrome', 'manifest.json'), '{}');
    expect(() => packageBrowser('chrome', dist)).toThrow(/has no version/);
  });
});
