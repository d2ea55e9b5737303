/** Per-connection limits: budgets per class (steady rate + burst), strikes, counted in memory per connection. */
import { DEFAULT_BUDGETS, EVENT_CLASS } from '../../../relay/limits/rate-budgets';
import { createLimits } from '../../../relay/limits/rate-limits';

afterEach(() => jest.useRealTimers());

test('a burst passes on top of the steady rate; once the burst pool is spent only the steady rate does', () => {
  jest.useFakeTimers({ now: Date.now() });
  const limits = createLimits({
    control: { points: 2, duration: 1, burst: { points: 3, duration: 60 } },
    strikes: { points: 100, duration: 60 },
  }).forConnection();
  const take = (n: number): string[] => {
    const out = [];
    for (let i = 0; i < n; i++) out.push(limits.check('playback:control'));
    return out;
  };
  // 2 steady + 3 from the burst pool, then refused.
  expect(take(6)).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'refuse']);
  // The next second's window gives the steady 2 again; the burst pool stays empty for a minute.
  jest.advanceTimersByTime(1_050);
  expect(take(3)).toEqual(['allow', 'allow', 'refuse']);
  // A minute after the burst pool's first point, it is full again.
  jest.advanceTimersByTime(60_000);
  expect(take(6)).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'refuse']);
});

test('allow within budget, refuse beyond it, disconnect after too many refusals; budgets are per connection', () => {
  const limits = createLimits({
    chat: { points: 2, duration: 60 },
    strikes: { points: 2, duration: 60 },
  });
  const one = limits.forConnection();
  const verdicts = [];
  for (let i = 0; i < 5; i++) verdicts.push(one.check('chat:send'));
  expect(verdicts).toEqual(['allow', 'allow', 'refuse', 'refuse', 'disconnect']);
  expect(limits.forConnection().check('chat:send')).toBe('allow');
  expect(one.check('playback:control')).toBe('allow');
});

test('strikes are counted in their own window: refusals spread over more than it never disconnect', () => {
  jest.useFakeTimers({ now: Date.now() });
  const limits = createLimits({ chat: { points: 1, duration: 1 }, strikes: { points: 2, duration: 10 } }).forConnection();
  const verdicts = [];
  for (let round = 0; round < 4; round++) {
    verdicts.push(limits.check('chat:send'), limits.check('chat:send'));
    jest.advanceTimersByTime(10_000);
  }
  expect(verdicts).toEqual(['allow', 'refuse', 'allow', 'refuse', 'allow', 'refuse', 'allow', 'refuse']);
});

test('each class has a budget of its own: the default clock burst passes while controls are spent', () => {
  jest.useFakeTimers({ now: Date.now() });
  const limits = createLimits().forConnection();
  const { points, burst } = DEFAULT_BUDGETS.control;
  for (let i = 0; i < points + burst!.points; i++) expect(limits.check('playback:control')).toBe('allow');
  expect(limits.check('playback:control')).toBe('refuse');
  // extension/core/clock-sync.ts bursts 16 pings after a (re)connect.
  for (let i = 0; i < 16; i++) expect(limits.check('time:ping')).toBe('allow');
  expect(EVENT_CLASS['time:ping']).toBe('ping');
});
