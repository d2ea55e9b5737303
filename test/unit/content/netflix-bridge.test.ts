/** @jest-environment jsdom */
import { COMMAND_EVENT, decodeCommand, decodeReply, REPLY_EVENT } from '../../../extension/content/netflix-bridge';
import { createNetflixAdapter } from '../../../extension/content/adapters/netflix';
import { makeVideo, settle, stubMedia } from './dom-stubs';

describe('protocol', () => {
  test.each([
    [JSON.stringify({ nonce: 'n', id: 1, op: 'seek', ms: 1500 }), { nonce: 'n', id: 1, op: 'seek', ms: 1500 }],
    [JSON.stringify({ nonce: 'n', id: 2, op: 'play' }), { nonce: 'n', id: 2, op: 'play' }],
    [JSON.stringify({ nonce: 'n', id: 3, op: 'seek' }), null], // seek without ms
    [JSON.stringify({ nonce: 'n', id: 3, op: 'seek', ms: -1 }), null],
    [JSON.stringify({ nonce: 'n', id: 4, op: 'eval' }), null],
    [JSON.stringify({ id: 5, op: 'play' }), null],
    [{ nonce: 'n', id: 6, op: 'play' }, null], // objects do not cross worlds: strings only
    ['not json', null],
  ])('command %p decodes to %p', (detail, expected) => expect(decodeCommand(detail)).toEqual(expected));

  test('oversized details are dropped unread', () => {
    expect(decodeCommand(JSON.stringify({ nonce: 'n', id: 1, op: 'play', pad: 'x'.repeat(2000) }))).toBeNull();
  });

  test('replies carry ok and an optional error', () => {
    expect(decodeReply(JSON.stringify({ nonce: 'n', id: 1, ok: false, error: 'no session' }))).toEqual({
      nonce: 'n',
      id: 1,
      ok: false,
      error: 'no session',
    });
    expect(decodeReply(JSON.stringify({ nonce: 'n', id: 1 }))).toBeNull();
  });
});

describe('isolated adapter ↔ MAIN-world script', () => {
  const calls: string[] = [];
  beforeAll(async () => {
    const player = {
      seek: (ms: number) => calls.push(`seek ${ms}`),
      play: () => calls.push('play'),
      pause: () => calls.push('pause'),
      getCurrentTime: () => 0,
    };
    const videoPlayer = {
      getAllPlayerSessionIds: () => ['preview-1', 'watch-42'],
      getVideoPlayerBySessionId: (id: string) => (id === 'watch-42' ? player : null),
    };
    Object.assign(window, { netflix: { appContext: { state: { playerApp: { getAPI: () => ({ videoPlayer }) } } } } });
    // The MAIN-world script registers its listener on import, as the manifest's injection would run it.
    await import('../../../extension/content/netflix-main');
  });

  test("play, seek (in ms) and pause reach the watch session's player API; the element is never touched", async () => {
    const controller = new AbortController();
    const video = document.body.appendChild(makeVideo(document));
    const media = stubMedia(video, { currentTime: 7 });
    const touched: string[] = [];
    for (const type of ['seeking', 'play']) video.addEventListener(type, () => touched.push(type));
    const adapter = createNetflixAdapter(video, controller.signal);
    await adapter.play();
    adapter.seek(12.5);
    adapter.pause();
    await settle(20);
    expect(calls).toEqual(['play', 'seek 12500', 'pause']);
    expect(touched).toEqual([]);
    expect(media.currentTime).toBe(7);
    controller.abort();
  });

  test('a new adapter for a replaced element (the next episode) is answered too', async () => {
    calls.length = 0;
    for (const position of [30, 60]) {
      const controller = new AbortController();
      const video = document.body.appendChild(makeVideo(document));
      stubMedia(video);
      const adapter = createNetflixAdapter(video, controller.signal);
      await adapter.play();
      adapter.seek(position);
      await settle(20);
      controller.abort();
      video.remove();
    }
    expect(calls).toEqual(['play', 'seek 30000', 'play', 'seek 60000']);
  });

  test('a command with another nonce (a page script posing as the adapter) is ignored', async () => {
    const replies: unknown[] = [];
    const onReply = (e: Event): void => {
      replies.push((e as CustomEvent<unknown>).detail);
    };
    document.addEventListener(REPLY_EVENT, onReply);
    calls.length = 0;
    document.dispatchEvent(new CustomEvent(COMMAND_EVENT, { detail: JSON.stringify({ nonce: 'forged', id: 1, op: 'seek', ms: 0 }) }));
    await settle(20);
    document.removeEventListener(REPLY_EVENT, onReply);
    expect(calls).toEqual([]);
    expect(replies).toEqual([]);
  });
});
