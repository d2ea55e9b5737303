/**
 * @jest-environment jsdom
 *
 * The frame session against a fake background: the extension runtime (runtime.sendMessage,
 * runtime.onMessage) cannot run in jsdom, so webextension-polyfill is replaced by a small fake
 * that routes messages to `background` below. The engine, finder and adapter are the real ones;
 * time is jest's fake timers (the session and its shell run on the page's timers).
 */
import type { FrameSync } from '../../../extension/messages';
import type { Timeline } from '../../../relay/contract/protocol';

type Listener = (message: unknown) => Promise<unknown> | undefined;
const runtime = {
  id: 'lockstep-test' as string | undefined,
  listeners: new Set<Listener>(),
  sent: [] as Array<{ type: string; payload: unknown }>,
  answer: (_m: { type: string; payload: unknown }): unknown => null,
};
jest.mock('webextension-polyfill', () => ({
  runtime: {
    get id() {
      return runtime.id;
    },
    sendMessage: (message: { type: string; payload: unknown }) => {
      if (runtime.id === undefined) return Promise.reject(new Error('Extension context invalidated.'));
      runtime.sent.push(message);
      return Promise.resolve(runtime.answer(message));
    },
    onMessage: {
      addListener: (l: Listener) => runtime.listeners.add(l),
      removeListener: (l: Listener) => runtime.listeners.delete(l),
    },
  },
}));

import { adapterFor } from '../../../extension/content/adapters/index';
import { LOST_GRACE_MS, startFrameSession } from '../../../extension/content/frame-session';
import { takeInvite } from '../../../extension/content/invite-landing';
import { createSender } from '../../../extension/content/messaging';
import { makeVideo, stubMedia } from './dom-stubs';

/** Lets `ms` of fake time pass, running the timers and the promise jobs they start. */
const settle = (ms = 80): Promise<void> => jest.advanceTimersByTimeAsync(ms);

const timeline: Timeline = {
  media: null,
  paused: true,
  position: 20,
  rate: 1,
  setAt: Date.now(),
  seq: 3,
  waitingFor: [],
  holdUntil: null,
  by: null,
};
const sync: FrameSync = {
  code: 'ABCDEFGHJKMNPQ',
  memberId: 'm1',
  role: 'host',
  settings: { controlMode: 'everyone', waitPolicy: 'wait', navigationPolicy: 'ask' },
  timeline,
  connected: true,
  follows: true,
};

function deliver(type: string, payload: unknown): unknown[] {
  return [...runtime.listeners].map((l) => l({ type, payload }));
}
const sentTypes = (): string[] => runtime.sent.map((m) => m.type);

let life: AbortController;
let invalidated: number;

beforeEach(() => {
  jest.useFakeTimers();
  document.body.innerHTML = '';
  runtime.id = 'lockstep-test';
  runtime.sent = [];
  runtime.answer = (m) => {
    if (m.type === 'video') return { ok: true, data: { owner: (m.payload as { present: boolean }).present, sync } };
    if (m.type === 'timePing') return { ok: true, data: { relayTime: Date.now() } };
    if (m.type === 'control') return { ok: true, data: { ...timeline, paused: false, setAt: Date.now(), seq: timeline.seq + 1 } };
    return { ok: true, data: null };
  };
  life = new AbortController();
  invalidated = 0;
});
afterEach(() => {
  life.abort();
  jest.useRealTimers();
});

function start(): ReturnType<typeof startFrameSession> {
  const send = createSender(() => {
    invalidated += 1;
    life.abort();
  });
  return startFrameSession({ win: window, factory: adapterFor(location.href), send, signal: life.signal });
}

test("takeInvite removes the invite from the URL (keeping the page's own fragment) and returns the link", () => {
  history.replaceState(null, '', '/watch?v=1#t=5&lockstep=ABCDEFGHJKMNPQ&relay=https%3A%2F%2Frelay.example');
  const invite = takeInvite(window);
  expect(invite).toContain('lockstep=ABCDEFGHJKMNPQ');
  expect(location.href).toBe('http://localhost/watch?v=1#t=5');
  expect(takeInvite(window)).toBeNull();
});

test('reports the video; as owner in a room it seeks the player to the room position and pings the clock', async () => {
  const video = document.body.appendChild(makeVideo(document));
  const media = stubMedia(video);
  const session = start();
  await settle(20);
  expect(runtime.sent[0]).toEqual({
    type: 'video',
    payload: { present: true, media: expect.objectContaining({ url: location.href }) as unknown, area: 640 * 360, played: false },
  });
  expect(session.phase()).toBe('syncing');
  await settle(600); // the clock burst (120 ms apart)
  expect(sentTypes().filter((t) => t === 'timePing').length).toBeGreaterThanOrEqual(3);
  expect(Math.abs(media.currentTime - 20)).toBeLessThan(0.5);
});

test('sync null (left the room / lost ownership) stops the engine and the pings; background messages are answered', async () => {
  document.body.appendChild(makeVideo(document));
  stubMedia(document.querySelector('video') as HTMLVideoElement);
  const session = start();
  await settle(20);
  const answers = deliver('sync', null);
  await expect(answers[0]).resolves.toBeNull();
  expect(session.phase()).toBe('candidate');
  await settle(150);
  const pings = sentTypes().filter((t) => t === 'timePing').length;
  await settle(400);
  expect(sentTypes().filter((t) => t === 'timePing').length).toBe(pings);
});

test('asked to report (the tab started loading), the frame reports its video again and keeps syncing', async () => {
  document.body.appendChild(makeVideo(document));
  stubMedia(document.querySelector('video') as HTMLVideoElement);
  const session = start();
  await settle(20);
  const reports = (): number => sentTypes().filter((t) => t === 'video').length;
  expect(reports()).toBe(1);
  await expect(deliver('report', null)[0]).resolves.toBeNull();
  await settle(20);
  expect(reports()).toBe(2);
  expect(runtime.sent.filter((m) => m.type === 'video')[1]?.payload).toMatchObject({ present: true, area: 640 * 360 });
  expect(session.phase()).toBe('syncing');
});

test('a replaced video is reported again and the old element is let go', async () => {
  const first = document.body.appendChild(makeVideo(document));
  stubMedia(first);
  const session = start();
  await settle(20);
  const old = session.adapter();
  first.remove();
  const second = document.body.appendChild(makeVideo(document));
  stubMedia(second);
  await settle(120);
  expect(session.adapter()).not.toBe(old);
  expect(runtime.sent.filter((m) => m.type === 'video').length).toBeGreaterThanOrEqual(2);
  const seen: string[] = [];
  old?.subscribe((e) => seen.push(e));
  first.dispatchEvent(new Event('play'));
  expect(seen).toEqual([]);
});

test('"Extension context invalidated": everything is torn down once, quietly', async () => {
  const video = document.body.appendChild(makeVideo(document));
  stubMedia(video);
  const session = start();
  await settle(20);
  runtime.id = undefined;
  const warn = jest.spyOn(console, 'warn');
  await settle(300); // the next ping finds the context gone
  expect(invalidated).toBe(1);
  expect(session.phase()).toBe('none');
  expect(runtime.listeners.size).toBe(0);
  expect(warn).not.toHaveBeenCalled();
  warn.mockRestore();
});

test('the background\'s "prompt" reaches the prompt host; the session shows nothing in the page and navigates nowhere', async () => {
  document.body.appendChild(makeVideo(document));
  const told: boolean[] = [];
  const send = createSender(() => life.abort());
  startFrameSession({ win: window, factory: adapterFor(location.href), send, signal: life.signal, onPrompt: (shown) => told.push(shown) });
  await settle(20);
  const before = location.href;
  const html = document.documentElement.outerHTML;
  deliver('prompt', true);
  deliver('prompt', false);
  expect(told).toEqual([true, false]);
  // What used to make a frame navigate is no message of the background's any more: nobody answers it.
  expect(deliver('navigate', { media: { url: 'http://localhost/next', title: 'Episode 2', duration: null }, ask: false })).toEqual([
    undefined,
  ]);
  await settle(100);
  expect(location.href).toBe(before);
  expect(document.documentElement.outerHTML).toBe(html);
});

test("a user action on the owned video becomes a control request; the room's answer is applied", async () => {
  const video = document.body.appendChild(makeVideo(document));
  stubMedia(video);
  const session = start();
  await settle(600); // clock burst done, player held at the room position
  runtime.sent = [];
  await video.play(); // the user presses play
  await settle(50);
  const control = runtime.sent.find((m) => m.type === 'control');
  expect(control?.payload).toMatchObject({ action: 'play' });
  // No echo: the engine's own seek to the room position (before) sent no control.
  expect(runtime.sent.filter((m) => m.type === 'control')).toHaveLength(1);
  expect(session.phase()).toBe('syncing');
  await settle(300);
  expect(video.paused).toBe(false); // the answer (a playing timeline) keeps it playing
});

test('a user action the room cannot take yet (worker waking) is retried, and not undone meanwhile', async () => {
  const video = document.body.appendChild(makeVideo(document));
  stubMedia(video);
  start();
  await settle(600);
  let refusals = 6; // ~3 s of "unavailable" at the 500 ms retry pace: longer than the engine's own 2 s hold
  const answer = runtime.answer;
  runtime.answer = (m) => {
    if (m.type === 'control' && refusals > 0) {
      refusals -= 1;
      return { ok: false, error: 'unavailable', message: 'relay reconnecting' };
    }
    return answer(m);
  };
  runtime.sent = [];
  await video.play(); // the user presses play while the room is unreachable
  await settle(2500);
  expect(video.paused).toBe(false); // not put back on the old (paused) timeline
  await settle(1200);
  expect(runtime.sent.filter((m) => m.type === 'control').length).toBe(7);
  expect(video.paused).toBe(false);
});

test('after a user action that had to be sent again, the next timeline moves the player at once', async () => {
  const video = document.body.appendChild(makeVideo(document));
  const media = stubMedia(video);
  start();
  await settle(600);
  let refusals = 6; // ~3 s: past the engine's own 2 s wait for an answer
  runtime.answer = ((answer) => (m) => {
    if (m.type !== 'control') return answer(m);
    if (refusals-- > 0) return { ok: false, error: 'relay_unreachable', message: 'relay reconnecting' };
    return {
      ok: true,
      data: { ...timeline, position: (m.payload as { position: number }).position, setAt: Date.now(), seq: timeline.seq + 1 },
    };
  })(runtime.answer);
  video.currentTime = 50; // the user seeks while the relay is unreachable
  await settle(3300);
  expect(media.currentTime).toBe(50); // held as the user left it, then taken by the room
  deliver('timeline', { ...timeline, position: 30, setAt: Date.now(), seq: timeline.seq + 2 }); // someone else seeks
  await settle(300);
  expect(media.currentTime).toBe(30);
});

test('a refused user action (not allowed) is not retried; the player goes back to the room', async () => {
  const video = document.body.appendChild(makeVideo(document));
  stubMedia(video);
  start();
  await settle(600);
  const answer = runtime.answer;
  runtime.answer = (m) => (m.type === 'control' ? { ok: false, error: 'not_host', message: 'Only the host may do that.' } : answer(m));
  const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
  runtime.sent = [];
  await video.play();
  await settle(2600); // past the engine's own wait for an answer (2 s)
  expect(runtime.sent.filter((m) => m.type === 'control')).toHaveLength(1);
  expect(video.paused).toBe(true);
  info.mockRestore();
});

test("duration news is reported: known at last or a new source at once, a moving live window at most every 10 s, never an ad's", async () => {
  document.body.innerHTML = '<div class="html5-video-player"></div>';
  const video = (document.querySelector('.html5-video-player') as HTMLElement).appendChild(makeVideo(document));
  stubMedia(video);
  let duration = NaN;
  let src = 'https://v.example/one';
  Object.defineProperties(video, {
    duration: { get: () => duration, configurable: true },
    currentSrc: { get: () => src, configurable: true },
  });
  startFrameSession({
    win: window,
    factory: adapterFor('https://www.youtube.com/watch?v=one'),
    send: createSender(() => undefined),
    signal: life.signal,
  });
  await settle(20);
  const reported = (): Array<number | null> =>
    runtime.sent.filter((m) => m.type === 'video').map((m) => (m.payload as { media: { duration: number | null } }).media.duration);
  const change = async (d: number): Promise<void> => {
    duration = d;
    video.dispatchEvent(new Event('durationchange'));
    await settle(5);
  };
  expect(reported()).toEqual([null]);
  await change(90); // metadata loaded
  await change(90.4); // the same, give or take
  expect(reported()).toEqual([null, 90]);
  src = 'https://v.example/two';
  await change(20); // another source
  await change(35); // a live window moving: too soon after the last report
  expect(reported()).toEqual([null, 90, 20]);
  video.parentElement?.classList.add('ad-showing');
  await settle(5);
  src = 'https://ads.example/ad';
  await change(15); // the ad's own duration
  expect(reported()).toEqual([null, 90, 20]);
  await expect(deliver('report', null)[0]).resolves.toBeNull(); // a report during the ad: duration unknown
  await settle(5);
  expect(reported()).toEqual([null, 90, 20, null]);
});

test('a video that leaves the page and comes back (miniplayer, re-mount) keeps the same shell; one gone for good is reported lost after the grace', async () => {
  const video = document.body.appendChild(makeVideo(document));
  stubMedia(video);
  const session = start();
  await settle(600);
  const shell = session.shell();
  const reports = (): unknown[] => runtime.sent.filter((m) => m.type === 'video').map((m) => m.payload);
  const before = reports().length;
  video.remove();
  await settle(200);
  expect(session.phase()).toBe('syncing'); // nothing said yet: it may come back
  expect(reports()).toHaveLength(before);
  const mini = document.body.appendChild(document.createElement('div'));
  mini.appendChild(video);
  await settle(200);
  expect(session.shell()).toBe(shell); // the same engine: its clock estimate and what it learned stay
  expect(session.adapter()).not.toBeNull();
  video.remove();
  await settle(LOST_GRACE_MS - 100);
  expect(session.phase()).toBe('syncing');
  expect(reports().at(-1)).toMatchObject({ present: true });
  await settle(200);
  expect(session.phase()).toBe('none');
  expect(reports().at(-1)).toMatchObject({ present: false });
});

test('the pause a removed element makes is no control; the re-created element takes over the same shell', async () => {
  const first = document.body.appendChild(makeVideo(document));
  stubMedia(first);
  const session = start();
  await settle(600);
  await first.play();
  await settle(50);
  runtime.sent = [];
  const shell = session.shell();
  first.remove();
  first.pause(); // the browser pauses a detached element
  const second = document.body.appendChild(makeVideo(document));
  stubMedia(second);
  await settle(200);
  expect(runtime.sent.filter((m) => m.type === 'control')).toEqual([]);
  expect(session.shell()).toBe(shell);
});
