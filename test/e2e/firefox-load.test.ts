/**
 * Firefox ESR loads dist/firefox: the background event page runs, host permissions are granted
 * without a prompt, and the extension's own pages open at the moz-extension:// origin we chose.
 */
import { launchFirefox, type ExtensionGlobal, type FirefoxMember } from '../support/firefox';

jest.setTimeout(60_000);

let firefox: FirefoxMember;

beforeAll(async () => {
  firefox = await launchFirefox();
});

afterAll(async () => {
  await firefox?.close();
});

test('the background page runs and <all_urls> is granted at install', async () => {
  const page = await firefox.openExtensionPage('options.html');
  const facts = await page.evaluate(async () => {
    const api = (globalThis as unknown as ExtensionGlobal).browser;
    const background = await api.runtime.getBackgroundPage();
    const scripts = background ? [...background.document.scripts].map((script) => script.src) : [];
    return {
      id: api.runtime.id,
      manifestVersion: api.runtime.getManifest().manifest_version,
      scripts,
      allUrls: await api.permissions.contains({ origins: ['<all_urls>'] }),
    };
  });
  expect(facts.id).toBe('lockstep@lockstep.invalid');
  expect(facts.manifestVersion).toBe(3);
  expect(facts.scripts).toContain(`${firefox.extensionOrigin}background.js`);
  expect(facts.allUrls).toBe(true);
  await page.close();
});

test('a web page gets a tab id the popup can be opened for', async () => {
  const page = await firefox.browser.newPage();
  await page.goto('data:text/html,<title>plain</title><p>lockstep-firefox-load</p>');
  const tabId = await firefox.tabIdOf(page);
  expect(Number.isInteger(tabId)).toBe(true);
  const popup = await firefox.openExtensionPage(`popup.html?tab=${tabId}`);
  expect(await popup.evaluate(() => document.title)).toBe('Lockstep');
  await popup.close();
  await page.close();
});

test('the event page can be stopped like an idle one, and a message wakes it', async () => {
  expect(await firefox.backgroundState()).toBe('running');
  await firefox.terminateBackground();
  expect(await firefox.backgroundState()).toBe('stopped');
  const page = await firefox.openExtensionPage('options.html');
  const answer = await page.evaluate(() =>
    (globalThis as unknown as ExtensionGlobal).browser.runtime.sendMessage({ type: 'getTabState', payload: { tabId: -1 } }),
  );
  expect(answer).toMatchObject({ ok: false, error: 'no_such_tab' });
  expect(await firefox.backgroundState()).toBe('running');
  await page.close();
});
