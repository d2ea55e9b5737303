/**
 * Measures used to choose a frame's main video. Pure DOM reads, no side effects.
 */

/** Below this on-screen area (CSS px²) an unplayed video counts as a preview/thumbnail: 320×180. */
export const MIN_MAIN_AREA = 320 * 180;

/**
 * The element's laid-out size in CSS px², 0 when it is not rendered (display:none, hidden, detached).
 * A video scrolled out of view keeps its size: the user may scroll back to it.
 */
export function visibleArea(video: HTMLVideoElement): number {
  const rect = video.getBoundingClientRect();
  const area = rect.width * rect.height;
  return area > 0 && isRendered(video) ? area : 0;
}

function isRendered(video: HTMLVideoElement): boolean {
  const style = video.ownerDocument.defaultView?.getComputedStyle(video);
  return style?.visibility !== 'hidden' && style?.display !== 'none';
}

/**
 * A small muted autoplaying loop (hover previews, animated thumbnails), or anything too small to be
 * what someone watches. Hidden videos (area 0) are previews too until the user plays them.
 */
export function isPreview(video: HTMLVideoElement, area: number): boolean {
  if (area < MIN_MAIN_AREA) return true;
  return video.muted && video.loop && video.autoplay;
}
