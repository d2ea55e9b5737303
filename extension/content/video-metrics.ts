/**
 * Measures used to choose a frame's main video. Pure DOM reads, no side effects.
 */

/** Below this on-screen area (CSS px²) an unplayed video counts as a preview/thumbnail: 320×180. */
export const MIN_MAIN_AREA = 320 * 180;

/**
 * The element's laid-out size in CSS px², 0 when it is not rendered (display:none, hidden, opacity 0, detached).
 * A video scrolled out of view keeps its size: the user may scroll back to it.
 */
export function visibleArea(video: HTMLVideoElement): number {
  const rect = video.getBoundingClientRect();
  const area = rect.width * rect.height;
  return area > 0 && isRendered(video) ? area : 0;
}

/**
 * Shown: not display:none, visibility:hidden or opacity 0, on itself or an ancestor (players hide
 * a preloaded twin either way). checkVisibility() (Chrome 105+, Firefox 106+) sees ancestors too.
 */
export function isRendered(video: HTMLVideoElement): boolean {
  if (typeof video.checkVisibility === 'function') return video.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  const style = video.ownerDocument.defaultView?.getComputedStyle(video);
  return style?.visibility !== 'hidden' && style?.display !== 'none' && style?.opacity !== '0';
}

/** In the document and shown (see isRendered): where a person can see and work the player. */
export function isShown(video: HTMLVideoElement): boolean {
  return video.isConnected && isRendered(video);
}

/**
 * A small muted autoplaying loop (hover previews, animated thumbnails), or anything too small to be
 * what someone watches. Hidden videos (area 0) are previews too until the user plays them.
 */
export function isPreview(video: HTMLVideoElement, area: number): boolean {
  if (area < MIN_MAIN_AREA) return true;
  return video.muted && video.loop && video.autoplay;
}
