/**
 * The relay's room logic in-process: the simulated members' controls and status reports go
 * through the relay's own pure room rules (relay/rooms/membership.ts and member-actions.ts, which
 * apply the timeline rules of relay/contract/timeline.ts) on a StoredRoom, exactly as
 * `store.update` would run them.
 */
import type { ControlRequest, Media, StatusReport, Timeline, WaitPolicy } from '../../../relay/contract/protocol';
import { emptyTimeline } from '../../../relay/contract/timeline';
import { control, expireHoldAt, reportStatus } from '../../../relay/rooms/member-actions';
import { createRoom, join, type NewMember, type RoomRules } from '../../../relay/rooms/membership';
import type { Mutation, StoredRoom } from '../../../relay/store/room-store';

export interface RoomEvent {
  at: number;
  action: ControlRequest['action'] | 'hold' | 'release';
  timeline: Timeline;
}

const MEDIA: Media = { url: 'sim://video', title: 'sim', duration: 3600 };
const RULES: RoomRules = { maxMembers: 50, graceMs: 600_000 };

export class SimRoom {
  readonly history: RoomEvent[] = [];
  broadcast: (t: Timeline) => void = () => undefined;
  /** Null until the first member creates the room. */
  private room: StoredRoom | null = null;
  private readonly initial: Timeline;

  constructor(
    private readonly createdAt: number,
    private readonly policy: WaitPolicy,
    private readonly holdTimeoutMs: number,
  ) {
    this.initial = { ...emptyTimeline(createdAt), media: MEDIA };
  }

  get timeline(): Timeline {
    return this.room?.timeline ?? this.initial;
  }

  join(id: string): void {
    const member: NewMember = { id, profile: { name: id }, resumeHash: `sim-${id}`, connectionId: `sim-${id}` };
    if (this.room === null) {
      this.room = createRoom('SIM', member, this.createdAt, { waitPolicy: this.policy }, MEDIA);
      return;
    }
    this.apply(join(member, this.createdAt, RULES));
  }

  control(id: string, req: ControlRequest, now: number): void {
    const value = this.apply(control(id, req, now));
    if (value?.changed === true) this.commit(value.timeline, now, req.action);
  }

  status(id: string, report: StatusReport, now: number): void {
    const value = this.apply(reportStatus(id, report, now, this.holdTimeoutMs));
    if (value?.timeline != null)
      this.commit(value.timeline, now, report.status === 'buffering' || report.status === 'ad' ? 'hold' : 'release');
  }

  tick(now: number): void {
    const value = this.apply(expireHoldAt(now));
    if (value !== null) this.commit(value, now, 'release');
  }

  /** What `store.update` does: run the mutation, keep the new room, hand back the value (null on refusal). */
  private apply<T, E>(mutate: (room: StoredRoom) => Mutation<T, E>): T | null {
    if (this.room === null) return null;
    const r = mutate(this.room);
    if (!r.ok || r.room === null) return null;
    this.room = r.room;
    return r.value;
  }

  private commit(timeline: Timeline, at: number, action: RoomEvent['action']): void {
    this.history.push({ at, action, timeline });
    this.broadcast(timeline);
  }
}
