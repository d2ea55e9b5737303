jest.mock('webextension-polyfill', () => ({}));
import { chooseOwner } from '../../../extension/background/owner';
import { TabFrames } from '../../../extension/background/frames';
import { classifySender, isEnvelope } from '../../../extension/background/senders';
import { followDecision, mediaTitle, sameVideoPage } from '../../../extension/background/pages';
import { messageFor } from '../../../extension/background/errors';
import { ErrorCode } from '../../../relay/contract/protocol';
import { LocalError, type VideoReport } from '../../../extension/messages';

const video = (area: number, played = false): VideoReport => ({ present: true, media: null, area, played });
const none: VideoReport = { present: false, media: null, area: 0, played: false };

describe('owner frame choice', () => {
  test.each<[string, Array<[number, VideoReport]>, number | null, number | null]>([
    ['no frames', [], null, null],
    [
      'no video anywhere',
      [
        [0, none],
        [3, none],
      ],
      null,
      null,
    ],
    [
      'the only video',
      [
        [0, none],
        [3, video(100)],
      ],
      null,
      3,
    ],
    [
      'bigger wins',
      [
        [0, video(100)],
        [3, video(900)],
      ],
      null,
      3,
    ],
    [
      'played beats bigger',
      [
        [0, video(100, true)],
        [3, video(900)],
      ],
      null,
      0,
    ],
    [
      'the owner keeps a tie',
      [
        [0, video(500)],
        [3, video(500)],
      ],
      3,
      3,
    ],
    [
      'a tie without owner goes to the first',
      [
        [0, video(500)],
        [3, video(500)],
      ],
      null,
      0,
    ],
    [
      'an owner that lost its video is replaced',
      [
        [0, none],
        [3, video(10)],
      ],
      0,
      3,
    ],
  ])('%s', (_name, reports, current, expected) => {
    expect(chooseOwner(new Map(reports), current)).toBe(expected);
  });

  test('TabFrames says when ownership moved, and forgets frames', () => {
    const f = new TabFrames();
    expect(f.report(0, video(100))).toEqual({ owner: 0, previous: null });
    expect(f.report(5, video(100, true))).toEqual({ owner: 5, previous: 0 });
    expect(f.ownerReport()?.played).toBe(true);
    expect(f.forget(5)).toEqual({ owner: 0, previous: 5 });
    f.clear();
    expect(f.hasVideo).toBe(false);
    const restored = TabFrames.from([[2, video(50)]], 2);
    expect(restored.owner).toBe(2);
    expect(restored.entries()).toEqual([[2, video(50)]]);
  });
});

describe('senders', () => {
  const origin = 'chrome-extension://abc/';
  test.each([
    ['popup', { url: 'chrome-extension://abc/popup.html?tab=3' }, 'extension'],
    ['popup opened in a tab', { url: 'chrome-extension://abc/popup.html?tab=3', tab: { id: 9 } as never, frameId: 0 }, 'extension'],
    ['content script', { url: 'https://example.com/', tab: { id: 9 } as never, frameId: 4 }, 'content'],
    ['another extension', { url: 'chrome-extension://zzz/x.html' }, 'unknown'],
    ['the room panel in a tab', { url: 'chrome-extension://abc/panel.html', tab: { id: 9 } as never, frameId: 12 }, 'embedded'],
    ['the reactions overlay in a tab', { url: 'chrome-extension://abc/reactions.html', tab: { id: 9 } as never, frameId: 3 }, 'embedded'],
    ['the prompt in a tab', { url: 'chrome-extension://abc/prompt.html', tab: { id: 9 } as never, frameId: 5 }, 'embedded'],
    [
      'the prompt as a tab of its own (not embedded)',
      { url: 'chrome-extension://abc/prompt.html', tab: { id: 9 } as never, frameId: 0 },
      'extension',
    ],
    [
      'the panel page opened as a tab of its own',
      { url: 'chrome-extension://abc/panel.html', tab: { id: 9 } as never, frameId: 0 },
      'extension',
    ],
    ['the panel page outside any tab', { url: 'chrome-extension://abc/panel.html' }, 'extension'],
    [
      'a page named like the panel on a web site',
      { url: 'https://evil.example/panel.html', tab: { id: 9 } as never, frameId: 2 },
      'content',
    ],
    ['no tab, no url', {}, 'unknown'],
    ['devtools pseudo tab', { url: 'https://example.com/', tab: { id: -1 } as never, frameId: 0 }, 'unknown'],
  ])('%s', (_name, sender, kind) => {
    expect(classifySender(sender, origin).kind).toBe(kind);
  });

  test.each([
    [{ type: 'video', payload: null }, true],
    [{ type: 'video' }, false],
    [{ type: 3, payload: null }, false],
    ['video', false],
    [null, false],
  ])('isEnvelope(%j) = %j', (message, expected) => {
    expect(isEnvelope(message)).toBe(expected);
  });
});

describe('pages', () => {
  test.each([
    ['https://a.example/watch?v=1', 'https://a.example/watch?v=1#lockstep=X', true],
    ['https://a.example/watch?v=1', 'https://a.example/watch?v=2', false],
    ['https://a.example/watch', 'http://a.example/watch', false],
    ['nonsense', 'https://a.example/', false],
  ])('sameVideoPage(%s, %s) = %s', (a, b, expected) => {
    expect(sameVideoPage(a, b)).toBe(expected);
  });
});

test('every error code has words', () => {
  for (const code of [...Object.values(ErrorCode), ...Object.values(LocalError)]) {
    expect(messageFor(code)).toMatch(/\w{3,}.*\.$/);
  }
});

describe('following the room to another video', () => {
  const page = 'https://video.example/watch?v=1';
  test.each<[string, string | undefined, string, boolean, boolean, string]>([
    ['already there (fragment ignored)', page, `${page}#t=3`, false, true, 'stay'],
    ['same site, follow policy: open', page, 'https://video.example/watch?v=2', false, true, 'open'],
    ['same site, ask policy: ask', page, 'https://video.example/watch?v=2', true, true, 'ask'],
    ['another site: asked even under follow', page, 'https://elsewhere.example/v/2', false, true, 'ask'],
    ['another site and no frame to ask: not opened', page, 'https://elsewhere.example/v/2', false, false, 'refuse'],
    ['the tab is not a web page: asked', 'about:blank', 'https://video.example/watch?v=2', false, true, 'ask'],
    ['not a web page: never opened', page, 'javascript:alert(1)', false, true, 'refuse'],
    ['a file URL: never opened', page, 'file:///etc/passwd', false, true, 'refuse'],
    ['garbage: never opened', page, 'not a url', false, true, 'refuse'],
    ['credentials hiding another host: never opened', page, 'https://video.example@evil.example/v', false, true, 'refuse'],
    ['credentials on the same site: never opened', page, 'https://u:p@video.example/watch?v=2', false, true, 'refuse'],
    ['a data URL: never opened', page, 'data:text/html,<h1>hi', false, true, 'refuse'],
  ])('%s', (_name, tabUrl, mediaUrl, askPolicy, canAsk, expected) => {
    expect(followDecision(tabUrl, mediaUrl, askPolicy, canAsk)).toBe(expected);
  });
});

test('mediaTitle: the first non-empty candidate, cut to the protocol limit', () => {
  expect(mediaTitle('', undefined, 'Tab title', 'https://v.example/')).toBe('Tab title');
  expect(mediaTitle(undefined, 'https://v.example/')).toBe('https://v.example/');
  expect(mediaTitle('x'.repeat(300))).toHaveLength(200);
  expect(mediaTitle('', undefined)).toBe('');
});
