/** @jest-environment jsdom */
import { createGenericAdapter } from '../../../extension/content/adapters/generic';
import { createYoutubeAdapter, youtubeVideoId } from '../../../extension/content/adapters/youtube';
import { isTwitchVod } from '../../../extension/content/adapters/twitch';
import type { PlayerEvent } from '../../../extension/core/player';
import { makeVideo, settle, stubMedia } from './dom-stubs';

let controller: AbortController;
beforeEach(() => {
  document.body.innerHTML = '';
  controller = new AbortController();
});
afterEach(() => controller.abort());

describe('generic adapter', () => {
  test.each([
    ['play', 'play'],
    ['pause', 'pause'],
    ['seeking', 'seeking'],
    ['seeked', 'seeked'],
    ['ratechange', 'ratechange'],
    ['waiting', 'waiting'],
    ['playing', 'playing'],
    ['ended', 'ended'],
  ])("the element's %s event becomes %s", (domEvent, expected) => {
    const video = document.body.appendChild(makeVideo(document));
    const adapter = createGenericAdapter(video, controller.signal);
    const seen: PlayerEvent[] = [];
    adapter.subscribe((e) => seen.push(e));
    video.dispatchEvent(new Event(domEvent));
    expect(seen).toEqual([expected]);
  });

  test('a new source in the same element is a media-change', () => {
    const video = document.body.appendChild(makeVideo(document));
    video.src = 'http://127.0.0.1/one.webm';
    const adapter = createGenericAdapter(video, controller.signal);
    const seen: PlayerEvent[] = [];
    adapter.subscribe((e) => seen.push(e));
    video.src = 'http://127.0.0.1/two.webm';
    video.dispatchEvent(new Event('loadstart'));
    expect(seen).toEqual(['media-change']);
  });

  test('read() reports the element; play/pause/seek/setRate drive it, rate clamped, pitch preserved', async () => {
    const video = document.body.appendChild(makeVideo(document));
    const media = stubMedia(video, { currentTime: 12 });
    const adapter = createGenericAdapter(video, controller.signal);
    expect(adapter.read()).toMatchObject({ paused: true, position: 12, rate: 1, duration: 60, buffering: false, ad: false });
    await adapter.play();
    expect(media.paused).toBe(false);
    adapter.seek(-3);
    expect(media.currentTime).toBe(0);
    adapter.setRate(5);
    expect(media.playbackRate).toBe(2);
    expect(video.preservesPitch).toBe(true);
    media.readyState = 1;
    expect(adapter.read().buffering).toBe(true);
    adapter.pause();
    expect(adapter.read().paused).toBe(true);
  });

  test("dispose (or the owner's abort) ends the event stream", () => {
    const video = document.body.appendChild(makeVideo(document));
    const adapter = createGenericAdapter(video, controller.signal);
    const seen: PlayerEvent[] = [];
    adapter.subscribe((e) => seen.push(e));
    adapter.dispose();
    video.dispatchEvent(new Event('play'));
    expect(seen).toEqual([]);
  });
});

describe('YouTube adapter', () => {
  function player(): { container: HTMLDivElement; video: HTMLVideoElement } {
    const container = document.body.appendChild(document.createElement('div'));
    container.className = 'html5-video-player';
    const video = container.appendChild(makeVideo(document));
    stubMedia(video);
    return { container, video };
  }

  test('the ad-showing class on the player container is an ad: ad-start/ad-end and read().ad', async () => {
    const { container, video } = player();
    const adapter = createYoutubeAdapter(video, controller.signal);
    const seen: PlayerEvent[] = [];
    adapter.subscribe((e) => seen.push(e));
    container.classList.add('ad-showing');
    await settle(0);
    expect(adapter.read().ad).toBe(true);
    container.classList.add('playing-mode'); // other class changes are no news
    container.classList.remove('ad-showing');
    await settle(0);
    expect(adapter.read().ad).toBe(false);
    expect(seen).toEqual(['ad-start', 'ad-end']);
  });

  test("SPA navigation to another video id is a media-change; the element's own src swaps are not", () => {
    const { video } = player();
    history.replaceState({}, '', '/watch?v=one');
    const adapter = createYoutubeAdapter(video, controller.signal);
    const seen: PlayerEvent[] = [];
    adapter.subscribe((e) => seen.push(e));
    video.src = 'blob:http://localhost/ad';
    video.dispatchEvent(new Event('loadstart'));
    document.dispatchEvent(new Event('yt-navigate-finish')); // same video id
    history.pushState({}, '', '/watch?v=two');
    document.dispatchEvent(new Event('yt-navigate-finish'));
    expect(seen).toEqual(['media-change']);
    expect(adapter.media().url).toContain('v=two');
  });

  test.each([
    ['https://www.youtube.com/watch?v=abc&t=30', 'abc'],
    ['https://www.youtube.com/shorts/xyz', 'xyz'],
    ['https://www.youtube.com/embed/e1?autoplay=1', 'e1'],
  ])('video id of %s is %s', (href, id) => expect(youtubeVideoId(href)).toBe(id));
});

test.each([
  ['https://www.twitch.tv/videos/123456', true],
  ['https://www.twitch.tv/somechannel', false],
])('Twitch: %s is a VOD: %s', (href, vod) => expect(isTwitchVod(href)).toBe(vod));

describe('site adapters: only what differs', () => {
  test('Twitch live: seeking does nothing and the duration is unknown; a VOD seeks', async () => {
    const { createTwitchAdapter } = await import('../../../extension/content/adapters/twitch');
    const video = document.body.appendChild(makeVideo(document));
    const media = stubMedia(video, { currentTime: 100 });
    history.replaceState(null, '', '/somechannel');
    const live = createTwitchAdapter(video, controller.signal);
    live.seek(5);
    expect(media.currentTime).toBe(100);
    expect(live.read().duration).toBeNull();
    history.replaceState(null, '', '/videos/123');
    live.seek(5);
    expect(media.currentTime).toBe(5);
  });

  test('Disney+: the title comes from the player overlay, not document.title', async () => {
    const { createDisneyAdapter } = await import('../../../extension/content/adapters/disney');
    document.title = 'Disney+';
    document.body.innerHTML = '<div class="title-field">The Episode</div>';
    const adapter = createDisneyAdapter(document.body.appendChild(makeVideo(document)), controller.signal);
    expect(adapter.media().title).toBe('The Episode');
  });

  test('Prime Video accepts only visible blob: sources', async () => {
    const { primeAccepts } = await import('../../../extension/content/adapters/prime');
    const http = Object.assign(makeVideo(document), { src: 'https://cdn.example/trailer.mp4' });
    const blob = Object.assign(makeVideo(document), { src: 'blob:https://www.primevideo.com/1' });
    const hidden = Object.assign(makeVideo(document), { src: 'blob:https://www.primevideo.com/2' });
    hidden.style.visibility = 'hidden';
    document.body.append(http, blob, hidden);
    expect([http, blob, hidden].map(primeAccepts)).toEqual([false, true, false]);
  });
});

test('Twitch: a live channel page offers no room video; a VOD page does', async () => {
  const { twitch } = await import('../../../extension/content/adapters/twitch');
  const video = makeVideo(document);
  history.replaceState(null, '', '/somechannel');
  expect(twitch.accepts?.(video)).toBe(false);
  history.replaceState(null, '', '/videos/42');
  expect(twitch.accepts?.(video)).toBe(true);
});
