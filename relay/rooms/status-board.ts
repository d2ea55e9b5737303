/**
 * Status reports, batched per room into `members:status`. Clients without `status:follows` report
 * their new status (paused, playing) after every control, all within a few tens of ms of each other:
 * sent one by one, each report was a message to every other member, 12 messages for a room of 4,
 * and under bench:relay's mix the most frequent write a relay made (docs/benchmarks.md). Batched,
 * the room gets one message per member, 4. (Current clients follow the room instead and report only
 * a status that differs, followers.ts; the statuses a timeline moved are told here to the members
 * without the feature.)
 *
 * A room's batch goes `delayMs` after its first report, with the latest report of each member, to
 * the whole room (the sender's own entry is what its ack said). `flush(code)` sends it sooner: the
 * relay calls it before any other broadcast to the room, so a client sees this relay's events in
 * the order they happened (a status, then the member leaving; never the other way round).
 */
import type { MemberStatusEntry } from '../contract/protocol';

/** How the board waits (bench:sync's simulation runs it on its own clock). */
export interface BoardTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: BoardTimers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface PendingRoom {
  entries: Map<string, MemberStatusEntry>;
  /** Every entry only moved an offset or RTT: a busy connection may skip the batch. */
  volatile: boolean;
  timer: unknown;
}

export class StatusBoard {
  private readonly pending = new Map<string, PendingRoom>();

  constructor(
    private readonly delayMs: number,
    private readonly send: (code: string, entries: MemberStatusEntry[], volatile: boolean) => void,
    private readonly timers: BoardTimers = realTimers,
  ) {}

  /** A member's report; `telemetryOnly` when its status stayed the same (only offset or RTT changed). */
  record(code: string, entry: MemberStatusEntry, telemetryOnly: boolean): void {
    let room = this.pending.get(code);
    if (room === undefined) {
      room = { entries: new Map(), volatile: true, timer: this.timers.set(() => this.flush(code), this.delayMs) };
      this.pending.set(code, room);
    }
    room.entries.set(entry.memberId, entry);
    // A status change in the batch must arrive, even when a later report of the same member is telemetry only.
    room.volatile &&= telemetryOnly;
  }

  /** Sends the room's batch now, if it has one. */
  flush(code: string): void {
    const room = this.pending.get(code);
    if (room === undefined) return;
    this.pending.delete(code);
    this.timers.clear(room.timer);
    this.send(code, [...room.entries.values()], room.volatile);
  }

  /** Rooms with reports waiting (for tests). */
  get size(): number {
    return this.pending.size;
  }

  /** The relay is closing: what waits is dropped (its clients are being disconnected). */
  dispose(): void {
    for (const room of this.pending.values()) this.timers.clear(room.timer);
    this.pending.clear();
  }
}
