/**
 * Firefox ESR (Debian's /usr/bin/firefox-esr) with the built extension, driven by puppeteer-core
 * over WebDriver BiDi. Each launch gets a fresh temporary profile (puppeteer makes and removes it).
 *
 * What differs from Chromium, and how this file deals with it:
 * - MV3 host permissions: Firefox 127+ grants `host_permissions` at install while
 *   `extensions.originControls.grantByDefault` is true (its default), so no pref is needed; the
 *   load test checks `permissions.contains({ origins: ['<all_urls>'] })` rather than assuming.
 * - The extension's origin is `moz-extension://<uuid>/` with a random uuid per profile. We choose
 *   it up front through the `extensions.webextensions.uuids` pref, which Firefox reads before
 *   inventing one, so tests know the popup URL without looking it up.
 * - BiDi refuses to navigate a tab to moz-extension:// unless the remote agent has "system
 *   access" (--remote-allow-system-access), and then it reports no navigation events for it:
 *   `openExtensionPage` starts the navigation and polls the page itself.
 * - Stopping the event page (as Firefox does after 30 s idle) has no WebExtension or BiDi command:
 *   with system access we evaluate in the browser window's chrome scope and call the same
 *   `extension.terminateBackground()` that about:debugging's "Terminate background script" uses.
 * - Timers: privacy.reduceTimerPrecision is on by default (performance.now() and media times in
 *   1 ms steps, with jitter). We keep the default, as users have it.
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { Browser as WebExtensionApi } from 'webextension-polyfill';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';

export const FIREFOX_PATH = process.env.LOCKSTEP_FIREFOX ?? '/usr/bin/firefox-esr';
/** The gecko id in manifest.json (browser_specific_settings.gecko.id). */
export const EXTENSION_ID = 'lockstep@lockstep.invalid';
/** The `browser` namespace of an extension page, for code passed to `page.evaluate`. */
export type ExtensionGlobal = { browser: WebExtensionApi };
const defaultExtensionDir = resolve(__dirname, '../../dist/firefox');

export interface FirefoxLaunchOptions {
  /** Unpacked extension directory; dist/firefox by default. */
  extensionDir?: string;
  /** Extra about:config prefs, e.g. a shorter `extensions.background.idle.timeout`. */
  prefs?: Record<string, string | number | boolean>;
}

export interface FirefoxMember {
  browser: Browser;
  /** `moz-extension://<uuid>/` */
  extensionOrigin: string;
  /** A new tab showing an extension page (e.g. `popup.html?tab=3`). */
  openExtensionPage(path: string): Promise<Page>;
  /** The WebExtension tab id of a page (found by its URL, which must be unique among tabs). */
  tabIdOf(page: Page): Promise<number>;
  /** Stops the background event page now, as the idle timeout would; the next event wakes it. */
  terminateBackground(): Promise<void>;
  /** Firefox's own word for the event page: 'running', 'suspending', 'stopped'... */
  backgroundState(): Promise<string>;
  close(): Promise<void>;
}

/** Autoplay with sound is allowed (a follower must start playing without a click). */
const basePrefs: Record<string, string | number | boolean> = {
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  'media.autoplay.block-webaudio': false,
  // Keep the default of granting MV3 host permissions at install explicit (Firefox 127+).
  'extensions.originControls.grantByDefault': true,
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
};

export async function launchFirefox(options: FirefoxLaunchOptions = {}): Promise<FirefoxMember> {
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX_PATH,
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      ...basePrefs,
      'extensions.webextensions.uuids': JSON.stringify({ [EXTENSION_ID]: uuid }),
      ...options.prefs,
    },
  });
  try {
    const id = await browser.installExtension(options.extensionDir ?? defaultExtensionDir);
    if (id !== EXTENSION_ID) throw new Error(`installed extension id ${id}, expected ${EXTENSION_ID}`);
  } catch (err) {
    await browser.close();
    throw err;
  }
  const extensionOrigin = `moz-extension://${uuid}/`;
  let helper: Page | null = null;

  const openExtensionPage = async (path: string): Promise<Page> => {
    const page = await browser.newPage();
    const url = new URL(path, extensionOrigin).href;
    // The navigation itself happens; only its events never reach puppeteer (see the top comment).
    page.goto(url, { timeout: 10_000 }).catch(() => undefined);
    await waitFor(async () => {
      const state = await page.evaluate(() => [location.href, document.readyState]).catch(() => null);
      return state !== null && state[0] === url && state[1] === 'complete';
    }, `extension page ${url}`);
    return page;
  };

  const tabIdOf = async (page: Page): Promise<number> => {
    helper ??= await openExtensionPage('options.html');
    const url = await page.evaluate(() => location.href);
    const ids = await helper.evaluate(async (href: string) => {
      const api = (globalThis as unknown as ExtensionGlobal).browser;
      const tabs = await api.tabs.query({});
      return tabs.filter((tab) => tab.url === href).map((tab) => tab.id ?? -1);
    }, url);
    if (ids.length !== 1 || ids[0] === undefined) throw new Error(`${ids.length} tabs show ${url}`);
    return ids[0];
  };

  const inChrome = async (expression: string): Promise<string> => {
    const connection = (browser as unknown as { connection: BidiSend }).connection;
    const tree = (await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result as {
      contexts: { context: string }[];
    };
    const context = tree.contexts[0]?.context;
    if (context === undefined) throw new Error('no chrome-scope browsing context (is --remote-allow-system-access set?)');
    const policy = `WebExtensionPolicy.getByID(${JSON.stringify(EXTENSION_ID)}).extension`;
    const res = (
      await connection.send('script.evaluate', { expression: expression.replace('$EXT', policy), target: { context }, awaitPromise: true })
    ).result as { type: string; result?: { value?: unknown }; exceptionDetails?: { text?: string } };
    if (res.type !== 'success') throw new Error(`chrome-scope evaluation failed: ${res.exceptionDetails?.text ?? res.type}`);
    return String(res.result?.value);
  };

  return {
    browser,
    extensionOrigin,
    openExtensionPage,
    tabIdOf,
    terminateBackground: async () => {
      await inChrome('$EXT.terminateBackground({ ignoreDevToolsAttached: true }).then(() => "ok")');
    },
    backgroundState: () => inChrome('String($EXT.backgroundState)'),
    close: () => browser.close(),
  };
}

/** The raw BiDi connection puppeteer's Firefox browser has (not in its public types). */
type BidiSend = { send(method: string, params: object): Promise<{ result: unknown }> };

/** Polls `check` every 50 ms until it is true; throws after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
