/**
 * Where the extension's iframes go, as pure functions of the viewport and the video's box: the room
 * panel (a narrow sidebar beside or over the video that keeps clear of the player's control bar,
 * or a pill), the reactions overlay (the video's visible box) and the prompt (top centre).
 */

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Viewport {
  width: number;
  height: number;
}

export const PANEL_WIDTH = 320;
export const PANEL_MAX_HEIGHT = 760;
export const PANEL_MIN_HEIGHT = 220;
/** Below this the panel is not worth showing over a video; it goes below or above the video instead. */
export const PILL = { width: 210, height: 44 } as const;
export const MARGIN = 12;
/**
 * Players draw their control bar along the video's bottom edge: YouTube's is 48 px plus its
 * progress bar, Netflix's and Crunchyroll's ~60-70 px. The panel stops this far above that edge.
 */
export const CONTROLS_CLEARANCE = 72;

const right = (b: Box): number => b.left + b.width;
const bottom = (b: Box): number => b.top + b.height;

/** The part of `b` inside the viewport, or null when none of it is. */
export function visiblePart(b: Box, viewport: Viewport): Box | null {
  const left = Math.max(0, b.left);
  const top = Math.max(0, b.top);
  const width = Math.min(viewport.width, right(b)) - left;
  const height = Math.min(viewport.height, bottom(b)) - top;
  return width > 0 && height > 0 ? { left, top, width, height } : null;
}

function overlapsColumn(video: Box, left: number, width: number): boolean {
  return video.left < left + width && right(video) > left;
}

/**
 * The open panel: at the viewport's right edge, full height beside a video that does not reach it;
 * over a video that does, from just below the video's top to CONTROLS_CLEARANCE above its bottom
 * (or below/above the video when that leaves too little room).
 */
export function panelBox(viewport: Viewport, video: Box | null): Box {
  const width = Math.max(0, Math.min(PANEL_WIDTH, viewport.width - 2 * MARGIN));
  const left = viewport.width - MARGIN - width;
  const full = (top: number, bottomEdge: number): Box => ({ left, top, width, height: Math.min(PANEL_MAX_HEIGHT, bottomEdge - top) });
  const seen = video === null ? null : visiblePart(video, viewport);
  if (video === null || seen === null || !overlapsColumn(seen, left, width)) return full(MARGIN, viewport.height - MARGIN);
  const top = Math.max(MARGIN, video.top + MARGIN);
  // A video whose bottom edge is below the viewport shows no control bar to keep clear of.
  const over = Math.min(viewport.height - MARGIN, bottom(video) > viewport.height ? Infinity : bottom(video) - CONTROLS_CLEARANCE);
  if (over - top >= PANEL_MIN_HEIGHT) return full(top, over);
  const below = bottom(video) + MARGIN;
  if (viewport.height - MARGIN - below >= PANEL_MIN_HEIGHT) return full(below, viewport.height - MARGIN);
  if (video.top - 2 * MARGIN >= PANEL_MIN_HEIGHT) return full(MARGIN, video.top - MARGIN);
  // A small video with no room around it: over it still, clear of its controls as far as possible.
  return { left, top, width, height: Math.max(PILL.height, over - top) };
}

/** The collapsed pill: top right, over the video's top corner when the video reaches the edge. */
export function pillBox(viewport: Viewport, video: Box | null): Box {
  const width = Math.min(PILL.width, Math.max(0, viewport.width - 2 * MARGIN));
  const left = viewport.width - MARGIN - width;
  const seen = video === null ? null : visiblePart(video, viewport);
  const onVideo = video !== null && seen !== null && overlapsColumn(seen, left, width);
  const top = onVideo ? Math.max(MARGIN, video.top + MARGIN) : MARGIN;
  const clear = onVideo && top + PILL.height <= bottom(video) - CONTROLS_CLEARANCE;
  return { left, top: onVideo && !clear ? MARGIN : top, width, height: PILL.height };
}

/** The reactions overlay: the video's visible part (null when the video is off screen). */
export function overlayBox(viewport: Viewport, video: Box): Box | null {
  return visiblePart(video, viewport);
}

/** The prompt (a question or a notice): as wide as a sentence or two reads well, tall enough for three lines and buttons. */
export const PROMPT = { width: 420, height: 184 } as const;

/**
 * The prompt: centred at the top of the viewport, where browsers ask for permissions, and clear of
 * the panel's column at the right edge. Never larger than the viewport.
 */
export function promptBox(viewport: Viewport): Box {
  const width = Math.max(0, Math.min(PROMPT.width, viewport.width - 2 * MARGIN));
  const height = Math.max(0, Math.min(PROMPT.height, viewport.height - 2 * MARGIN));
  return { left: Math.round((viewport.width - width) / 2), top: MARGIN, width, height };
}
