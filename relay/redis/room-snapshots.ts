/**
 * The last copy of each room this relay read or wrote, kept so that a Redis that comes back
 * EMPTY (restarted without persistence: a new run_id) gets the rooms back instead of every
 * member losing its room, and so that an update can start from it without reading the room first
 * (redis-store.ts: the compare-and-set tells when it is behind). Rooms are kept as the JSON
 * written to Redis (no aliasing), and dropped when deleted, found gone, or past their expiry. The
 * last copy read or written replaces the one before, whatever their versions: after Redis lost its
 * data, a version no longer orders copies (room-scripts.ts). A copy of a room with someone present
 * has no expiry of its own, so the store checks those it has not seen for a while (`unseen`)
 * against Redis and drops what another relay deleted or let expire.
 */
export interface Snapshot {
  json: string;
  version: number;
  /** The id of the write this copy came from ('' for a room written by a relay that predates ids). */
  write: string;
  expiresAt: number | null;
}

export class RoomSnapshots {
  private readonly rooms = new Map<string, Snapshot>();
  /** When each copy was last read, written or found current. */
  private readonly seenAt = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  set(code: string, snapshot: Snapshot): void {
    this.rooms.set(code, snapshot);
    this.seenAt.set(code, this.now());
  }

  get(code: string): Snapshot | undefined {
    return this.rooms.get(code);
  }

  delete(code: string): void {
    this.rooms.delete(code);
    this.seenAt.delete(code);
  }

  /** `snapshot` is still the room Redis holds: seen now (unless a newer copy replaced it meanwhile). */
  touch(code: string, snapshot: Snapshot): void {
    if (this.rooms.get(code) === snapshot) this.seenAt.set(code, this.now());
  }

  /** Copies of rooms with someone present (no expiry) not seen for `ms` or longer. */
  unseen(ms: number): Array<[string, Snapshot]> {
    const before = this.now() - ms;
    const found: Array<[string, Snapshot]> = [];
    for (const [code, s] of this.rooms) if (s.expiresAt === null && (this.seenAt.get(code) ?? -Infinity) <= before) found.push([code, s]);
    return found;
  }

  /** The live snapshots (expired ones are dropped on the way). */
  live(): Array<[string, Snapshot]> {
    this.prune();
    return [...this.rooms.entries()];
  }

  prune(): void {
    const now = this.now();
    for (const [code, s] of this.rooms) if (s.expiresAt !== null && now >= s.expiresAt) this.delete(code);
  }

  get size(): number {
    return this.rooms.size;
  }
}

/** `run_id` from INFO server: it changes when Redis restarts (and lost its data, without persistence). */
export function parseRunId(info: string): string | null {
  return /^run_id:(\w+)/m.exec(info)?.[1] ?? null;
}
