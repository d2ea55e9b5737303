/**
 * Member telemetry (offsets and RTTs between status changes), batched per room. Each relay keeps
 * the latest report of each of its own connections and sends one `members:telemetry` per room with
 * news at most once per interval (TELEMETRY_FLUSH_MS; volatile: the next batch supersedes a skipped
 * one). Sent one by one, every report became a broadcast to each other member (at 4 members
 * reporting every 2 s, three messages per report); batched, a room costs one message per member
 * per interval, and nothing of it is stored (relay/rooms/member-handlers.ts stores an RTT only
 * when it moved enough to change the scheduling lead).
 *
 * Rooms are not all sent at once: a room's batch is due one interval after its previous one (at
 * once after a quiet interval), and `tick()` (every tenth of the interval) sends the rooms that are
 * due. Rooms report at their own moments, so their batches spread over the interval instead of
 * thousands of writes every interval in one tick, a stall every other event would wait behind.
 *
 * Only rooms someone watches (`wanted`: relay/rooms/watched-rooms.ts) get batches: a report from a
 * room nobody watches is not kept (the member's latest is replayed when someone starts watching),
 * and a batch whose room stopped being watched before it was due is dropped.
 */
import type { MemberTelemetry } from '../contract/protocol';

interface PendingRoom {
  entries: Map<string, MemberTelemetry>;
  due: number;
}

export class TelemetryBoard {
  /** Room code → the latest report of each member since the room's last batch, and when it is due. */
  private readonly pending = new Map<string, PendingRoom>();
  /** When each room's last batch went, while that still delays its next one. */
  private readonly sentAt = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly send: (code: string, entries: MemberTelemetry[]) => void,
    private readonly now: () => number = Date.now,
    private readonly wanted: (code: string) => boolean = () => true,
  ) {}

  /** How often `tick()` should run. */
  get tickMs(): number {
    return Math.max(10, Math.round(this.intervalMs / 10));
  }

  record(code: string, entry: MemberTelemetry): void {
    if (!this.wanted(code)) return;
    let room = this.pending.get(code);
    if (room === undefined) {
      const last = this.sentAt.get(code);
      room = { entries: new Map(), due: last === undefined ? this.now() : Math.max(this.now(), last + this.intervalMs) };
      this.pending.set(code, room);
    }
    room.entries.set(entry.memberId, entry);
  }

  /** A member left or went away: its unsent report must not follow its departure. */
  forget(code: string, memberId: string): void {
    const room = this.pending.get(code);
    if (room === undefined) return;
    room.entries.delete(memberId);
    if (room.entries.size === 0) this.pending.delete(code);
  }

  /** Rooms with news waiting (for tests and metrics). */
  get size(): number {
    return this.pending.size;
  }

  /** Sends the rooms whose batch is due. */
  tick(): void {
    const now = this.now();
    for (const [code, at] of this.sentAt) if (at + this.intervalMs <= now) this.sentAt.delete(code);
    const due: Array<[string, PendingRoom]> = [];
    for (const entry of this.pending) if (entry[1].due <= now) due.push(entry);
    for (const [code, room] of due) {
      this.pending.delete(code);
      if (!this.wanted(code)) continue;
      this.sentAt.set(code, now);
      this.send(code, [...room.entries.values()]);
    }
  }
}
