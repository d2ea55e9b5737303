/**
 * One face for a room member in Chromium (playwright-core) or Firefox (puppeteer-core over BiDi),
 * so cross-browser tests and the e2e bench drive both the same way: open a web page in a tab,
 * open an extension page, send the background a popup message, evaluate in a page.
 */
import { chromium, type BrowserContext, type Page as PlaywrightPage, type Worker } from 'playwright-core';
import type { Frame as PuppeteerFrame, Page as PuppeteerPage } from 'puppeteer-core';
import type { Frame as PlaywrightFrame } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PopupToBackground } from '../../extension/messages';
import { launchFirefox, waitFor, type ExtensionGlobal, type FirefoxLaunchOptions } from './firefox';

export type BrowserKind = 'chromium' | 'firefox';

/** A page in either browser; `evaluate` runs `fn(arg)` in the page (fn must be self-contained). */
export interface MemberPage {
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Evaluates a JavaScript expression (awaited when it is a promise). */
  run<R>(expression: string): Promise<R>;
  /** run() in the page's (possibly cross-origin) frame whose URL contains `urlPart`. */
  runInFrame<R>(urlPart: string, expression: string): Promise<R>;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Makes this the visible tab: hidden tabs paint nothing, so requestVideoFrameCallback stops. */
  bringToFront(): Promise<void>;
  /** Saves a PNG of the page. */
  screenshot(path: string): Promise<void>;
  /**
   * A frame of the page, the extension's own iframes included, whose address contains `urlPart`
   * (read in the frame itself: over BiDi a frame's reported URL can be stale), or null while none is.
   */
  frame(urlPart: string): Promise<MemberFrame | null>;
  /** A real click (the browser's input, so a user gesture, e.g. for requestFullscreen) on the element matching `selector`. */
  click(selector: string): Promise<void>;
  /** Calls `listener` with the text of each console message of the page, its content scripts' included. */
  onConsole(listener: (text: string) => void): void;
  close(): Promise<void>;
}

/** A frame of a member's page, driven with real input (not a script's synthetic events). */
export interface MemberFrame {
  run<R>(expression: string): Promise<R>;
  click(selector: string): Promise<void>;
  /** Types `text` key by key into the element matching `selector`. */
  type(selector: string, text: string): Promise<void>;
  /** Presses `key` ('Enter', 'Shift+Enter') in the element matching `selector`. */
  press(selector: string, key: string): Promise<void>;
}

export interface Member {
  name: string;
  kind: BrowserKind;
  /** `chrome-extension://<id>/` or `moz-extension://<uuid>/` */
  extensionOrigin: string;
  /**
   * A new tab on `url` (unique among this member's tabs), with its WebExtension tab id. It stays
   * the visible tab: extension pages opened later are put behind it.
   */
  openTab(url: string): Promise<{ page: MemberPage; tabId: number }>;
  extensionPage(path: string): Promise<MemberPage>;
  /** Sends a popup → background message from an extension page and returns the answer. */
  send<K extends keyof PopupToBackground>(type: K, payload: PopupToBackground[K]['payload']): Promise<PopupToBackground[K]['response']>;
  /**
   * Stops the background for real, as the browser does to an idle worker/event page: its memory is
   * gone and the next extension event starts it afresh. Chromium: "Stop" on
   * chrome://serviceworker-internals (CDP's ServiceWorker.stopAllWorkers does not reach extension
   * workers). Firefox: the event page's terminateBackground() (see firefox.ts).
   */
  stopBackground(): Promise<void>;
  /** stopBackground(), then wakes it with a message, as a popup or content script would. */
  restartBackground(): Promise<void>;
  close(): Promise<void>;
}

const CHROMIUM_PATH = process.env.LOCKSTEP_CHROMIUM ?? '/usr/bin/chromium';

function playwrightFrame(frame: PlaywrightFrame): MemberFrame {
  return {
    run: <R>(expression: string) => frame.evaluate(expression) as Promise<R>,
    click: (selector) => frame.click(selector),
    type: (selector, text) => frame.locator(selector).pressSequentially(text),
    press: (selector, key) => frame.press(selector, key),
  };
}

function puppeteerFrame(page: PuppeteerPage, frame: PuppeteerFrame): MemberFrame {
  return {
    run: <R>(expression: string) => frame.evaluate(expression) as Promise<R>,
    click: (selector) => frame.click(selector),
    type: (selector, text) => frame.type(selector, text),
    press: async (selector, key) => {
      await frame.focus(selector);
      const keys = key.split('+') as Parameters<PuppeteerPage['keyboard']['press']>[0][];
      const main = keys.pop();
      for (const k of keys) await page.keyboard.down(k);
      if (main !== undefined) await page.keyboard.press(main);
      for (const k of keys.reverse()) await page.keyboard.up(k);
    },
  };
}

/** The first of `frames` whose own location contains `urlPart` (frames that are going away are skipped). */
async function findFrame<F extends { evaluate(expression: string): Promise<unknown> }>(frames: F[], urlPart: string): Promise<F | null> {
  for (const frame of frames) {
    // A frame that went away meanwhile: puppeteer's BiDi frames throw at once, not as a rejection.
    let href: unknown;
    try {
      href = await frame.evaluate('location.href');
    } catch {
      href = null;
    }
    if (typeof href === 'string' && href.includes(urlPart)) return frame;
  }
  return null;
}

function fromPlaywright(page: PlaywrightPage): MemberPage {
  return {
    evaluate: <A, R>(fn: (arg: A) => R | Promise<R>, arg: A) =>
      page.evaluate(fn as (arg: unknown) => Promise<R>, arg as unknown) as Promise<R>,
    run: <R>(expression: string) => page.evaluate(expression) as Promise<R>,
    runInFrame: <R>(urlPart: string, expression: string) => {
      const frame = page.frames().find((f) => f.url().includes(urlPart));
      if (frame === undefined) throw new Error(`no frame on ${urlPart}`);
      return frame.evaluate(expression) as Promise<R>;
    },
    goto: async (url) => {
      await page.goto(url);
    },
    reload: async () => {
      await page.reload();
    },
    bringToFront: () => page.bringToFront(),
    screenshot: async (path) => {
      await page.screenshot({ path });
    },
    frame: async (urlPart) => {
      const frame = await findFrame(page.frames(), urlPart);
      return frame === null ? null : playwrightFrame(frame);
    },
    click: (selector) => page.click(selector),
    onConsole: (listener) => {
      page.on('console', (m) => listener(m.text()));
    },
    close: () => page.close(),
  };
}

function fromPuppeteer(page: PuppeteerPage): MemberPage {
  return {
    evaluate: <A, R>(fn: (arg: A) => R | Promise<R>, arg: A) => page.evaluate(fn as (arg: unknown) => Promise<R>, arg) as Promise<R>,
    run: <R>(expression: string) => page.evaluate(expression) as Promise<R>,
    runInFrame: <R>(urlPart: string, expression: string) => {
      const frame = page.frames().find((f) => f.url().includes(urlPart));
      if (frame === undefined) throw new Error(`no frame on ${urlPart}`);
      return frame.evaluate(expression) as Promise<R>;
    },
    goto: async (url) => {
      await page.goto(url);
    },
    reload: async () => {
      await page.reload();
    },
    bringToFront: () => page.bringToFront(),
    screenshot: async (path) => {
      await page.screenshot({ path });
    },
    frame: async (urlPart) => {
      const frame = await findFrame(page.frames(), urlPart);
      return frame === null ? null : puppeteerFrame(page, frame);
    },
    click: (selector) => page.click(selector),
    onConsole: (listener) => {
      page.on('console', (m) => listener(m.text()));
    },
    close: () => page.close(),
  };
}

/**
 * Site host names answered from a local server: every request to `https://<host>/...` (for each
 * of `hosts`) is fetched from `origin` with the same path, query and headers (Range included) and
 * its answer given back, so a site adapter applies (adapters are chosen by URL) even for
 * HSTS-preloaded hosts that a resolver rule cannot serve over plain http. Chromium: context routes;
 * Firefox: puppeteer request interception (BiDi network.provideResponse) on each tab.
 */
export interface HostRoutes {
  hosts: string[];
  origin: string;
}

const routedPath = (routes: HostRoutes, href: string): string | null => {
  const url = new URL(href);
  return url.protocol === 'https:' && url.port === '' && routes.hosts.includes(url.hostname)
    ? `${routes.origin}${url.pathname}${url.search}`
    : null;
};

async function routeFirefoxPage(page: PuppeteerPage, routes: HostRoutes): Promise<void> {
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    void (async () => {
      const target = routedPath(routes, request.url());
      if (target === null) return request.continue();
      const res = await fetch(target, { headers: request.headers() });
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        headers[key] = value;
      });
      return request.respond({ status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) });
    })().catch(() => undefined); // a request dropped as its page closes
  });
}

/** The message round trip, run inside an extension page of either browser. */
async function sendFrom<K extends keyof PopupToBackground>(
  page: MemberPage,
  type: K,
  payload: PopupToBackground[K]['payload'],
): Promise<PopupToBackground[K]['response']> {
  return page.evaluate(
    (message: { type: string; payload: unknown }) => {
      const api = (globalThis as unknown as { browser?: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).browser;
      const chromeApi = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome;
      return (api ?? chromeApi).runtime.sendMessage(message) as Promise<PopupToBackground[K]['response']>;
    },
    { type, payload },
  );
}

/**
 * Wakes a stopped background with a message. Under heavy load (load average ~20 on 2 cores) the
 * first message to a background that was just stopped sometimes failed with "Receiving end does
 * not exist" in one of the browsers; a popup opened again would retry, so we do too, a few times.
 */
async function wake(page: MemberPage): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sendFrom(page, 'getTabState', { tabId: -1 });
      return;
    } catch (err) {
      if (attempt >= 5 || !String(err).includes('Receiving end does not exist')) throw err;
      await new Promise((done) => setTimeout(done, 250));
    }
  }
}

async function stopChromiumWorker(context: BrowserContext, extensionOrigin: string, front: MemberPage | null): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto('chrome://serviceworker-internals/');
    const registration = page.locator('.serviceworker-registration', { hasText: extensionOrigin.replace(/\/$/, '') });
    const status = async (): Promise<string | undefined> => /Running Status: *(\w+)/.exec(await registration.innerText())?.[1];
    // A marker in the running worker's global scope: a worker without it is a new instance. While
    // a room is active, content-script messages wake the worker again within a second, so
    // "stopped" is seen either as STOPPED or as a fresh instance.
    const current = (): Worker | undefined => context.serviceWorkers().find((w) => w.url().startsWith(extensionOrigin));
    await current()?.evaluate(() => {
      (globalThis as { __lockstepOldWorker?: boolean }).__lockstepOldWorker = true;
    });
    await registration.getByRole('button', { name: 'Stop' }).first().click();
    await waitFor(async () => {
      if ((await status()) === 'STOPPED') return true;
      const worker = current();
      return (
        worker !== undefined &&
        (await worker.evaluate(() => (globalThis as { __lockstepOldWorker?: boolean }).__lockstepOldWorker !== true).catch(() => false))
      );
    }, 'the extension service worker to stop');
  } finally {
    await page.close();
    await front?.bringToFront();
  }
}

export async function launchChromiumMember(
  name: string,
  extensionDir = resolve(__dirname, '../../dist/chrome'),
  routes?: HostRoutes,
): Promise<Member> {
  const profile = mkdtempSync(join(tmpdir(), 'lockstep-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: false,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionOrigin = `chrome-extension://${new URL(worker.url()).host}/`;
  for (const host of routes?.hosts ?? []) {
    await context.route(`https://${host}/**`, async (route) => {
      const target = routes === undefined ? null : routedPath(routes, route.request().url());
      await (target === null ? route.continue() : route.fulfill({ response: await route.fetch({ url: target }) }));
    });
  }
  let front: MemberPage | null = null;
  const extensionPage = async (path: string): Promise<MemberPage> => {
    const page = await context.newPage();
    await page.goto(new URL(path, extensionOrigin).href);
    await front?.bringToFront();
    return fromPlaywright(page);
  };
  let helper: MemberPage | null = null;
  return {
    name,
    kind: 'chromium',
    extensionOrigin,
    extensionPage,
    openTab: async (url) => {
      const page = await context.newPage();
      await page.goto(url);
      helper ??= await extensionPage('options.html');
      const ids = await helper.evaluate(async (href: string) => {
        const api =
          (globalThis as unknown as ExtensionGlobal).browser ?? (globalThis as unknown as { chrome: ExtensionGlobal['browser'] }).chrome;
        const tabs = await api.tabs.query({});
        return tabs.filter((tab) => tab.url === href).map((tab) => tab.id ?? -1);
      }, page.url());
      if (ids.length !== 1 || ids[0] === undefined) throw new Error(`${ids.length} tabs show ${url}`);
      front = fromPlaywright(page);
      await front.bringToFront();
      return { page: front, tabId: ids[0] };
    },
    send: async (type, payload) => {
      helper ??= await extensionPage('options.html');
      return sendFrom(helper, type, payload);
    },
    stopBackground: () => stopChromiumWorker(context, extensionOrigin, front),
    restartBackground: async () => {
      await stopChromiumWorker(context, extensionOrigin, front);
      helper ??= await extensionPage('options.html');
      await wake(helper);
    },
    close: async () => {
      // Media fetches still in flight must not fail as the context goes away.
      if (routes !== undefined) await context.unrouteAll({ behavior: 'ignoreErrors' });
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function launchFirefoxMember(name: string, options: FirefoxLaunchOptions = {}, routes?: HostRoutes): Promise<Member> {
  const firefox = await launchFirefox(options);
  let helper: MemberPage | null = null;
  let front: MemberPage | null = null;
  const extensionPage = async (path: string): Promise<MemberPage> => {
    const page = fromPuppeteer(await firefox.openExtensionPage(path));
    await front?.bringToFront();
    return page;
  };
  return {
    name,
    kind: 'firefox',
    extensionOrigin: firefox.extensionOrigin,
    extensionPage,
    openTab: async (url) => {
      const page = await firefox.browser.newPage();
      if (routes !== undefined) await routeFirefoxPage(page, routes);
      await page.goto(url);
      const tabId = await firefox.tabIdOf(page);
      front = fromPuppeteer(page);
      await front.bringToFront();
      return { page: front, tabId };
    },
    send: async (type, payload) => {
      helper ??= await extensionPage('options.html');
      return sendFrom(helper, type, payload);
    },
    stopBackground: () => firefox.terminateBackground(),
    restartBackground: async () => {
      await firefox.terminateBackground();
      helper ??= await extensionPage('options.html');
      await wake(helper);
    },
    close: () => firefox.close(),
  };
}

export function launchMember(name: string, kind: BrowserKind, firefoxOptions?: FirefoxLaunchOptions): Promise<Member> {
  return kind === 'chromium' ? launchChromiumMember(name) : launchFirefoxMember(name, firefoxOptions);
}

export { waitFor };

/**
 * Popup and options pages by their accessible names (the UI contract: "Create room", "Join room",
 * "Invite link or room code", "Relay URL", "Save"...), the same in both browsers. The action runs
 * in the page as one self-contained function (extension pages forbid eval, so no helpers inside).
 */
type DomAction = { do: 'fill'; label: string; value: string } | { do: 'click'; label: string } | { do: 'read'; label: string };

function domAction(action: DomAction): string | null {
  const nameOf = (el: Element): string => {
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy)
      return labelledBy
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ')
        .trim();
    const aria = el.getAttribute('aria-label');
    if (aria) return aria.trim();
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) {
      const label = el.labels?.[0];
      if (label) return (label.textContent ?? '').trim();
      return el instanceof HTMLInputElement && el.type === 'submit' ? el.value.trim() : '';
    }
    return (el.textContent ?? '').trim();
  };
  const selector = action.do === 'click' ? 'button, input[type=submit], [role=button]' : 'input, textarea, select, output';
  const visible = (el: HTMLElement): boolean => !el.closest('[hidden]') && el.getClientRects().length > 0;
  const el = ([...document.querySelectorAll(selector)] as HTMLElement[]).find((c) => visible(c) && nameOf(c) === action.label);
  if (!el) return null;
  if (action.do === 'click') {
    el.click();
    return '';
  }
  const field = el as HTMLInputElement;
  if (action.do === 'read') return field.value ?? el.textContent ?? '';
  field.focus();
  field.value = action.value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
  return '';
}

async function runDom(page: MemberPage, action: DomAction): Promise<string | null> {
  return page.run<string | null>(`(${domAction.toString()})(${JSON.stringify(action)})`);
}

/** Types `value` into the visible field labelled `label` (input and change events, as typing would). */
export async function fill(page: MemberPage, label: string, value: string): Promise<void> {
  if ((await runDom(page, { do: 'fill', label, value })) === null) throw new Error(`no field labelled "${label}"`);
}

/** Clicks the visible button named `label`. */
export async function click(page: MemberPage, label: string): Promise<void> {
  if ((await runDom(page, { do: 'click', label })) === null) throw new Error(`no button named "${label}"`);
}

/** The value of the visible field labelled `label`, or null while there is none. */
export function read(page: MemberPage, label: string): Promise<string | null> {
  return runDom(page, { do: 'read', label });
}
