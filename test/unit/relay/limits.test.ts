/** Per-connection limits: budgets per class, strikes, an injectable backend that may fail. */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { createLimits, DEFAULT_BUDGETS, type LimitClass, type LimitSpec } from '../../../relay/limits';

test('the factory gets one limiter per class, with a prefix per class', () => {
  const specs: Array<[LimitClass, LimitSpec]> = [];
  createLimits((cls, spec) => {
    specs.push([cls, spec]);
    return new RateLimiterMemory(spec);
  }, () => undefined);
  expect(specs.map(([cls]) => cls).sort()).toEqual(Object.keys(DEFAULT_BUDGETS).sort());
  expect(specs.find(([cls]) => cls === 'chat')?.[1]).toEqual({ keyPrefix: 'lockstep:rl:chat', ...DEFAULT_BUDGETS.chat });
});

test('allow within budget, refuse beyond it, disconnect after too many refusals; budgets are per connection', async () => {
  const limits = createLimits((_cls, spec) => new RateLimiterMemory(spec), () => undefined, {
    chat: { points: 2, duration: 60 },
    strikes: { points: 2, duration: 60 },
  });
  const verdicts = [];
  for (let i = 0; i < 5; i++) verdicts.push(await limits.check('chat:send', 'conn-1'));
  expect(verdicts).toEqual(['allow', 'allow', 'refuse', 'refuse', 'disconnect']);
  expect(await limits.check('chat:send', 'conn-2')).toBe('allow');
  expect(await limits.check('playback:control', 'conn-1')).toBe('allow');
});

test('a failing limiter backend lets events through and reports the error', async () => {
  const errors: unknown[] = [];
  const limits = createLimits(() => ({ consume: () => Promise.reject(new Error('redis down')) }), (err) => errors.push(err));
  expect(await limits.check('playback:control', 'conn-1')).toBe('allow');
  expect(errors).toEqual([new Error('redis down')]);
});
