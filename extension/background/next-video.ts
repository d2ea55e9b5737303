/**
 * A tab bringing its room to the video it shows (the other way round is follow-video.ts), per tab:
 * - after the user went from the room's video page to another page, the next video the tab's
 *   owner frame reports there becomes the room's (content-handlers.ts announceMedia);
 * - for MEDIA_DETAILS_MS after a tab's video became the room's (it created the room, or announced
 *   its video), the details it reports still update the room (content-handlers.ts refreshMedia):
 *   a duration is known only once the metadata loaded, and a page that swaps sources may first
 *   have reported the old one's.
 * No browser and no clock here: `now` is passed in.
 */

/** How long after a tab's video became the room's its reported details still update the room. */
export const MEDIA_DETAILS_MS = 60_000;

export class NextVideo {
  /** Tabs in a room whose user went to another page than the room's video. */
  private readonly leftRoomVideo = new Set<number>();
  /** Tabs whose video became the room's a moment ago, until when its details may still come in. */
  private readonly detailsUntil = new Map<number, number>();

  /** The tab's URL changed: `away` when it is no longer the room's video page. */
  pageChanged(tabId: number, away: boolean): void {
    if (away) this.leftRoomVideo.add(tabId);
    else this.leftRoomVideo.delete(tabId);
  }

  /** True once after the tab left the room's video page: the video reported now is the room's next one. */
  takeLeftRoomVideo(tabId: number): boolean {
    return this.leftRoomVideo.delete(tabId);
  }

  becameRoomVideo(tabId: number, now: number): void {
    this.detailsUntil.set(tabId, now + MEDIA_DETAILS_MS);
  }

  /** Whether the details the tab reports may still update the room's video; past the time, the tab is forgotten. */
  detailsStillWelcome(tabId: number, now: number): boolean {
    const until = this.detailsUntil.get(tabId);
    if (until === undefined) return false;
    if (now > until) {
      this.detailsUntil.delete(tabId);
      return false;
    }
    return true;
  }

  /** The tab left its room: its video is no longer the room's. */
  roomLeft(tabId: number): void {
    this.detailsUntil.delete(tabId);
  }

  forget(tabId: number): void {
    this.leftRoomVideo.delete(tabId);
    this.detailsUntil.delete(tabId);
  }
}
