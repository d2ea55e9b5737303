/**
 * Per-connection rate limits (rate-limiter-flexible, keyed by socket id), one budget per class of
 * event. An event over budget is refused with `rate_limited`; each refusal is a strike, and a
 * connection that collects `strikes.points` strikes within `strikes.duration` s is disconnected.
 * The limiter backend is injectable: memory by default, RateLimiterRedis when relays share Redis.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { ClientToServerEvents } from './protocol';

export type LimitClass = 'control' | 'chat' | 'join' | 'status' | 'ping' | 'other' | 'strikes';

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

/**
 * Budgets sized for people, not scripts: a burst of seeks while scrubbing, the engine's status
 * reports (on change, at most a few a second), the clock burst of ~8 pings after a (re)connect.
 */
export const DEFAULT_BUDGETS: Record<LimitClass, Omit<LimitSpec, 'keyPrefix'>> = {
  control: { points: 20, duration: 5 },
  chat: { points: 10, duration: 10 },
  join: { points: 10, duration: 60 },
  status: { points: 30, duration: 5 },
  ping: { points: 40, duration: 5 },
  other: { points: 10, duration: 10 },
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
  'playback:control': 'control',
  'chat:send': 'chat',
  'time:ping': 'ping',
};

export type Verdict = 'allow' | 'refuse' | 'disconnect';

export interface ConnectionLimits {
  /** Consumes one point of the event's class for this connection. */
  check(event: keyof ClientToServerEvents, connectionId: string): Promise<Verdict>;
}

export type LimitBudgets = Partial<Record<LimitClass, Omit<LimitSpec, 'keyPrefix'>>>;

export function createLimits(factory: LimiterFactory, onError: (err: unknown) => void, budgets: LimitBudgets = {}): ConnectionLimits {
  const limiters = new Map<LimitClass, ConsumeLimiter>();
  for (const cls of Object.keys(DEFAULT_BUDGETS) as LimitClass[]) {
    const spec = { ...DEFAULT_BUDGETS[cls], ...budgets[cls], keyPrefix: `lockstep:rl:${cls}` };
    limiters.set(cls, factory(cls, spec));
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
