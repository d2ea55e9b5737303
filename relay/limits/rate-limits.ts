/**
 * Per-connection rate limits (rate-limiter-flexible, keyed by socket id): the budgets of
 * relay/limits/rate-budgets.ts, applied.
 *
 * The limiter backend is injectable: memory by default, RateLimiterRedis when relays share
 * Redis. Clock pings and telemetry always count in memory: a connection lives on one relay, a
 * ping's answer must not wait for a Redis round trip (it would skew the member's clock estimate),
 * and telemetry, the most frequent event after pings, is not worth a Redis round trip each.
 */
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { ClientToServerEvents } from '../contract/protocol';
import { DEFAULT_BUDGETS, EVENT_CLASS, type LimitBudgets, type LimitClass } from './rate-budgets';

/** Classes counted in this relay's memory whatever the backend (see above). */
const LOCAL_CLASSES: ReadonlySet<LimitClass> = new Set(['ping', 'telemetry']);

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

export interface ConnectionLimits {
  /** Consumes one point of the event's class for this connection. */
  check(event: keyof ClientToServerEvents, connectionId: string): Promise<Verdict>;
  guesses: GuessBudget;
}

type BurstPart = ConstructorParameters<typeof BurstyRateLimiter>[0];
/** BurstyRateLimiter.consume calls only `consume` on its two limiters, which every ConsumeLimiter has. */
const asBurstPart = (limiter: ConsumeLimiter): BurstPart => limiter as BurstPart;

export function createLimits(
  factory: LimiterFactory,
  onError: (err: unknown) => void,
  budgets: LimitBudgets = {},
  guesses: GuessBudget = noGuessBudget,
): ConnectionLimits {
  const limiters = new Map<LimitClass, ConsumeLimiter>();
  for (const cls of Object.keys(DEFAULT_BUDGETS) as LimitClass[]) {
    const { burst, ...rate } = budgets[cls] ?? DEFAULT_BUDGETS[cls];
    const make = LOCAL_CLASSES.has(cls) ? memoryLimiterFactory : factory;
    const steady = make(cls, { ...rate, keyPrefix: `lockstep:rl:${cls}` });
    if (burst === undefined) limiters.set(cls, steady);
    else
      limiters.set(
        cls,
        new BurstyRateLimiter(asBurstPart(steady), asBurstPart(make(cls, { ...burst, keyPrefix: `lockstep:rl:${cls}:burst` }))),
      );
  }

  /** True when within budget; a limiter backend failure lets the event through (and is logged). */
  async function take(cls: LimitClass, key: string): Promise<boolean> {
    try {
      await limiters.get(cls)!.consume(key);
      return true;
    } catch (err) {
      if (err instanceof RateLimiterRes) return false;
      onError(err);
      return true;
    }
  }

  return {
    guesses,
    async check(event, connectionId) {
      if (await take(EVENT_CLASS[event], connectionId)) return 'allow';
      return (await take('strikes', connectionId)) ? 'refuse' : 'disconnect';
    },
  };
}
