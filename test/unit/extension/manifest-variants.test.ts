/** The per-browser manifests written from the one manifest.json (extension/manifest-variants.ts). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { manifestFor } from '../../../extension/manifest-variants';

const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../../manifest.json'), 'utf8')) as Record<string, unknown>;
type Resources = Array<{ resources: string[]; matches: string[]; use_dynamic_url?: boolean }>;

test('Chrome: a service worker, no gecko settings; the panel pages web-accessible at a per-session address', () => {
  const chrome = manifestFor(manifest, 'chrome');
  expect(chrome.background).toEqual({ service_worker: 'background.js' });
  expect(chrome.browser_specific_settings).toBeUndefined();
  expect(chrome.web_accessible_resources).toEqual([
    { resources: ['panel.html', 'reactions.html', 'prompt.html'], matches: ['<all_urls>'], use_dynamic_url: true },
  ]);
});

test('Firefox: an event page, the gecko id, and no use_dynamic_url (its schema has none)', () => {
  const firefox = manifestFor(manifest, 'firefox');
  expect(firefox.background).toEqual({ scripts: ['background.js'] });
  expect(firefox.minimum_chrome_version).toBeUndefined();
  expect((firefox.browser_specific_settings as { gecko: { id: string } }).gecko.id).toBe('lockstep@lockstep.invalid');
  expect(firefox.web_accessible_resources as Resources).toEqual([
    { resources: ['panel.html', 'reactions.html', 'prompt.html'], matches: ['<all_urls>'] },
  ]);
  // The source manifest is left as it was.
  expect((manifest.web_accessible_resources as Resources)[0]?.use_dynamic_url).toBe(true);
});

test('the room panel shortcut is declared, so it can be rebound in the browser', () => {
  expect(manifest.commands).toEqual({
    'toggle-room-panel': { suggested_key: { default: 'Alt+Shift+L' }, description: 'Show or hide the room panel' },
  });
});
