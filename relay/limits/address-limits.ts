/**
 * Budgets per client address (relay/limits/client-address.ts), on top of the per-connection ones:
 * a client opening more connections would otherwise get a fresh budget with each.
 *
 * - concurrent sockets: a handshake from an address that already holds MAX_SOCKETS_PER_ADDRESS
 *   open connections is refused (measured before: 2,000 sockets from one address in 1.9 s took a
 *   quiet room's control p99 from 4 to 271 ms);
 * - connection rate: CONNECTS_PER_ADDRESS_PER_MINUTE handshakes per minute, so a client cannot
 *   churn (connect, flood, get disconnected, connect again);
 * - guessed codes: JOIN_GUESSES_PER_ADDRESS_PER_HOUR joins with an unknown room code (or resumes
 *   with an unknown token); past it, joins and resumes from that address are refused with
 *   `rate_limited` until the hour has passed, right code or not (a guesser cannot tell).
 *
 * Sockets and connection rate are counted on each relay (a handshake's answer must not wait for
 * Redis); guesses go through the injected limiter factory, so relays sharing Redis share them.
 * 0 turns a budget off (load benchmarks open thousands of sockets from 127.0.0.1).
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RelayConfig } from '../config';
import type { ConsumeLimiter, LimiterFactory } from './rate-limits';

export type Refusal = 'address_sockets' | 'address_rate';

export interface AddressLimits {
  /**
   * Whether a new handshake from `address` may proceed (consumes one connection-rate point);
   * `admittedAhead`: handshakes from it already let through but not yet opened.
   */
  admit(address: string, admittedAhead?: number): Promise<Refusal | null>;
  /** A connection from `address` opened / closed. */
  opened(address: string): void;
  closed(address: string): void;
  /** False once `address` has spent its guesses for the hour. */
  mayGuess(address: string): boolean;
  /** A join or resume from `address` named no room or seat. */
  guessed(address: string): Promise<void>;
  /** Open connections per address (for tests and metrics). */
  readonly open: ReadonlyMap<string, number>;
}

/** Out-of-guesses marks kept before the expired ones are swept (each cost an address a whole budget). */
const MAX_MARKS = 10_000;

function sweep(marks: Map<string, number>): void {
  const t = Date.now();
  for (const [address, until] of marks) if (until <= t) marks.delete(address);
}

type Budgets = Pick<RelayConfig, 'MAX_SOCKETS_PER_ADDRESS' | 'CONNECTS_PER_ADDRESS_PER_MINUTE' | 'JOIN_GUESSES_PER_ADDRESS_PER_HOUR'>;

/** Limiter errors other than "over budget" let the client through (and are reported), like the per-connection ones. */
async function spend(limiter: ConsumeLimiter, key: string, onError: (err: unknown) => void): Promise<boolean> {
  try {
    await limiter.consume(key);
    return true;
  } catch (err) {
    if (err instanceof RateLimiterRes) return false;
    onError(err);
    return true;
  }
}

export function createAddressLimits(budgets: Budgets, factory: LimiterFactory, onError: (err: unknown) => void): AddressLimits {
  const open = new Map<string, number>();
  const maxSockets = budgets.MAX_SOCKETS_PER_ADDRESS;
  const connects =
    budgets.CONNECTS_PER_ADDRESS_PER_MINUTE > 0
      ? new RateLimiterMemory({ keyPrefix: 'lockstep:addr:connect', points: budgets.CONNECTS_PER_ADDRESS_PER_MINUTE, duration: 60 })
      : null;
  const guessSpec = { keyPrefix: 'lockstep:addr:guess', points: budgets.JOIN_GUESSES_PER_ADDRESS_PER_HOUR, duration: 3600 };
  const guesses = guessSpec.points > 0 ? factory('join', guessSpec) : null;
  // Knowing whether an address is out of guesses without spending one: a local mark, set when a
  // guess was refused, kept until that window ends (relays sharing Redis each learn it on their first refusal).
  const exhaustedUntil = new Map<string, number>();

  return {
    open,
    async admit(address, admittedAhead = 0) {
      if (maxSockets > 0 && (open.get(address) ?? 0) + admittedAhead >= maxSockets) return 'address_sockets';
      if (connects !== null && !(await spend(connects, address, onError))) return 'address_rate';
      return null;
    },
    opened(address) {
      open.set(address, (open.get(address) ?? 0) + 1);
    },
    closed(address) {
      const n = (open.get(address) ?? 1) - 1;
      if (n <= 0) open.delete(address);
      else open.set(address, n);
    },
    mayGuess(address) {
      const until = exhaustedUntil.get(address);
      if (until === undefined) return true;
      if (Date.now() < until) return false;
      exhaustedUntil.delete(address);
      return true;
    },
    async guessed(address) {
      if (guesses === null) return;
      let res: unknown;
      try {
        res = await guesses.consume(address);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) return onError(err);
        res = err;
      }
      if (!(res instanceof RateLimiterRes) || res.remainingPoints > 0) return;
      if (exhaustedUntil.size >= MAX_MARKS) sweep(exhaustedUntil);
      exhaustedUntil.set(address, Date.now() + res.msBeforeNext);
    },
  };
}
