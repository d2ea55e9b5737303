/**
 * Member telemetry (offsets and RTTs between status changes), batched per room. Each relay keeps
 * the latest report of each of its own connections and, every TELEMETRY_FLUSH_MS, sends one
 * `members:telemetry` per room that has news (volatile: the next batch supersedes a skipped one).
 * Sent one by one, every report became a broadcast to each other member (at 4 members reporting
 * every 2 s, three messages per report); batched, a room costs one message per member per flush,
 * and nothing of it is stored (relay/member-handlers.ts stores an RTT only when it moved enough to
 * change the scheduling lead).
 */
import type { MemberTelemetry } from './protocol';

export class TelemetryBoard {
  /** Room code → member id → the member's latest report since the last flush. */
  private readonly pending = new Map<string, Map<string, MemberTelemetry>>();

  constructor(private readonly send: (code: string, entries: MemberTelemetry[]) => void) {}

  record(code: string, entry: MemberTelemetry): void {
    let room = this.pending.get(code);
    if (room === undefined) {
      room = new Map();
      this.pending.set(code, room);
    }
    room.set(entry.memberId, entry);
  }

  /** A member left or went away: its unsent report must not follow its departure. */
  forget(code: string, memberId: string): void {
    const room = this.pending.get(code);
    if (room === undefined) return;
    room.delete(memberId);
    if (room.size === 0) this.pending.delete(code);
  }

  /** Rooms with news waiting (for tests and metrics). */
  get size(): number {
    return this.pending.size;
  }

  flush(): void {
    if (this.pending.size === 0) return;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [code, room] of batches) this.send(code, [...room.values()]);
  }
}
