/**
 * Tabs' frames and their videos, kept in storage.session (with the tab's room) so a restarted
 * worker still knows which frame owns a tab's video. Reports are dropped when the tab loads a
 * new document.
 */
import type { VideoReport } from '../messages';
import { chooseOwner } from './owner';

export class TabFrames {
  private readonly reports = new Map<number, VideoReport>();
  owner: number | null = null;

  static from(entries: ReadonlyArray<[number, VideoReport]>, owner: number | null): TabFrames {
    const f = new TabFrames();
    for (const [id, r] of entries) f.reports.set(id, r);
    f.owner = owner;
    return f;
  }

  entries(): Array<[number, VideoReport]> {
    return [...this.reports];
  }

  /** Records a frame's report; returns the previous owner when ownership moved. */
  report(frameId: number, report: VideoReport): { owner: number | null; previous: number | null } {
    this.reports.set(frameId, report);
    return this.rechoose();
  }

  forget(frameId: number): { owner: number | null; previous: number | null } {
    this.reports.delete(frameId);
    return this.rechoose();
  }

  clear(): void {
    this.reports.clear();
    this.owner = null;
  }

  private rechoose(): { owner: number | null; previous: number | null } {
    const previous = this.owner;
    this.owner = chooseOwner(this.reports, previous);
    return { owner: this.owner, previous };
  }

  /** The owner's report, if any. */
  ownerReport(): VideoReport | null {
    return this.owner === null ? null : (this.reports.get(this.owner) ?? null);
  }

  get hasVideo(): boolean {
    return this.ownerReport() !== null;
  }
}
