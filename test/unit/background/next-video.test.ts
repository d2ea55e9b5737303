/** A tab bringing its room to its video: when a reported video is the room's next one, and how long its details still count. */
import { MEDIA_DETAILS_MS, NextVideo } from '../../../extension/background/next-video';

test("after leaving the room's video page, the next report is taken once; coming back to it cancels", () => {
  const next = new NextVideo();
  expect(next.takeLeftRoomVideo(4)).toBe(false);
  next.pageChanged(4, true);
  expect(next.takeLeftRoomVideo(5)).toBe(false); // another tab
  expect(next.takeLeftRoomVideo(4)).toBe(true);
  expect(next.takeLeftRoomVideo(4)).toBe(false);
  next.pageChanged(4, true);
  next.pageChanged(4, false); // back on the room's video
  expect(next.takeLeftRoomVideo(4)).toBe(false);
});

test.each<[string, number, boolean]>([
  ['at once', 0, true],
  ['at the limit', MEDIA_DETAILS_MS, true],
  ['past it', MEDIA_DETAILS_MS + 1, false],
])("details of a video that just became the room's: %s", (_name, after, welcome) => {
  const next = new NextVideo();
  next.becameRoomVideo(4, 1_000);
  expect(next.detailsStillWelcome(4, 1_000 + after)).toBe(welcome);
  expect(next.detailsStillWelcome(5, 1_000)).toBe(false);
});

test('past the time the tab is forgotten: an earlier clock does not bring it back', () => {
  const next = new NextVideo();
  next.becameRoomVideo(4, 0);
  expect(next.detailsStillWelcome(4, MEDIA_DETAILS_MS + 1)).toBe(false);
  expect(next.detailsStillWelcome(4, 0)).toBe(false);
});

test('leaving the room ends the details window; forgetting the tab ends both', () => {
  const next = new NextVideo();
  next.becameRoomVideo(4, 0);
  next.pageChanged(4, true);
  next.roomLeft(4);
  expect(next.detailsStillWelcome(4, 0)).toBe(false);
  expect(next.takeLeftRoomVideo(4)).toBe(true);
  next.becameRoomVideo(4, 0);
  next.pageChanged(4, true);
  next.forget(4);
  expect(next.detailsStillWelcome(4, 0)).toBe(false);
  expect(next.takeLeftRoomVideo(4)).toBe(false);
});
