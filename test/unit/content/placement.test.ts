/** Where the room panel and the reactions overlay go, from the viewport and the video's box. */
import {
  CONTROLS_CLEARANCE,
  MARGIN,
  PANEL_MAX_HEIGHT,
  PANEL_WIDTH,
  PILL,
  overlayBox,
  panelBox,
  pillBox,
  type Box,
} from '../../../extension/content/embeds/placement';

const viewport = { width: 1280, height: 720 };
const column = { left: 1280 - MARGIN - PANEL_WIDTH, width: PANEL_WIDTH };

test.each<[string, { width: number; height: number }, Box | null, Box]>([
  ['no video: full height at the right edge', viewport, null, { ...column, top: MARGIN, height: 720 - 2 * MARGIN }],
  [
    'a video that does not reach the panel: beside it, full height',
    viewport,
    { left: 8, top: 80, width: 640, height: 360 },
    { ...column, top: MARGIN, height: 720 - 2 * MARGIN },
  ],
  [
    'a video under the panel: over it, from its top to 72 px above its bottom edge (the control bar)',
    viewport,
    { left: 0, top: 56, width: 1280, height: 600 },
    { ...column, top: 56 + MARGIN, height: 656 - CONTROLS_CLEARANCE - (56 + MARGIN) },
  ],
  [
    'fullscreen: the video is the screen; the panel stops 72 px above the bottom',
    viewport,
    { left: 0, top: 0, width: 1280, height: 720 },
    { ...column, top: MARGIN, height: 720 - CONTROLS_CLEARANCE - MARGIN },
  ],
  [
    'a video running below the viewport shows no controls to keep clear of',
    viewport,
    { left: 0, top: 100, width: 1280, height: 2000 },
    { ...column, top: 100 + MARGIN, height: 720 - MARGIN - (100 + MARGIN) },
  ],
  [
    'a short video under the panel: the panel goes below it',
    viewport,
    { left: 600, top: 20, width: 680, height: 200 },
    { ...column, top: 220 + MARGIN, height: 720 - MARGIN - (220 + MARGIN) },
  ],
  [
    'a short video low on the page: the panel goes above it',
    viewport,
    { left: 600, top: 460, width: 680, height: 250 },
    { ...column, top: MARGIN, height: 460 - 2 * MARGIN },
  ],
  [
    'a tall window: the panel is at most PANEL_MAX_HEIGHT',
    { width: 1280, height: 2000 },
    null,
    { ...column, top: MARGIN, height: PANEL_MAX_HEIGHT },
  ],
  [
    'a narrow window: the panel narrows',
    { width: 300, height: 700 },
    null,
    { left: MARGIN, top: MARGIN, width: 300 - 2 * MARGIN, height: 676 },
  ],
])('%s', (_name, vp, video, expected) => {
  expect(panelBox(vp, video)).toEqual(expected);
});

test.each<[string, Box | null, number]>([
  ['no video: top right', null, MARGIN],
  ['over a video reaching the edge: just inside its top', { left: 0, top: 60, width: 1280, height: 600 }, 60 + MARGIN],
  ['a video too short to hold it above its controls: top of the viewport', { left: 0, top: 60, width: 1280, height: 120 }, MARGIN],
])('the pill: %s', (_name, video, top) => {
  expect(pillBox(viewport, video)).toEqual({ left: 1280 - MARGIN - PILL.width, top, width: PILL.width, height: PILL.height });
});

test('the overlay covers what shows of the video, and nothing when it is off screen', () => {
  expect(overlayBox(viewport, { left: 100, top: -50, width: 640, height: 360 })).toEqual({ left: 100, top: 0, width: 640, height: 310 });
  expect(overlayBox(viewport, { left: 100, top: 800, width: 640, height: 360 })).toBeNull();
});
