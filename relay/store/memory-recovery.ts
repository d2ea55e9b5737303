/**
 * Connection state recovery for one relay without Redis: the broadcasts of the last
 * `maxDisconnectionDuration` kept in memory, replayed to a client that comes back (relay/app.ts).
 * It does what socket.io-adapter's SessionAwareAdapter does, with the same wire format, but keeps each
 * broadcast in one small record instead of its options object and two Sets: a relay keeps every
 * non-volatile broadcast for 2 minutes, and under bench:relay's mix those records were most of the
 * heap the relay retained per socket beyond a bare socket.io relay's (docs/benchmarks.md). Expired
 * records go every 10 s, not every 60 s (the adapter's), so they are kept 2 minutes, not up to 3.
 * A `member:updated` carries the whole member, so a later one for the same member and audience
 * supersedes it: only the latest is replayed, and the earlier one's payload is let go (status
 * reports, one per member after every control before members followed the room, were most of what
 * was kept). A `members:status` batch does the same entry by entry: a member's entry in a later
 * batch to the same audience drops its entry from the earlier batch, and a batch left with none is
 * not replayed.
 *
 * With Redis the Streams adapter keeps recovery in Redis instead, and this is not used.
 */
import { randomBytes } from 'node:crypto';
import { Adapter, type BroadcastOptions, type PrivateSessionId, type Session } from 'socket.io-adapter';

const SWEEP_MS = 10_000;
/** socket.io's event packet type. */
const EVENT = 2;

type Persisted = Omit<Session, 'missedPackets'>;

/** Events whose payload a later one of the same event, member and audience supersedes. */
const SUPERSEDED = new Set(['member:updated', 'members:status']);

/** The member ids a supersedable payload speaks for (a member, or a batch's entries); empty for anything else. */
function membersOf(event: unknown, payload: unknown): string[] {
  if (event === 'member:updated') {
    const id = typeof payload === 'object' && payload !== null ? (payload as { id?: unknown }).id : undefined;
    return typeof id === 'string' ? [id] : [];
  }
  if (event === 'members:status' && Array.isArray(payload)) {
    return payload.flatMap((e: unknown) => {
      const id = typeof e === 'object' && e !== null ? (e as { memberId?: unknown }).memberId : undefined;
      return typeof id === 'string' ? [id] : [];
    });
  }
  return [];
}

/** One kept broadcast: its offset, its audience (one room and one excluded socket, the relay's only kind), its data. */
class Kept {
  /** Null once later broadcasts superseded all of it: not replayed. */
  data: unknown[] | null;
  /** The members a `member:updated` or `members:status` still speaks for (see `supersede`). */
  members: string[] = [];

  constructor(
    readonly id: string,
    readonly room: string | null,
    readonly except: string | null,
    /** Any other audience, as socket.io gave it. */
    readonly opts: BroadcastOptions | null,
    data: unknown[],
    readonly at: number,
  ) {
    this.data = data;
  }

  /** The key under which this record may be `member`'s latest (event, audience, member). */
  keyFor(member: string): string {
    return `${String(this.data?.[0])}\n${this.room ?? ''}\n${this.except ?? ''}\n${member}`;
  }

  /** A later record speaks for `member`: this one no longer does (and is dropped when it speaks for no one). */
  drop(member: string): void {
    this.members = this.members.filter((m) => m !== member);
    if (this.members.length === 0 || this.data === null) {
      this.data = null;
      return;
    }
    // A batch: the same packet without that member's entry (the offset id stays last).
    const [event, entries, ...rest] = this.data;
    const kept = (entries as Array<{ memberId?: unknown }>).filter((e) => e.memberId !== member);
    this.data = [event, kept, ...rest];
  }

  reaches(rooms: string[]): boolean {
    if (this.opts !== null) {
      const { rooms: to, except } = this.opts;
      return (to.size === 0 || rooms.some((r) => to.has(r))) && rooms.every((r) => except?.has(r) !== true);
    }
    return (this.room === null || rooms.includes(this.room)) && (this.except === null || !rooms.includes(this.except));
  }
}

export class MemoryRecoveryAdapter extends Adapter {
  private readonly sessions = new Map<PrivateSessionId, { session: Persisted; at: number }>();
  private kept: Kept[] = [];
  /** The latest kept `member:updated` and `members:status` entry of each member and audience. */
  private readonly latestMember = new Map<string, Kept>();
  private readonly maxMs: number;
  private readonly prefix = randomBytes(4).toString('hex');
  private next = 0;

  // socket.io constructs adapters with the namespace (typed `any` by socket.io-adapter too).
  constructor(nsp: ConstructorParameters<typeof Adapter>[0]) {
    super(nsp);

    this.maxMs = Number(nsp.server.opts.connectionStateRecovery.maxDisconnectionDuration);
    setInterval(() => this.sweep(Date.now() - this.maxMs), SWEEP_MS).unref();
  }

  override persistSession(session: Persisted): void {
    this.sessions.set(session.pid, { session, at: Date.now() });
  }

  override restoreSession(pid: PrivateSessionId, offset: string): Promise<Session> {
    const entry = this.sessions.get(pid);
    if (entry === undefined) return Promise.resolve(null as unknown as Session);
    if (entry.at + this.maxMs < Date.now()) {
      this.sessions.delete(pid);
      return Promise.resolve(null as unknown as Session);
    }
    const index = this.kept.findIndex((k) => k.id === offset);
    if (index === -1) return Promise.resolve(null as unknown as Session);
    const missedPackets: unknown[][] = [];
    for (let i = index + 1; i < this.kept.length; i++) {
      const k = this.kept[i]!;
      if (k.data !== null && k.reaches(entry.session.rooms)) missedPackets.push(k.data);
    }
    return Promise.resolve({ ...entry.session, missedPackets });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- socket.io-adapter types packets as any
  override broadcast(packet: any, opts: BroadcastOptions): void {
    // Only events without an ack, not volatile (as SessionAwareAdapter): the offset goes last in the data.
    if (packet.type === EVENT && packet.id === undefined && opts.flags?.volatile === undefined) {
      const id = `${this.prefix}${(this.next++).toString(36)}`;
      packet.data.push(id);
      const except = opts.except ?? new Set<string>();
      const simple = opts.rooms.size === 1 && except.size <= 1;
      const [room] = opts.rooms;
      const [out] = except;
      const kept = new Kept(id, simple ? room! : null, simple ? (out ?? null) : null, simple ? null : opts, packet.data, Date.now());
      this.kept.push(kept);
      if (simple) this.supersede(kept);
    }

    super.broadcast(packet, opts);
  }

  /** A `member:updated` or `members:status` lets go of what its members' previous one to the same audience said of them. */
  private supersede(kept: Kept): void {
    const [event, payload] = kept.data!;
    if (!SUPERSEDED.has(event as string)) return;
    kept.members = membersOf(event, payload);
    for (const member of kept.members) {
      const key = kept.keyFor(member);
      this.latestMember.get(key)?.drop(member);
      this.latestMember.set(key, kept);
    }
  }

  private sweep(threshold: number): void {
    for (const [pid, s] of this.sessions) if (s.at < threshold) this.sessions.delete(pid);
    let drop = 0;
    for (; drop < this.kept.length && this.kept[drop]!.at < threshold; drop++) {
      const k = this.kept[drop]!;
      // A superseded record is no member's latest: no key to build.
      if (k.data === null) continue;
      for (const member of k.members) {
        const key = k.keyFor(member);
        if (this.latestMember.get(key) === k) this.latestMember.delete(key);
      }
    }
    if (drop > 0) this.kept = this.kept.slice(drop);
  }
}
