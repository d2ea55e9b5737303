/** @jest-environment jsdom */
/**
 * The Netflix bridge: its protocol, and the isolated adapter against the real MAIN-world script in
 * one jsdom document (both "worlds" share it, as they share the page's DOM), with a page's
 * script's every trick: listening on document and window, forging hellos, READY, commands and
 * replies in the bridge's shapes.
 */
import {
  COMMAND_EVENT,
  decodeCommand,
  decodeHello,
  decodeReply,
  HELLO_EVENT,
  READY_EVENT,
  REPLY_EVENT,
} from '../../../extension/content/netflix-bridge';
import { createNetflixAdapter, createNetflixBridge, openNetflixChannel } from '../../../extension/content/adapters/netflix';
import { makeVideo, settle, stubMedia } from './dom-stubs';

describe('protocol', () => {
  test.each([
    [JSON.stringify({ nonce: 'n', id: 1, op: 'seek', ms: 1500 }), { nonce: 'n', id: 1, op: 'seek', ms: 1500 }],
    [JSON.stringify({ nonce: 'n', id: 2, op: 'play' }), { nonce: 'n', id: 2, op: 'play' }],
    [JSON.stringify({ nonce: 'n', id: 3, op: 'seek' }), null], // seek without ms
    [JSON.stringify({ nonce: 'n', id: 3, op: 'seek', ms: -1 }), null],
    [JSON.stringify({ nonce: 'n', id: 4, op: 'eval' }), null],
    [JSON.stringify({ id: 5, op: 'play' }), null],
    [JSON.stringify({ nonce: 'n', id: 0, op: 'play' }), null], // id 0 is the hello's
    [JSON.stringify({ nonce: 'n', id: 1.5, op: 'play' }), null],
    [JSON.stringify({ nonce: 'n', id: 1, op: 'hello' }), null], // a hello is not a command
    [JSON.stringify({ nonce: 'n', id: 1, op: 'navigate', url: 'https://evil.example/' }), null],
    [JSON.stringify({ nonce: 'n', id: 1, op: 'join', code: '7K3QX9M2C4TDHA' }), null],
    [{ nonce: 'n', id: 6, op: 'play' }, null], // objects do not cross worlds: strings only
    ['not json', null],
  ])('command %p decodes to %p', (detail, expected) => expect(decodeCommand(detail)).toEqual(expected));

  test('oversized details are dropped unread', () => {
    expect(decodeCommand(JSON.stringify({ nonce: 'n', id: 1, op: 'play', pad: 'x'.repeat(2000) }))).toBeNull();
  });

  test.each([
    [JSON.stringify({ nonce: 'a'.repeat(32) }), { nonce: 'a'.repeat(32) }],
    [JSON.stringify({ nonce: 'short' }), null],
    [JSON.stringify({ nonce: 'A'.repeat(32) }), null],
    [JSON.stringify({}), null],
    ['{', null],
  ])('hello %p decodes to %p (a nonce is 32 hex digits)', (detail, expected) => expect(decodeHello(detail)).toEqual(expected));

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

  /** What a page's script hears on document and window, capturing, of the bridge's events. */
  function eavesdrop(): { heard: string[]; stop(): void } {
    const heard: string[] = [];
    const types = [HELLO_EVENT, READY_EVENT, COMMAND_EVENT, REPLY_EVENT];
    const onEvent = (e: Event): void => void heard.push(`${e.type} ${String((e as CustomEvent<unknown>).detail)}`);
    for (const t of types) {
      window.addEventListener(t, onEvent, true);
      document.addEventListener(t, onEvent, true);
    }
    return {
      heard,
      stop: () => {
        for (const t of types) {
          window.removeEventListener(t, onEvent, true);
          document.removeEventListener(t, onEvent, true);
        }
      },
    };
  }

  test("the page hears nothing of the commands and replies (they travel on a detached element), nor the channel's nonce", async () => {
    const page = eavesdrop();
    calls.length = 0;
    const bridge = createNetflixBridge(new AbortController().signal);
    await bridge.send('seek', 4000);
    await bridge.send('pause');
    page.stop();
    expect(calls).toEqual(['seek 4000', 'pause']);
    expect(page.heard).toEqual([]);
    expect(document.querySelector('lockstep-netflix')).toBeNull();
    expect(document.documentElement.outerHTML).not.toContain(openNetflixChannel(document).nonce);
  });

  test('commands in the old shape on document are not run, whatever their nonce (the real one included)', async () => {
    const replies: unknown[] = [];
    const onReply = (e: Event): void => void replies.push((e as CustomEvent<unknown>).detail);
    document.addEventListener(REPLY_EVENT, onReply);
    calls.length = 0;
    const { nonce } = openNetflixChannel(document);
    for (const n of ['forged', nonce])
      document.dispatchEvent(new CustomEvent(COMMAND_EVENT, { detail: JSON.stringify({ nonce: n, id: 7, op: 'seek', ms: 0 }) }));
    window.dispatchEvent(new CustomEvent(COMMAND_EVENT, { detail: JSON.stringify({ nonce, id: 8, op: 'play' }) }));
    await settle(20);
    document.removeEventListener(REPLY_EVENT, onReply);
    expect(calls).toEqual([]);
    expect(replies).toEqual([]);
  });

  test("a page's own hello (after the channel opened) opens no second channel: its commands are not run", async () => {
    calls.length = 0;
    const forged = document.body.appendChild(document.createElement('div'));
    const replies: unknown[] = [];
    forged.addEventListener(REPLY_EVENT, (e) => void replies.push((e as CustomEvent<unknown>).detail));
    const nonce = 'b'.repeat(32);
    forged.dispatchEvent(new CustomEvent(HELLO_EVENT, { bubbles: true, detail: JSON.stringify({ nonce }) }));
    forged.dispatchEvent(new CustomEvent(COMMAND_EVENT, { detail: JSON.stringify({ nonce, id: 1, op: 'seek', ms: 99_000 }) }));
    await settle(20);
    expect(replies).toEqual([]);
    expect(calls).toEqual([]);
    forged.remove();
  });

  test('on the channel itself, only a reply to a command sent, with its nonce and id, settles it', async () => {
    const channel = openNetflixChannel(document);
    const node = channel.node as Element;
    const sent: string[] = [];
    const onCommand = (e: Event): void => {
      e.stopImmediatePropagation(); // stand in for the MAIN side: nothing is run, the test answers
      sent.push(String((e as CustomEvent<unknown>).detail));
    };
    node.addEventListener(COMMAND_EVENT, onCommand, true);
    let settled: string | null = null;
    const pending = createNetflixBridge(new AbortController().signal, channel)
      .send('play')
      .then(
        () => (settled = 'resolved'),
        (e: Error) => (settled = e.message),
      );
    const { id } = JSON.parse(sent[0] ?? '{}') as { id: number };
    const reply = (body: object): boolean =>
      node.dispatchEvent(new CustomEvent(REPLY_EVENT, { detail: JSON.stringify({ nonce: channel.nonce, id, ok: true, ...body }) }));
    reply({ nonce: 'forged' });
    reply({ id: id + 100 });
    reply({ id: 0 }); // a second "hello answered"
    document.dispatchEvent(new CustomEvent(REPLY_EVENT, { detail: JSON.stringify({ nonce: channel.nonce, id, ok: true }) }));
    await settle(20);
    expect(settled).toBeNull();
    reply({ ok: false, error: 'no session' });
    await pending;
    expect(settled).toBe('Netflix player: no session');
    node.removeEventListener(COMMAND_EVENT, onCommand, true);
  });

  test('a forged READY once the channel is open sends no new hello', () => {
    const page = eavesdrop();
    document.dispatchEvent(new CustomEvent(READY_EVENT));
    page.stop();
    expect(page.heard.length).toBeGreaterThan(0); // it heard its own READY (on window and document)
    expect(page.heard.filter((h) => !h.startsWith(READY_EVENT))).toEqual([]);
  });
});

describe('the content script before the MAIN-world script (either may run first at document_start)', () => {
  test('the hello goes again when the MAIN script announces itself, and the channel opens', async () => {
    const calls: string[] = [];
    const player = { seek: (ms: number) => calls.push(`seek ${ms}`), play: () => calls.push('play'), pause: () => calls.push('pause') };
    const videoPlayer = { getAllPlayerSessionIds: () => ['watch-1'], getVideoPlayerBySessionId: () => player };
    Object.assign(window, { netflix: { appContext: { state: { playerApp: { getAPI: () => ({ videoPlayer }) } } } } });
    let isolated!: typeof import('../../../extension/content/adapters/netflix');
    jest.isolateModules(() => {
      isolated = jest.requireActual('../../../extension/content/adapters/netflix');
    });
    const channel = isolated.openNetflixChannel(document);
    expect(channel.node).toBeNull(); // the MAIN side of the describe above has its channel: no answer
    await expect(isolated.createNetflixBridge(new AbortController().signal, channel).send('play')).rejects.toThrow(/not connected/);
    jest.isolateModules(() => {
      jest.requireActual('../../../extension/content/netflix-main');
    });
    expect(channel.node).not.toBeNull();
    await isolated.createNetflixBridge(new AbortController().signal, channel).send('seek', 1000);
    expect(calls).toEqual(['seek 1000']);
  });

  test('with no MAIN script, a page forging READY gets one more hello at most', () => {
    let isolated!: typeof import('../../../extension/content/adapters/netflix');
    jest.isolateModules(() => {
      isolated = jest.requireActual('../../../extension/content/adapters/netflix');
    });
    const hellos: string[] = [];
    const onHello = (e: Event): void => void hellos.push(String((e as CustomEvent<unknown>).detail));
    document.addEventListener(HELLO_EVENT, onHello, true);
    // Every MAIN copy loaded so far has its channel already: none answers.
    isolated.openNetflixChannel(document, 'c'.repeat(32));
    for (let i = 0; i < 5; i++) document.dispatchEvent(new CustomEvent(READY_EVENT));
    document.removeEventListener(HELLO_EVENT, onHello, true);
    expect(hellos).toHaveLength(2);
  });
});
