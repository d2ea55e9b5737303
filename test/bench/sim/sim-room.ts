/**
 * The relay's room logic in-process: the shared timeline rules (extension/core/timeline.ts, the
 * functions the relay applies) with the relay's bookkeeping of member RTTs and stalls.
 */
import type { ControlRequest, MemberStatus, StatusReport, Timeline, WaitPolicy } from '../../../relay/protocol';
import { applyControl, emptyTimeline, expireHold, memberReady, memberStalled, scheduleLead } from '../../../extension/core/timeline';

export interface RoomEvent {
  at: number;
  action: ControlRequest['action'] | 'hold' | 'release';
  timeline: Timeline;
}

export class SimRoom {
  timeline: Timeline;
  readonly history: RoomEvent[] = [];
  private readonly rtts = new Map<string, number | null>();
  private readonly statuses = new Map<string, MemberStatus>();
  broadcast: (t: Timeline) => void = () => undefined;

  constructor(
    now: number,
    private readonly policy: WaitPolicy,
    private readonly holdTimeoutMs: number,
  ) {
    this.timeline = { ...emptyTimeline(now), media: { url: 'sim://video', title: 'sim', duration: 3600 } };
  }

  join(id: string): void {
    this.rtts.set(id, null);
  }

  private lead(): number {
    return scheduleLead([...this.rtts.values()]);
  }

  private commit(next: Timeline, at: number, action: RoomEvent['action']): void {
    if (next === this.timeline) return;
    this.timeline = next;
    this.history.push({ at, action, timeline: next });
    this.broadcast(next);
  }

  control(id: string, req: ControlRequest, now: number): void {
    this.commit(applyControl(this.timeline, req, now, this.lead(), id), now, req.action);
  }

  status(id: string, report: StatusReport, now: number): void {
    if (report.rttMs !== undefined) this.rtts.set(id, report.rttMs);
    this.statuses.set(id, report.status);
    if (report.status === 'buffering' || report.status === 'ad') {
      this.commit(memberStalled(this.timeline, id, this.policy, now, this.holdTimeoutMs), now, 'hold');
    } else {
      this.commit(memberReady(this.timeline, id, now, this.lead()), now, 'release');
    }
  }

  tick(now: number): void {
    this.commit(expireHold(this.timeline, now, this.lead()), now, 'release');
  }
}
