/**
 * Which frame of a tab owns the room's video. Frames report their best candidate; a video the
 * user has played beats an idle one, then the bigger one wins. The current owner keeps the role
 * on ties, so ownership does not flap between two equal frames.
 */
import type { VideoReport } from '../messages';

export function chooseOwner(reports: ReadonlyMap<number, VideoReport>, current: number | null): number | null {
  let best: number | null = null;
  let bestReport: VideoReport | null = null;
  for (const [frameId, report] of reports) {
    if (!report.present) continue;
    if (bestReport === null || better(report, bestReport) || (!better(bestReport, report) && frameId === current)) {
      best = frameId;
      bestReport = report;
    }
  }
  return best;
}

function better(a: VideoReport, b: VideoReport): boolean {
  if (a.played !== b.played) return a.played;
  return a.area > b.area;
}
