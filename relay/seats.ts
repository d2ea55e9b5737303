/**
 * Which seats this relay's connections hold, for the day the relay dies without a word.
 *
 * With several relays sharing Redis, each one records its seats and keeps a heartbeat; when a
 * relay stops beating, another marks its members away, as its own disconnects would have
 * (relay/redis/node-presence.ts). A relay alone needs none of this: when it dies its rooms die
 * with it, and while it lives its disconnects mark members away; hence `noSeatRegistry`.
 */

/** A member seated on one connection (socket id) of this relay. */
export interface Seat {
  code: string;
  memberId: string;
  socketId: string;
}

/** What the relay does for the registry (relay/seat-keeper.ts). */
export interface SeatKeeper {
  /** Seats of a relay found dead: each member is marked away as if its connection dropped. */
  orphaned(seats: Seat[]): Promise<void>;
  /**
   * This relay was taken for dead while its connections lived on (cut off from Redis): puts its
   * members back. Returns the seats it holds now, and whether some must be tried again.
   */
  revive(): Promise<{ seats: Seat[]; retry: boolean }>;
}

export interface SeatRegistry {
  /** A connection took a seat (create, join, resume, recovery). Never throws: failures are logged. */
  add(seat: Seat): void;
  /** The connection left its seat, or is gone. */
  remove(seat: Seat): void;
  /** Starts the heartbeat and the sweeps; createRelay calls it once. */
  start(keeper: SeatKeeper): void;
  /** Clears the timers, waits for running work, removes this relay's heartbeat and seats. */
  stop(): Promise<void>;
}

export const noSeatRegistry: SeatRegistry = {
  add: () => undefined,
  remove: () => undefined,
  start: () => undefined,
  stop: () => Promise.resolve(),
};
