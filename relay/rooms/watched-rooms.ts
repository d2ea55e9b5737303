/**
 * Which rooms someone watches the telemetry of (`members:watch`: a popup open), so that a relay
 * sends a room's `members:telemetry` batch only when someone will get it. Most of the time nobody
 * watches; sent anyway, every batch was encoded for an empty audience, and with several relays it
 * was also a stream entry in Redis that every relay read and decoded: half of what crossed Redis
 * under bench:relay's mix (docs/benchmarks.md).
 *
 * A relay knows its own watchers (its `watch:` channels). Of the others' it knows what they say:
 * - a relay whose member starts watching asks the others to replay their members' latest reports
 *   (`telemetry:replay`): the room is watched from then on;
 * - every relay tells the others, every `refreshMs`, the rooms it has watchers in
 *   (`telemetry:watched`). A room another relay named stays watched for `ttlMs` after it last did,
 *   so a lost message costs nothing, and a room nobody watches any more stops within `ttlMs`. A
 *   room a list names that was not watched from here is replayed as on a request: its members'
 *   latest reports go in its next batch.
 *
 * A relay that has just started hears of the others' watchers within `refreshMs`, and then sends
 * its members' latest reports. Each list carries how long it holds (its sender's TTL, from the
 * sender's own `WATCH_REFRESH_MS`), so relays with different settings do not let each other's rooms
 * lapse between lists. What other relays send is checked like any input (`watchList`, `watchedCode`):
 * a malformed message changes nothing.
 */
import { canonicalRoomCode } from './codes';

/** Most codes in one `telemetry:watched` message: a longer list goes in several. */
export const MAX_WATCH_LIST = 5000;
/** Bounds of a list's TTL (ms), whatever another relay says. */
const MIN_TTL_MS = 100;
const MAX_TTL_MS = 3_600_000;
/** A list holds for this many of its sender's refresh periods: one or two lost lists cost nothing. */
const TTL_REFRESHES = 3.5;

/** How long this relay's lists hold, for its `WATCH_REFRESH_MS`: a whole number of ms, as `watchList` asks. */
export function watchTtlMs(refreshMs: number): number {
  return Math.ceil(TTL_REFRESHES * refreshMs);
}

/** One `telemetry:watched` message: the rooms, and how long the list holds. */
export interface WatchList {
  codes: string[];
  ttlMs: number;
}

export class WatchedRooms {
  /** Rooms another relay has a watcher in: code → until when that holds. */
  private readonly remote = new Map<string, number>();

  constructor(
    /** Whether this relay has a watcher in the room. */
    private readonly local: (code: string) => boolean,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Another relay has a watcher in these rooms (its replay request, or its list). Returns those
   * that were not watched from here a moment ago: this relay's members' latest reports are news there.
   */
  heard(codes: Iterable<string>, ttlMs = this.ttlMs): string[] {
    const now = this.now();
    const fresh: string[] = [];
    for (const code of codes) {
      const until = this.remote.get(code);
      if ((until === undefined || until <= now) && !this.local(code)) fresh.push(code);
      this.remote.set(code, Math.max(now + ttlMs, until ?? 0));
    }
    return fresh;
  }

  watched(code: string): boolean {
    if (this.local(code)) return true;
    const until = this.remote.get(code);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.remote.delete(code);
    return false;
  }

  /** Drops what has lapsed (rooms never asked about again). */
  prune(): void {
    const now = this.now();
    for (const [code, until] of this.remote) if (until <= now) this.remote.delete(code);
  }

  /** Rooms other relays said they watch, still current (for tests). */
  get remoteSize(): number {
    return this.remote.size;
  }
}

/** The room codes of a relay's `watch:` channels that have someone in them. */
export function watchedCodes(rooms: ReadonlyMap<string, ReadonlySet<string>>, prefix: string): string[] {
  const codes: string[] = [];
  for (const [name, members] of rooms) if (members.size > 0 && name.startsWith(prefix)) codes.push(name.slice(prefix.length));
  return codes;
}

/** A room code as a relay sends it (canonical), or null. */
export function watchedCode(x: unknown): string | null {
  return typeof x === 'string' && canonicalRoomCode(x) === x ? x : null;
}

/**
 * Another relay's `telemetry:watched`, checked: `{codes, ttlMs}` with at most MAX_WATCH_LIST
 * canonical codes and a TTL within bounds; a bare list of codes (relays of the first build that
 * sent lists) holds for `defaultTtlMs`. Null when anything in it is malformed.
 */
export function watchList(msg: unknown, defaultTtlMs: number): WatchList | null {
  const { codes, ttlMs } = Array.isArray(msg)
    ? { codes: msg as unknown[], ttlMs: defaultTtlMs }
    : typeof msg === 'object' && msg !== null
      ? (msg as { codes?: unknown; ttlMs?: unknown })
      : { codes: undefined, ttlMs: undefined };
  if (!Array.isArray(codes) || codes.length > MAX_WATCH_LIST) return null;
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS) return null;
  if (!codes.every((c) => watchedCode(c) !== null)) return null;
  return { codes: codes as string[], ttlMs };
}

/** This relay's watched rooms as messages of at most MAX_WATCH_LIST codes each. */
export function watchLists(codes: string[], ttlMs: number): WatchList[] {
  const lists: WatchList[] = [];
  for (let i = 0; i < codes.length; i += MAX_WATCH_LIST) lists.push({ codes: codes.slice(i, i + MAX_WATCH_LIST), ttlMs });
  return lists;
}
