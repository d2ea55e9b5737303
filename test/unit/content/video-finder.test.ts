/** @jest-environment jsdom */
import { createVideoFinder, type VideoCandidate, type VideoFinder } from '../../../extension/content/video-finder';
import { layout, makeVideo, stubMedia } from './dom-stubs';

/** Lets `ms` of fake time pass (the finder batches and rescans on timers). */
const settle = (ms = 80): Promise<void> => jest.advanceTimersByTimeAsync(ms);

let controller: AbortController;
let changes: Array<VideoCandidate | null>;

function start(): VideoFinder {
  return createVideoFinder(document, { signal: controller.signal, onChange: (c) => changes.push(c) });
}
const chosen = (): HTMLVideoElement | null | undefined => changes.at(-1)?.video ?? (changes.length > 0 ? null : undefined);

beforeEach(() => {
  jest.useFakeTimers();
  document.body.innerHTML = '';
  controller = new AbortController();
  changes = [];
});
afterEach(() => {
  controller.abort();
  jest.useRealTimers();
});

test('finds a video present at start', () => {
  const video = document.body.appendChild(makeVideo(document));
  start();
  expect(chosen()).toBe(video);
});

test('finds a video created late, after one batch', async () => {
  start();
  expect(changes).toEqual([]);
  const video = makeVideo(document);
  const wrapper = document.createElement('div');
  wrapper.append(video);
  document.body.append(wrapper);
  await settle();
  expect(chosen()).toBe(video);
});

test('a replaced video (next episode) takes over; the removed one is forgotten', async () => {
  const first = document.body.appendChild(makeVideo(document));
  start();
  expect(chosen()).toBe(first);
  first.remove();
  const second = document.body.appendChild(makeVideo(document));
  await settle();
  expect(chosen()).toBe(second);
});

test('losing the only video reports null', async () => {
  const video = document.body.appendChild(makeVideo(document));
  start();
  video.remove();
  await settle();
  expect(changes.at(-1)).toBeNull();
});

test('finds a video inside nested open shadow roots, including roots attached later', async () => {
  start();
  const host = document.createElement('div');
  document.body.append(host);
  const outer = host.attachShadow({ mode: 'open' });
  await settle();
  const inner = document.createElement('div');
  outer.append(inner);
  const innerRoot = inner.attachShadow({ mode: 'open' });
  await settle();
  // The inner root was attached after its host was inserted: no mutation announces it, the
  // observer on `outer` sees only the host; a video added to the new root is found on the next scan.
  const video = makeVideo(document);
  innerRoot.append(video);
  await settle();
  document.dispatchEvent(new Event('pointerdown'));
  await settle();
  expect(chosen()).toBe(video);
});

test('small and muted looping previews are ignored; the main video wins', async () => {
  const thumb = document.body.appendChild(makeVideo(document, 160, 90));
  const loop = Object.assign(makeVideo(document, 800, 450), { muted: true, loop: true, autoplay: true });
  document.body.append(loop);
  const finder = start();
  expect(finder.current()).toBeNull();
  const main = document.body.appendChild(makeVideo(document, 640, 360));
  await settle();
  expect(chosen()).toBe(main);
  expect([thumb, loop]).not.toContain(chosen());
});

test('of two main-sized videos the largest wins, until the user plays the other', async () => {
  const small = document.body.appendChild(makeVideo(document, 640, 360));
  const large = document.body.appendChild(makeVideo(document, 1280, 720));
  stubMedia(small);
  start();
  expect(chosen()).toBe(large);
  await small.play();
  await settle();
  expect(chosen()).toBe(small);
  expect(changes.at(-1)?.played).toBe(true);
});

test('a hidden video (display:none) is not chosen', async () => {
  const hidden = layout(document.createElement('video'), 640, 360);
  hidden.style.display = 'none';
  document.body.append(hidden);
  const finder = start();
  expect(finder.current()).toBeNull();
});

test('idle costs nothing: unrelated DOM churn and quiet time trigger no scans and no evaluations', async () => {
  document.body.appendChild(makeVideo(document));
  const finder = start();
  await settle(1100); // past the first settle rescan
  const before = finder.stats();
  await settle(200);
  expect(finder.stats()).toEqual(before);
  for (let i = 0; i < 200; i += 1) document.body.appendChild(document.createElement('span')).textContent = `row ${i}`;
  await settle();
  expect(finder.stats()).toEqual(before);
});

test('abort stops observing', async () => {
  start();
  controller.abort();
  document.body.appendChild(makeVideo(document));
  await settle();
  expect(changes).toEqual([]);
});
