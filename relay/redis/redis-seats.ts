/**
 * The seat registry of relays sharing Redis (relay/rooms/seats.ts): each relay process (a node)
 * has a random id, a heartbeat and the set of seats its connections hold; every relay sweeps the
 * dead ones.
 *
 *   <prefix>nodes            sorted set: node id → deadline (ms, Redis' own TIME)
 *   <prefix>node:<id>:seats  set of "CODE memberId socketId"
 *   <prefix>sweeps           sorted set: node id being swept → end of the sweeper's claim
 *
 * Deadlines come from Redis' clock inside the scripts, so the relays' clocks need not agree.
 * A beat is ZADD of now + timeout; ZADD reporting a new entry after the first beat means another
 * relay swept this one while it was alive (cut off from Redis, or stalled): it puts its members
 * back (SeatHandlers.revive) once that sweep is over, so the sweep cannot undo the revival.
 * A sweep claims the dead nodes atomically (one script: exactly one relay wins each), marks
 * their seats away (SeatHandlers.orphaned), then deletes their seats. A sweeper that dies midway
 * leaves a lapsing claim, which the next sweep takes over (marking away twice is harmless).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Seat, SeatHandlers, SeatRegistry } from '../rooms/seats';
import { withSeatScripts, type SeatRedis } from './seat-scripts';

/** Dead nodes claimed per sweep (the rest wait for the next one). */
const CLAIM_MAX = 16;

export function encodeSeat(seat: Seat): string {
  return `${seat.code} ${seat.memberId} ${seat.socketId}`;
}

/** Null for anything that is not three space-free fields. */
export function parseSeat(s: string): Seat | null {
  const parts = s.split(' ');
  if (parts.length !== 3 || parts.some((p) => p === '')) return null;
  const [code, memberId, socketId] = parts as [string, string, string];
  return { code, memberId, socketId };
}

export interface RedisSeatRegistryOptions {
  /** The relay's command client (no offline queue: a beat fails at once while Redis is away). */
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
  /** How often this relay beats and sweeps. */
  intervalMs: number;
  /** A relay that has not beaten for this long is dead; also how long a sweeper's claim lasts. */
  timeoutMs: number;
  nodeId?: string;
}

export class RedisSeatRegistry implements SeatRegistry {
  readonly nodeId: string;
  private readonly redis: SeatRedis;
  private readonly log: Logger;
  private readonly nodes: string;
  private readonly sweeps: string;
  private readonly running = new Set<Promise<void>>();
  private handlers: SeatHandlers | null = null;
  private timer: NodeJS.Timeout | null = null;
  private beaten = false;
  private beating = false;
  private reviving = false;
  private mustRevive = false;
  private sweeping = false;
  private stopped = false;
  private stopping: Promise<void> | null = null;
  /** Redis trouble is logged once until the next good beat (not every few seconds of an outage). */
  private troubled = false;

  constructor(private readonly options: RedisSeatRegistryOptions) {
    this.nodeId = options.nodeId ?? randomBytes(8).toString('hex');
    this.redis = withSeatScripts(options.redis);
    this.log = options.logger.child({ node: this.nodeId });
    this.nodes = `${options.keyPrefix}nodes`;
    this.sweeps = `${options.keyPrefix}sweeps`;
  }

  add(seat: Seat): void {
    if (!this.stopped) this.run('seat add', this.redis.sadd(this.seatsKey(this.nodeId), encodeSeat(seat)));
  }

  remove(seat: Seat): void {
    if (!this.stopped) this.run('seat remove', this.redis.srem(this.seatsKey(this.nodeId), encodeSeat(seat)));
  }

  start(handlers: SeatHandlers): void {
    if (this.handlers !== null || this.stopped) return;
    this.handlers = handlers;
    this.timer = setInterval(() => this.beat(), this.options.intervalMs).unref();
    this.beat();
    this.log.info({ intervalMs: this.options.intervalMs, timeoutMs: this.options.timeoutMs }, 'relay heartbeat started');
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    if (this.handlers === null) return;
    const done = await this.redis
      .multi()
      .zrem(this.nodes, this.nodeId)
      .del(this.seatsKey(this.nodeId))
      .exec()
      .catch((err: unknown) => err);
    if (done instanceof Error) this.log.warn({ err: done }, 'could not remove this relay heartbeat (other relays will sweep it)');
  }

  private seatsKey(id: string): string {
    return `${this.options.keyPrefix}node:${id}:seats`;
  }

  /** Runs `p` in the background: tracked for stop(), failures logged. */
  private run(what: string, p: Promise<unknown>): void {
    const tracked = p
      .then(() => undefined)
      .catch((err: unknown) => this.trouble(what, err))
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private trouble(what: string, err: unknown): void {
    if (this.troubled) return this.log.debug({ err, what }, 'seats: redis trouble');
    this.troubled = true;
    this.log.warn(
      { err, what, timeoutMs: this.options.timeoutMs },
      'seats: redis trouble (other relays take this one for dead after the timeout without a beat)',
    );
  }

  /** Skipped while the previous beat is still waiting for Redis (no pile-up on a slow link). */
  private beat(): void {
    if (this.stopped || this.beating) return;
    this.beating = true;
    this.run(
      'heartbeat',
      this.beatOnce().finally(() => (this.beating = false)),
    );
  }

  private async beatOnce(): Promise<void> {
    const [added, sweptNow] = await this.redis.lockstepBeat(this.nodes, this.sweeps, this.nodeId, this.options.timeoutMs);
    this.troubled = false;
    if (added === 1 && this.beaten) {
      this.log.warn('this relay was taken for dead (its heartbeat lapsed): putting its members back');
      this.mustRevive = true;
    }
    this.beaten = true;
    if (this.stopped) return;
    if (this.mustRevive && sweptNow === 0 && !this.reviving) this.run('revival', this.revive());
    if (!this.sweeping) this.run('sweep', this.sweep());
  }

  private async revive(): Promise<void> {
    this.reviving = true;
    this.mustRevive = false;
    try {
      const { seats, retry } = await this.handlers!.revive();
      if (seats.length > 0) await this.redis.sadd(this.seatsKey(this.nodeId), ...seats.map(encodeSeat));
      if (retry) this.mustRevive = true;
      this.log.info({ seats: seats.length, retry }, 'members put back after this relay was taken for dead');
    } catch (err) {
      this.mustRevive = true;
      throw err;
    } finally {
      this.reviving = false;
    }
  }

  private async sweep(): Promise<void> {
    this.sweeping = true;
    try {
      const claimed = await this.redis.lockstepClaim(this.nodes, this.sweeps, this.nodeId, this.options.timeoutMs, CLAIM_MAX);
      for (let i = 0; i + 1 < claimed.length && !this.stopped; i += 2) {
        // One dead node failing (Redis trouble, a room too busy) leaves its claim to lapse; the others go on.
        await this.sweepNode(String(claimed[i]), Number(claimed[i + 1])).catch((err: unknown) =>
          this.log.warn({ err, dead: claimed[i] }, 'sweep of a dead relay failed (another sweep takes it over)'),
        );
      }
    } finally {
      this.sweeping = false;
    }
  }

  private async sweepNode(id: string, claimEnd: number): Promise<void> {
    const key = this.seatsKey(id);
    const seats = (await this.redis.smembers(key)).map(parseSeat).filter((s): s is Seat => s !== null);
    await this.handlers!.orphaned(seats);
    await this.redis.lockstepSwept(this.nodes, this.sweeps, key, id, claimEnd);
    this.log.warn({ dead: id, seats: seats.length }, 'relay found dead: its members marked away');
  }
}
