/** Every site adapter runs only where the manifest injects the content script (and Netflix's MAIN-world script). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ADAPTERS } from '../../../extension/content/adapters/index';
import { matchesUrl, patternCovers } from '../../../extension/content/match-pattern';

interface ContentScript {
  matches: string[];
  js: string[];
  world?: string;
  all_frames?: boolean;
}
const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../../manifest.json'), 'utf8')) as { content_scripts: ContentScript[] };
const isolated = manifest.content_scripts.filter((c) => c.js.includes('content.js') && c.world !== 'MAIN');

test.each(ADAPTERS.flatMap((a) => a.matches.map((m) => [a.id, m] as const)))(
  '%s pattern %s is covered by the content script',
  (_id, pattern) => {
    expect(isolated.some((c) => c.matches.some((outer) => patternCovers(outer, pattern)))).toBe(true);
  },
);

test('the content script runs in every frame (cross-origin player iframes)', () => {
  expect(isolated.every((c) => c.all_frames === true)).toBe(true);
});

test("Netflix has its MAIN-world bridge script on exactly the Netflix adapter's pages", () => {
  const main = manifest.content_scripts.find((c) => c.world === 'MAIN' && c.js.includes('netflix-main.js'));
  const netflix = ADAPTERS.find((a) => a.id === 'netflix');
  expect(main?.matches).toEqual(netflix?.matches);
});

test('the generic adapter is last and the registry picks site adapters by URL', () => {
  expect(ADAPTERS.at(-1)?.id).toBe('generic');
  const pick = (href: string): string | undefined => ADAPTERS.find((a) => a.matches.some((m) => matchesUrl(m, href)))?.id;
  expect(pick('https://www.youtube.com/watch?v=x')).toBe('youtube');
  expect(pick('https://www.netflix.com/watch/81234567')).toBe('netflix');
  expect(pick('https://static.crunchyroll.com/vilos-v2/web/vilos/player.html')).toBe('crunchyroll');
  expect(pick('https://player.vimeo.com/video/1')).toBe('vimeo');
  expect(pick('https://example.org/movie.html')).toBe('generic');
});
