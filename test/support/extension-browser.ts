/**
 * Chromium with the built extension, for tests that need Playwright's own objects (the context,
 * the service worker) rather than the cross-browser Member of browsers.ts:
 *
 *   const b = await launchExtensionBrowser({ relayUrl: relay.url });
 *   const page = await b.context.newPage(); await page.goto(url);
 *   const popup = await b.openPopup(await b.tabIdOf(page));
 *   await b.stopServiceWorker(); // really stopped; the next extension event starts a new one
 *   await b.close();
 *
 * Chromium 156 runs extensions in `--headless=new` (Playwright's `headless: true` picks the old
 * headless shell, which has no extensions), so headless goes in the args with `headless: false`.
 */
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from './firefox';

export interface ExtensionBrowserOptions {
  /** Unpacked extension; dist/chrome by default (run `npm run build` first). */
  extensionDir?: string;
  /** Written to the settings in storage.sync before the browser is handed over. */
  relayUrl?: string;
}

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  /** `chrome-extension://<id>/` */
  extensionOrigin: string;
  /** The running worker, started by an extension event if it was stopped. */
  serviceWorker(): Promise<Worker>;
  /** popup.html?tab=<id> in a page of its own, as the toolbar popup would show it for that tab. */
  openPopup(tabId: number): Promise<Page>;
  tabIdOf(page: Page): Promise<number>;
  /** Stops the worker as Chrome does to an idle one: its memory is gone, the next event starts it afresh. */
  stopServiceWorker(): Promise<void>;
  close(): Promise<void>;
}

type ChromeApi = {
  storage: { sync: { get(k: string): Promise<Record<string, unknown>>; set(i: Record<string, unknown>): Promise<void> } };
  tabs: { query(q: object): Promise<Array<{ id?: number; url?: string }>> };
};

export const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];

export async function launchExtensionBrowser(opts: ExtensionBrowserOptions = {}): Promise<ExtensionBrowser> {
  const dir = opts.extensionDir ?? resolve(__dirname, '../../dist/chrome');
  const profile = mkdtempSync(join(tmpdir(), 'lockstep-ext-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.LOCKSTEP_CHROMIUM ?? '/usr/bin/chromium',
    headless: false,
    args: [...CHROMIUM_FLAGS, `--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
  });
  const first = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(first.url()).host;
  const extensionOrigin = `chrome-extension://${extensionId}/`;
  const running = (): Worker | undefined => context.serviceWorkers().find((w) => w.url().startsWith(extensionOrigin));

  const serviceWorker = async (): Promise<Worker> => {
    const current = running();
    if (current !== undefined) return current;
    // Opening an extension page is an extension event: it starts the worker again.
    const waiting = context.waitForEvent('serviceworker', { timeout: 15_000 });
    const page = await context.newPage();
    await page.goto(`${extensionOrigin}options.html`);
    const worker = await waiting;
    await page.close();
    return worker;
  };

  if (opts.relayUrl !== undefined) {
    await (
      await serviceWorker()
    ).evaluate(async (url: string) => {
      const api = (globalThis as unknown as { chrome: ChromeApi }).chrome;
      const stored = (await api.storage.sync.get('settings')).settings;
      await api.storage.sync.set({ settings: { ...(typeof stored === 'object' && stored !== null ? stored : {}), relayUrl: url } });
    }, opts.relayUrl);
  }

  return {
    context,
    extensionId,
    extensionOrigin,
    serviceWorker,
    openPopup: async (tabId) => {
      const page = await context.newPage();
      await page.goto(`${extensionOrigin}popup.html?tab=${tabId}`);
      return page;
    },
    tabIdOf: async (page) => {
      const ids = await (
        await serviceWorker()
      ).evaluate(async (href: string) => {
        const tabs = await (globalThis as unknown as { chrome: ChromeApi }).chrome.tabs.query({});
        return tabs.filter((t) => t.url === href).map((t) => t.id ?? -1);
      }, page.url());
      if (ids.length !== 1 || ids[0] === undefined || ids[0] < 0) throw new Error(`${ids.length} tabs show ${page.url()}`);
      return ids[0];
    },
    stopServiceWorker: async () => {
      // CDP's ServiceWorker.stopAllWorkers does not reach extension workers; the internals page does.
      const worker = running();
      await worker?.evaluate(() => {
        (globalThis as { __lockstepOld?: boolean }).__lockstepOld = true;
      });
      const page = await context.newPage();
      try {
        await page.goto('chrome://serviceworker-internals/');
        const registration = page.locator('.serviceworker-registration', { hasText: extensionOrigin.replace(/\/$/, '') });
        await registration.getByRole('button', { name: 'Stop' }).first().click();
        // Stopped = STOPPED on the page, or already a fresh instance (an event woke it at once).
        await waitFor(async () => {
          if (/Running Status: *STOPPED/.test(await registration.innerText())) return true;
          const now = running();
          return (
            now !== undefined &&
            (await now.evaluate(() => (globalThis as { __lockstepOld?: boolean }).__lockstepOld !== true).catch(() => false))
          );
        }, 'the extension service worker to stop');
      } finally {
        await page.close();
      }
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
