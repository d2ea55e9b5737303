/** @jest-environment jsdom */
/**
 * The extension's iframe on the site's page: out of the page's reach (closed shadow root), styled
 * inline with !important, put back where it belongs when the page removes it, moved into a
 * fullscreen container, and sent back to its own page when the page navigates it away.
 */
jest.mock('webextension-polyfill', () => ({}));
import { EmbedFrame } from '../../../extension/content/embeds/embed-frame';

const SRC = 'chrome-extension://abc/panel.html';
const box = { left: 948, top: 12, width: 320, height: 600 };
const make = (): EmbedFrame =>
  new EmbedFrame(document, { src: SRC, title: 'Lockstep room panel', pointerEvents: 'auto', colorScheme: 'dark' });
const hosts = (): HTMLElement[] =>
  [...document.querySelectorAll('div')].filter((d) => d.style.getPropertyValue('z-index') === '2147483647');

let fullscreen: Element | null = null;
beforeAll(() => Object.defineProperty(document, 'fullscreenElement', { get: () => fullscreen }));
beforeEach(() => {
  for (const h of hosts()) h.remove();
  document.body.innerHTML = '<div id="player"><video></video></div>';
  fullscreen = null;
});

test('the page finds a host it cannot look into: no iframe, no address, no shadow root to open', () => {
  make().place(box);
  const [host] = hosts();
  expect(host?.parentElement).toBe(document.documentElement);
  expect(host?.shadowRoot).toBeNull();
  expect(document.querySelectorAll('iframe')).toHaveLength(0);
  expect(document.documentElement.outerHTML).not.toContain('chrome-extension://');
  // Placed with inline !important styles, which beat the site's stylesheets.
  expect(host?.style.getPropertyPriority('position')).toBe('important');
  expect([host?.style.position, host?.style.left, host?.style.top, host?.style.width, host?.style.height]).toEqual([
    'fixed',
    '948px',
    '12px',
    '320px',
    '600px',
  ]);
});

test('removed by the page (an SPA re-rendering): put back on the next placement', () => {
  const frame = make();
  frame.place(box);
  hosts()[0]?.remove();
  expect(frame.attached).toBe(false);
  frame.place(box);
  expect(frame.attached).toBe(true);
  expect(hosts()).toHaveLength(1);
});

test('fullscreen: inside the fullscreen container while it lasts, back after; a bare fullscreen <video> holds nothing', () => {
  const frame = make();
  frame.place(box);
  fullscreen = document.getElementById('player');
  frame.place(box);
  expect(hosts()[0]?.parentElement).toBe(fullscreen);
  expect(frame.covered()).toBe(false);
  fullscreen = document.querySelector('video');
  frame.place(box);
  expect(frame.covered()).toBe(true);
  expect(hosts()[0]?.parentElement).toBe(document.documentElement);
  fullscreen = null;
  frame.place(box);
  expect(hosts()[0]?.parentElement).toBe(document.documentElement);
});

test('a load the frame did not expect (the page navigated it) sends it back to its page', () => {
  // Reach the iframe as only a test can: through attachShadow, before the page could.
  const original = Element.prototype.attachShadow;
  let root: ShadowRoot | null = null;
  Element.prototype.attachShadow = function (init) {
    root = original.call(this, init);
    return root;
  };
  const frame = make();
  Element.prototype.attachShadow = original;
  frame.place(box);
  const iframe = (root as unknown as ShadowRoot).querySelector('iframe') as HTMLIFrameElement;
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  iframe.dispatchEvent(new Event('load')); // its own first load
  expect(frame.restored).toBe(0);
  iframe.src = 'about:blank#look-alike';
  iframe.dispatchEvent(new Event('load'));
  expect(frame.restored).toBe(1);
  expect(iframe.src).toBe(SRC);
  iframe.dispatchEvent(new Event('load')); // our page again
  expect(frame.restored).toBe(1);
  warn.mockRestore();
});
