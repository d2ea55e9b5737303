/** Handshakes paced per turn of the event loop: in order, a few a turn, refused past the queue's cap. */
import { createHandshakePacer } from '../../../relay/limits/handshake-pacer';

afterEach(() => jest.useRealTimers());

test('nothing runs in the turn it arrived; then at most perTurn a turn, in arrival order', () => {
  jest.useFakeTimers();
  const pacer = createHandshakePacer(3, 100);
  const ran: number[] = [];
  for (let i = 0; i < 8; i++) expect(pacer.enqueue(`10.0.0.${i}`, () => ran.push(i))).toBe(true);
  expect(ran).toEqual([]);
  expect(pacer.waiting()).toBe(8);
  jest.advanceTimersToNextTimer();
  expect(ran).toEqual([0, 1, 2]);
  jest.advanceTimersToNextTimer();
  expect(ran).toEqual([0, 1, 2, 3, 4, 5]);
  jest.advanceTimersToNextTimer();
  expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(pacer.waiting()).toBe(0);
  // Idle again: a new one runs in the next turn, alone.
  pacer.enqueue('10.0.0.9', () => ran.push(9));
  jest.advanceTimersToNextTimer();
  expect(ran.at(-1)).toBe(9);
  expect(jest.getTimerCount()).toBe(0);
});

test('each handshake learns how many from its address went on before it in the same turn', () => {
  jest.useFakeTimers();
  const pacer = createHandshakePacer(4, 100);
  const seen: Array<[string, number]> = [];
  for (const key of ['a', 'a', 'b', 'a', 'a', 'b']) pacer.enqueue(key, (ahead) => seen.push([key, ahead]));
  jest.advanceTimersToNextTimer();
  expect(seen).toEqual([
    ['a', 0],
    ['a', 1],
    ['b', 0],
    ['a', 2],
  ]);
  // A new turn: the earlier ones have opened (or failed) by now, so nothing is ahead.
  jest.advanceTimersToNextTimer();
  expect(seen.slice(4)).toEqual([
    ['a', 0],
    ['b', 0],
  ]);
});

test('past maxWaiting queued handshakes, new ones are refused at once and the queued ones still run', () => {
  jest.useFakeTimers();
  const pacer = createHandshakePacer(2, 3);
  const ran: string[] = [];
  expect(['x', 'y', 'z', 'w'].map((k) => pacer.enqueue(k, () => ran.push(k)))).toEqual([true, true, true, false]);
  jest.advanceTimersToNextTimer();
  expect(pacer.enqueue('v', () => ran.push('v'))).toBe(true);
  jest.runAllTimers();
  expect(ran).toEqual(['x', 'y', 'z', 'v']);
});
