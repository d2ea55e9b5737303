/**
 * Per-connection rate limits (rate-limiter-flexible, keyed by socket id), one budget per class of
 * event. A budget is a token bucket as rate-limiter-flexible builds one: a steady rate (`points`
 * per `duration` s) plus a burst pool (`burst.points` per `burst.duration` s, BurstyRateLimiter)
 * that is drawn on only when the steady rate is used up and refills slowly, so a short burst (a
 * clock burst, scrubbing) passes while a sustained flood does not. An event over budget is
 * refused with `rate_limited`; each refusal is a strike, and a connection that collects
 * `strikes.points` strikes within `strikes.duration` s is disconnected.
 *
 * The limiter backend is injectable: memory by default, RateLimiterRedis when relays share
 * Redis. Clock pings and telemetry always count in memory: a connection lives on one relay, a
 * ping's answer must not wait for a Redis round trip (it would skew the member's clock estimate),
 * and telemetry, the most frequent event after pings, is not worth a Redis round trip each.
 */
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { ClientToServerEvents } from './protocol';

export type LimitClass = 'control' | 'chat' | 'join' | 'status' | 'telemetry' | 'ping' | 'other' | 'strikes';

/** Classes counted in this relay's memory whatever the backend (see above). */
const LOCAL_CLASSES: ReadonlySet<LimitClass> = new Set(['ping', 'telemetry']);

/** Fixed-window budget: `points` per `duration` seconds. */
export interface LimitSpec {
  keyPrefix: string;
  points: number;
  duration: number;
}

/** A steady rate and, optionally, a burst pool on top of it. */
export interface Budget {
  points: number;
  duration: number;
  burst?: { points: number; duration: number };
}

/** What the relay needs of a limiter (RateLimiterMemory, RateLimiterRedis, ... all fit). */
export interface ConsumeLimiter {
  consume(key: string, points?: number): Promise<unknown>;
}

export type LimiterFactory = (cls: LimitClass, spec: LimitSpec) => ConsumeLimiter;

export const memoryLimiterFactory: LimiterFactory = (_cls, spec) => new RateLimiterMemory(spec);

/**
 * Budgets sized for people, not scripts: scrubbing sends a burst of seeks; the engine reports
 * status on change (more around a stall) and telemetry at most every 2 s; the clock sends a
 * burst of 16 pings after a (re)connect (extension/core/clock-sync.ts), then one a second.
 */
export const DEFAULT_BUDGETS: Record<LimitClass, Budget> = {
  control: { points: 4, duration: 1, burst: { points: 16, duration: 10 } },
  chat: { points: 1, duration: 1, burst: { points: 9, duration: 10 } },
  join: { points: 5, duration: 60, burst: { points: 5, duration: 60 } },
  status: { points: 4, duration: 1, burst: { points: 16, duration: 10 } },
  telemetry: { points: 2, duration: 1, burst: { points: 10, duration: 10 } },
  ping: { points: 10, duration: 1, burst: { points: 30, duration: 10 } },
  other: { points: 1, duration: 1, burst: { points: 9, duration: 10 } },
  // A count of refusals, not a rate: no burst.
  strikes: { points: 20, duration: 10 },
};

export const EVENT_CLASS: Record<keyof ClientToServerEvents, Exclude<LimitClass, 'strikes'>> = {
  'room:create': 'join',
  'room:join': 'join',
  'room:resume': 'join',
  'room:leave': 'join',
  'room:settings': 'other',
  'room:transfer-host': 'other',
  'member:profile': 'other',
  'member:status': 'status',
  'member:telemetry': 'telemetry',
  'playback:control': 'control',
  'chat:send': 'chat',
  'time:ping': 'ping',
};

export type Verdict = 'allow' | 'refuse' | 'disconnect';

export interface ConnectionLimits {
  /** Consumes one point of the event's class for this connection. */
  check(event: keyof ClientToServerEvents, connectionId: string): Promise<Verdict>;
}

type BurstPart = ConstructorParameters<typeof BurstyRateLimiter>[0];
/** BurstyRateLimiter.consume calls only `consume` on its two limiters, which every ConsumeLimiter has. */
const asBurstPart = (limiter: ConsumeLimiter): BurstPart => limiter as BurstPart;

/** Overrides per class; an override without `burst` is a plain fixed window. */
export type LimitBudgets = Partial<Record<LimitClass, Budget>>;

export function createLimits(factory: LimiterFactory, onError: (err: unknown) => void, budgets: LimitBudgets = {}): ConnectionLimits {
  const limiters = new Map<LimitClass, ConsumeLimiter>();
  for (const cls of Object.keys(DEFAULT_BUDGETS) as LimitClass[]) {
    const { burst, ...rate } = budgets[cls] ?? DEFAULT_BUDGETS[cls];
    const make = LOCAL_CLASSES.has(cls) ? memoryLimiterFactory : factory;
    const steady = make(cls, { ...rate, keyPrefix: `lockstep:rl:${cls}` });
    if (burst === undefined) limiters.set(cls, steady);
    else limiters.set(cls, new BurstyRateLimiter(asBurstPart(steady), asBurstPart(make(cls, { ...burst, keyPrefix: `lockstep:rl:${cls}:burst` }))));
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
    async check(event, connectionId) {
      if (await take(EVENT_CLASS[event], connectionId)) return 'allow';
      return (await take('strikes', connectionId)) ? 'refuse' : 'disconnect';
    },
  };
}
