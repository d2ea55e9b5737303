/**
 * The relay's room logic in-process: the simulated members' controls and status reports go
 * through the relay's own pure room rules (relay/rooms/membership.ts and member-actions.ts, which
 * apply the timeline rules of relay/contract/timeline.ts) on a StoredRoom, exactly as
 * `store.update` would run them; status reports and telemetry go through the relay's own
 * StatusBoard and TelemetryBoard, on the simulation's clock. What the relay sends that the engine
 * does not need (acks, status and telemetry batches) is only counted (`notify`), so counting
 * changes nothing in the simulation. Every simulated member is a current extension (it takes
 * status batches, so no `member:updated` per report, and follows new timelines itself, so the room's
 * members follow each new timeline as relay/rooms/followers.ts makes them, with nothing to tell).
 */
import { defaultConfig } from '../../../relay/config';
import type { ControlRequest, Media, StatusReport, TelemetryReport, Timeline, WaitPolicy } from '../../../relay/contract/protocol';
import { emptyTimeline } from '../../../relay/contract/timeline';
import { control, expireHoldAt, recordTelemetry, reportStatus } from '../../../relay/rooms/member-actions';
import { createRoom, join, type NewMember, type RoomRules } from '../../../relay/rooms/membership';
import { statusEntry } from '../../../relay/rooms/room-view';
import { StatusBoard } from '../../../relay/rooms/status-board';
import { follow } from '../../../relay/rooms/followers';
import { TelemetryBoard } from '../../../relay/rooms/telemetry-board';
import type { Mutation, StoredRoom } from '../../../relay/store/room-store';

export interface RoomEvent {
  at: number;
  action: ControlRequest['action'] | 'hold' | 'release';
  timeline: Timeline;
}

const MEDIA: Media = { url: 'sim://video', title: 'sim', duration: 3600 };
const RULES: RoomRules = { maxMembers: 50, graceMs: 600_000 };

/** What the relay sends a member besides timelines (which are delivered). */
export type Notice = 'control-ack' | 'status-ack' | 'member-updated' | 'status-batch' | 'telemetry-batch';

export class SimRoom {
  readonly history: RoomEvent[] = [];
  broadcast: (t: Timeline) => void = () => undefined;
  /** A message the relay sends to one member (counted, not delivered). */
  notify: (memberId: string, what: Notice) => void = () => undefined;
  /** The relay's telemetry batching, on the simulation's clock; `tick()` it every `telemetry.tickMs`. */
  readonly telemetry: TelemetryBoard;
  /** The relay's status batching; its timers run on `after` (the simulation's scheduler). */
  readonly statuses: StatusBoard;
  after: (ms: number, run: () => void) => void = (_ms, run) => run();
  private readonly ids: string[] = [];
  /** Members whose popup is open (`members:watch`): only they get telemetry batches, as from the relay. */
  readonly watchers = new Set<string>();
  private now = 0;
  /** Null until the first member creates the room. */
  private room: StoredRoom | null = null;
  private readonly initial: Timeline;

  constructor(
    private readonly createdAt: number,
    private readonly policy: WaitPolicy,
    private readonly holdTimeoutMs: number,
  ) {
    this.initial = { ...emptyTimeline(createdAt), media: MEDIA };
    this.telemetry = new TelemetryBoard(
      defaultConfig().TELEMETRY_FLUSH_MS,
      () => this.watchers.forEach((id) => this.notify(id, 'telemetry-batch')),
      () => this.now,
    );
    this.statuses = new StatusBoard(defaultConfig().STATUS_BATCH_MS, () => this.ids.forEach((id) => this.notify(id, 'status-batch')), {
      set: (run, ms) => {
        const handle = { cancelled: false };
        this.after(ms, () => {
          if (!handle.cancelled) run();
        });
        return handle;
      },
      clear: (handle) => {
        (handle as { cancelled: boolean }).cancelled = true;
      },
    });
  }

  get timeline(): Timeline {
    return this.room?.timeline ?? this.initial;
  }

  join(id: string): void {
    const member: NewMember = {
      id,
      profile: { name: id },
      resumeHash: `sim-${id}`,
      connectionId: `sim-${id}`,
      batches: true,
      follows: true,
    };
    this.ids.push(id);
    if (this.room === null) {
      this.room = createRoom('SIM', member, this.createdAt, { waitPolicy: this.policy }, MEDIA);
      return;
    }
    this.apply(join(member, this.createdAt, RULES));
  }

  control(id: string, req: ControlRequest, now: number): void {
    const value = this.apply(control(id, req, now));
    this.notify(id, 'control-ack');
    if (value?.changed === true) this.commit(value.timeline, now, req.action);
  }

  /** `member:status`: acked, batched to the room, a timeline (after the batch) when it held or released the room. */
  status(id: string, report: StatusReport, now: number): void {
    const value = this.apply(reportStatus(id, report, now, this.holdTimeoutMs));
    this.notify(id, 'status-ack');
    if (value === null) return;
    const { member, telemetryOnly, audience } = value;
    if (audience.batches) this.statuses.record('SIM', statusEntry(member), telemetryOnly);
    if (audience.legacy) for (const other of this.ids) if (other !== id) this.notify(other, 'member-updated');
    if (value.timeline !== null)
      this.commit(value.timeline, now, report.status === 'buffering' || report.status === 'ad' ? 'hold' : 'release');
  }

  /** `member:telemetry`: no answer; batched to the room (relay/rooms/telemetry-board.ts), the RTT stored. */
  telemetryReport(id: string, report: TelemetryReport, now: number): void {
    this.now = now;
    this.apply(recordTelemetry(id, report));
    this.telemetry.record('SIM', { memberId: id, offsetMs: report.offsetMs, rttMs: report.rttMs });
  }

  tickTelemetry(now: number): void {
    this.now = now;
    this.telemetry.tick();
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
    // As the relay's store does (relay/rooms/followers.ts): a new timeline, and the members follow it.
    this.room = r.room.timeline === this.room.timeline ? r.room : follow(r.room).room;
    return r.value;
  }

  private commit(timeline: Timeline, at: number, action: RoomEvent['action']): void {
    this.history.push({ at, action, timeline });
    // As the relay's broadcast: the room's waiting status batch goes first.
    this.statuses.flush('SIM');
    this.broadcast(timeline);
  }
}
