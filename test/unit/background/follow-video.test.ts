/** A tab following its room's video: what it does with each decision of pages.ts followDecision. */
jest.mock('webextension-polyfill', () => ({ tabs: { get: jest.fn(), update: jest.fn() } }));
import browser from 'webextension-polyfill';
import { followRoomVideo, type FollowingPage } from '../../../extension/background/follow-video';
import type { Media } from '../../../relay/contract/protocol';

const tabs = browser.tabs as unknown as { get: jest.Mock; update: jest.Mock };
const media = (url: string): Media => ({ url, title: 'Next', duration: null });

function page(canAsk: boolean): FollowingPage & { asked: Media[] } {
  const asked: Media[] = [];
  return { asked, canAsk: () => canAsk, ask: (m) => asked.push(m) };
}

beforeEach(() => {
  tabs.get.mockReset().mockResolvedValue({ id: 4, url: 'https://video.example/watch?v=1' });
  tabs.update.mockReset().mockResolvedValue({});
});

test("same site, follow policy: the tab opens the room's video", async () => {
  const p = page(true);
  await followRoomVideo(4, media('https://video.example/watch?v=2'), false, p);
  expect(tabs.update).toHaveBeenCalledWith(4, { url: 'https://video.example/watch?v=2' });
  expect(p.asked).toEqual([]);
});

test('ask policy: the page asks, the tab stays', async () => {
  const p = page(true);
  await followRoomVideo(4, media('https://video.example/watch?v=2'), true, p);
  expect(p.asked).toEqual([media('https://video.example/watch?v=2')]);
  expect(tabs.update).not.toHaveBeenCalled();
});

test('already on it: nothing happens', async () => {
  const p = page(true);
  await followRoomVideo(4, media('https://video.example/watch?v=1#t=3'), false, p);
  expect(p.asked).toEqual([]);
  expect(tabs.update).not.toHaveBeenCalled();
});

test('another site and no frame to ask: refused, and said so in the log', async () => {
  const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
  await followRoomVideo(4, media('https://elsewhere.example/v/2'), false, page(false));
  expect(tabs.update).not.toHaveBeenCalled();
  expect(info).toHaveBeenCalledWith("Lockstep: not opening the room's video unasked", 'https://elsewhere.example/v/2');
  info.mockRestore();
});

test('a tab closed meanwhile: nothing happens', async () => {
  tabs.get.mockRejectedValue(new Error('No tab with id: 4.'));
  const p = page(true);
  await followRoomVideo(4, media('https://video.example/watch?v=2'), false, p);
  expect(p.asked).toEqual([]);
  expect(tabs.update).not.toHaveBeenCalled();
});
