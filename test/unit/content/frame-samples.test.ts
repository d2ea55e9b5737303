/**
 * @jest-environment jsdom
 *
 * Position samples: frame callbacks where frames are painted, coarse currentTime readings where the
 * browser has no requestVideoFrameCallback (jsdom, like Firefox before 132) or paints no frames (a
 * background tab).
 */
import { frameSamples } from '../../../extension/content/adapters/generic';
import type { FrameSample } from '../../../extension/core/player';
import { makeVideo, stubMedia } from './dom-stubs';

let controller: AbortController;
beforeEach(() => {
  document.body.innerHTML = '';
  controller = new AbortController();
});
afterEach(() => controller.abort());

const until = async (check: () => boolean, ms = 2_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((done) => setTimeout(done, 10));
  }
};

/** A video whose requestVideoFrameCallback is driven by the test: `paint(mediaTime)` delivers a frame. */
function withFrameCallbacks(video: HTMLVideoElement): { paint(mediaTime: number): void } {
  let pending: VideoFrameRequestCallback | null = null;
  video.requestVideoFrameCallback = (cb) => {
    pending = cb;
    return 1;
  };
  video.cancelVideoFrameCallback = () => {
    pending = null;
  };
  return {
    paint(mediaTime) {
      const cb = pending;
      pending = null;
      const now = performance.now();
      cb?.(now, {
        mediaTime,
        expectedDisplayTime: now + 16,
        presentationTime: now,
        width: 640,
        height: 360,
        presentedFrames: 1,
        processingDuration: 0,
      } as VideoFrameCallbackMetadata);
    },
  };
}

test('without frame callbacks, a playing video is sampled from currentTime (timeupdate and a timer), marked coarse', async () => {
  const video = document.body.appendChild(makeVideo(document));
  const media = stubMedia(video, { paused: false, currentTime: 12.5 });
  const samples: FrameSample[] = [];
  frameSamples(video, controller.signal, (s) => samples.push(s));
  video.dispatchEvent(new Event('timeupdate'));
  expect(samples).toEqual([{ mediaTime: 12.5, displayTime: expect.any(Number), coarse: true }]);
  media.currentTime = 12.8;
  await until(() => samples.some((s) => s.mediaTime === 12.8));
  expect(samples.every((s) => s.coarse === true)).toBe(true);
});

test('a paused, seeking or starved video gives no samples; an aborted owner stops them', async () => {
  const video = document.body.appendChild(makeVideo(document));
  const media = stubMedia(video, { paused: true, currentTime: 3 });
  const samples: FrameSample[] = [];
  frameSamples(video, controller.signal, (s) => samples.push(s));
  video.dispatchEvent(new Event('timeupdate'));
  media.paused = false;
  media.readyState = 2;
  video.dispatchEvent(new Event('timeupdate'));
  expect(samples).toEqual([]);
  media.readyState = 4;
  video.dispatchEvent(new Event('timeupdate'));
  expect(samples).toHaveLength(1);
  controller.abort();
  video.dispatchEvent(new Event('timeupdate'));
  await new Promise((done) => setTimeout(done, 250));
  expect(samples).toHaveLength(1);
});

test('while frames are painted only frame samples come; when painting stops, coarse samples take over', async () => {
  const video = document.body.appendChild(makeVideo(document));
  const media = stubMedia(video, { paused: false, currentTime: 40 });
  const frames = withFrameCallbacks(video);
  const samples: FrameSample[] = [];
  frameSamples(video, controller.signal, (s) => samples.push(s));
  frames.paint(40.01);
  video.dispatchEvent(new Event('timeupdate'));
  expect(samples).toEqual([{ mediaTime: 40.01, displayTime: expect.any(Number) }]);
  // No frame for longer than 300 ms (a background tab): currentTime readings follow.
  media.currentTime = 40.5;
  await until(() => samples.some((s) => s.coarse === true));
  expect(samples.filter((s) => s.coarse === true).every((s) => s.mediaTime === 40.5)).toBe(true);
  // Painting again: coarse samples stop at once.
  const before = samples.length;
  frames.paint(40.6);
  video.dispatchEvent(new Event('timeupdate'));
  expect(samples.slice(before)).toEqual([{ mediaTime: 40.6, displayTime: expect.any(Number) }]);
});
