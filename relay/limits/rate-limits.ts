/**
 * Per-connection rate limits: the budgets of relay/limits/rate-budgets.ts, applied, counted in this
 * relay's memory whatever the store. A connection lives on one relay, so a budget keyed by it gains
 * nothing from Redis; it used to cost a Redis round trip per control (measured: the rate limit was
 * the two-relay tail's p99 of 54–96 ms, docs/benchmarks.md), and rate-limiter-flexible's memory
 * store a record, a key string and a timer per connection and class (a new timer every window:
 * at a ping a second, one per socket per second).
 *
 * Each connection gets a `ConnectionBudget`: a few numbers per class in one typed array, nothing
 * else, no timer and no promise. The windows work as rate-limiter-flexible's did (fixed windows
 * that start at a connection's first event after the previous one ended; a burst pool drawn on
 * only when the steady rate is spent, BurstyRateLimiter), so the budgets mean what they meant.
 * Windows read `Date.now()` (fake timers move it in unit tests).
 *
 * The limiter factory is still used for what is shared between relays: wrong room codes per
 * client address (relay/limits/address-limits.ts).
 */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { ClientToServerEvents } from '../contract/protocol';
import { DEFAULT_BUDGETS, EVENT_CLASS, type Budget, type LimitBudgets, type LimitClass } from './rate-budgets';

/** Fixed-window budget: `points` per `duration` seconds. */
export interface LimitSpec {
  keyPrefix: string;
  points: number;
  duration: number;
}

/** What the relay needs of a limiter (RateLimiterMemory, RateLimiterRedis, ... all fit). */
export interface ConsumeLimiter {
  consume(key: string, points?: number): Promise<unknown>;
}

export type LimiterFactory = (cls: LimitClass, spec: LimitSpec) => ConsumeLimiter;

export const memoryLimiterFactory: LimiterFactory = (_cls, spec) => new RateLimiterMemory(spec);

export type Verdict = 'allow' | 'refuse' | 'disconnect';

/** Wrong room codes (and resume tokens) per client address: relay/limits/address-limits.ts. */
export interface GuessBudget {
  mayGuess(address: string): boolean;
  guessed(address: string): Promise<void>;
}

const noGuessBudget: GuessBudget = { mayGuess: () => true, guessed: async () => undefined };

const CLASSES = Object.keys(DEFAULT_BUDGETS) as LimitClass[];
const INDEX = Object.fromEntries(CLASSES.map((c, i) => [c, i])) as Record<LimitClass, number>;
/** Per class: steady window end, steady count, burst window end, burst count. */
const SLOTS = 4;

/** Budgets resolved once, in class order: [steady points, steady ms, burst points, burst ms] (burst 0: none). */
function resolve(budgets: LimitBudgets): Float64Array {
  const table = new Float64Array(CLASSES.length * SLOTS);
  CLASSES.forEach((cls, i) => {
    const b: Budget = budgets[cls] ?? DEFAULT_BUDGETS[cls];
    table.set([b.points, b.duration * 1000, b.burst?.points ?? 0, (b.burst?.duration ?? 0) * 1000], i * SLOTS);
  });
  return table;
}

/** Counts one point in a fixed window at `at` in `state`; true while within `points`. */
function spend(state: Float64Array, at: number, points: number, ms: number, now: number): boolean {
  if (now >= state[at]!) {
    state[at] = now + ms;
    state[at + 1] = 0;
  }
  return ++state[at + 1]! <= points;
}

/** One connection's budgets (a few dozen numbers); made by `ConnectionLimits.forConnection`. */
export class ConnectionBudget {
  private readonly state = new Float64Array(CLASSES.length * SLOTS);

  constructor(private readonly table: Float64Array) {}

  /** Consumes one point of the event's class; a refusal is a strike, too many strikes a disconnect. */
  check(event: keyof ClientToServerEvents): Verdict {
    if (this.take(INDEX[EVENT_CLASS[event]])) return 'allow';
    return this.take(INDEX.strikes) ? 'refuse' : 'disconnect';
  }

  private take(cls: number): boolean {
    const t = this.table;
    const at = cls * SLOTS;
    const now = Date.now();
    if (spend(this.state, at, t[at]!, t[at + 1]!, now)) return true;
    const burst = t[at + 2]!;
    return burst > 0 && spend(this.state, at + 2, burst, t[at + 3]!, now);
  }
}

export interface ConnectionLimits {
  /** A new connection's budgets. */
  forConnection(): ConnectionBudget;
  guesses: GuessBudget;
}

export function createLimits(budgets: LimitBudgets = {}, guesses: GuessBudget = noGuessBudget): ConnectionLimits {
  const table = resolve(budgets);
  return { guesses, forConnection: () => new ConnectionBudget(table) };
}
