/** Per-connection limits: budgets per class (steady rate + burst), strikes, an injectable backend that may fail. */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { DEFAULT_BUDGETS, type LimitClass } from '../../../relay/limits/rate-budgets';
import { createLimits, type LimitSpec } from '../../../relay/limits/rate-limits';

test('the factory gets a steady and a burst limiter per class (prefixed), except pings and telemetry, which always count in memory', () => {
  const specs: Array<[LimitClass, LimitSpec]> = [];
  createLimits(
    (cls, spec) => {
      specs.push([cls, spec]);
      return new RateLimiterMemory(spec);
    },
    () => undefined,
  );
  const classes = new Set(specs.map(([cls]) => cls));
  expect([...classes].sort()).toEqual(
    Object.keys(DEFAULT_BUDGETS)
      .filter((c) => c !== 'ping' && c !== 'telemetry')
      .sort(),
  );
  const chat = specs.filter(([cls]) => cls === 'chat').map(([, spec]) => spec);
  const { burst, ...rate } = DEFAULT_BUDGETS.chat;
  expect(chat).toEqual([
    { keyPrefix: 'lockstep:rl:chat', ...rate },
    { keyPrefix: 'lockstep:rl:chat:burst', ...burst },
  ]);
  expect(specs.filter(([cls]) => cls === 'strikes')).toHaveLength(1);
});

test('a burst passes on top of the steady rate; once the burst pool is spent only the steady rate does', async () => {
  const limits = createLimits(
    (_cls, spec) => new RateLimiterMemory(spec),
    () => undefined,
    {
      control: { points: 2, duration: 1, burst: { points: 3, duration: 60 } },
      strikes: { points: 100, duration: 60 },
    },
  );
  const take = async (n: number): Promise<string[]> => {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await limits.check('playback:control', 'conn-1'));
    return out;
  };
  // 2 steady + 3 from the burst pool, then refused.
  expect(await take(6)).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'refuse']);
  // The next second's window gives the steady 2 again; the burst pool stays empty for a minute.
  // (rate-limiter-flexible's memory store reads Date.now and expires keys on timers: fake both.)
  jest.useFakeTimers({ now: Date.now() });
  try {
    await jest.advanceTimersByTimeAsync(1_050);
    expect(await take(3)).toEqual(['allow', 'allow', 'refuse']);
  } finally {
    jest.useRealTimers();
  }
});

test('clock pings never wait for the shared limiter backend', async () => {
  const limits = createLimits(
    () => ({ consume: () => new Promise<never>(() => undefined) }),
    () => undefined,
  );
  expect(await limits.check('time:ping', 'conn-1')).toBe('allow');
});

test('allow within budget, refuse beyond it, disconnect after too many refusals; budgets are per connection', async () => {
  const limits = createLimits(
    (_cls, spec) => new RateLimiterMemory(spec),
    () => undefined,
    {
      chat: { points: 2, duration: 60 },
      strikes: { points: 2, duration: 60 },
    },
  );
  const verdicts = [];
  for (let i = 0; i < 5; i++) verdicts.push(await limits.check('chat:send', 'conn-1'));
  expect(verdicts).toEqual(['allow', 'allow', 'refuse', 'refuse', 'disconnect']);
  expect(await limits.check('chat:send', 'conn-2')).toBe('allow');
  expect(await limits.check('playback:control', 'conn-1')).toBe('allow');
});

test('a failing limiter backend lets events through and reports the error', async () => {
  const errors: unknown[] = [];
  const limits = createLimits(
    () => ({ consume: () => Promise.reject(new Error('redis down')) }),
    (err) => errors.push(err),
  );
  expect(await limits.check('playback:control', 'conn-1')).toBe('allow');
  expect(errors).toEqual([new Error('redis down')]);
});
