import type { MemberTelemetry } from '../../../relay/contract/protocol';
import { TelemetryBoard } from '../../../relay/rooms/telemetry-board';

describe('TelemetryBoard', () => {
  const INTERVAL = 2000;
  let now = 0;
  let sent: Array<[number, string, MemberTelemetry[]]> = [];
  let board: TelemetryBoard;
  beforeEach(() => {
    now = 100_000;
    sent = [];
    board = new TelemetryBoard(
      INTERVAL,
      (code, entries) => sent.push([now, code, entries]),
      () => now,
    );
  });
  const t = (memberId: string, offsetMs: number): MemberTelemetry => ({ memberId, offsetMs, rttMs: 20 });
  /** Runs the ticks from now until `until` (ms later), as the relay's interval would. */
  const run = (ms: number): void => {
    const end = now + ms;
    while (now < end) {
      now += board.tickMs;
      board.tick();
    }
  };

  test('one batch per room with the latest report of each member; a room with news after a quiet interval goes at the next tick', () => {
    board.record('AAAA', t('a1', 1));
    board.record('AAAA', t('a2', 2));
    board.record('AAAA', t('a1', 3));
    board.record('BBBB', t('b1', 4));
    expect(board.size).toBe(2);
    expect(board.tickMs).toBe(200);
    run(200);
    expect(sent).toEqual([
      [100_200, 'AAAA', [t('a1', 3), t('a2', 2)]],
      [100_200, 'BBBB', [t('b1', 4)]],
    ]);
    run(5000);
    expect(sent).toHaveLength(2);
  });

  test('a room sends at most one batch per interval, at its own phase: rooms do not all go in one tick', () => {
    // Room A reports at 0 ms, room B at 1000 ms, both every 500 ms for 8 s.
    for (let ms = 0; ms < 8000; ms += 100) {
      if (ms % 500 === 0) board.record('AAAA', t('a1', ms));
      if (ms % 500 === 0 && ms >= 1000) board.record('BBBB', t('b1', ms));
      now += 100;
      if (ms % board.tickMs === 0) board.tick();
    }
    const times = (code: string): number[] => sent.filter(([, c]) => c === code).map(([at]) => at - 100_000);
    const gaps = (xs: number[]): number[] => xs.slice(1).map((x, i) => x - xs[i]!);
    expect(gaps(times('AAAA')).every((g) => g >= INTERVAL)).toBe(true);
    expect(gaps(times('BBBB')).every((g) => g >= INTERVAL)).toBe(true);
    expect(times('AAAA').length).toBeGreaterThanOrEqual(3);
    expect(times('AAAA').filter((x) => times('BBBB').includes(x))).toEqual([]);
    // Each batch carries the latest report of its room at the time it went.
    for (const [at, , entries] of sent.filter(([, c]) => c === 'AAAA'))
      expect(entries).toEqual([t('a1', Math.floor((at - 100_000 - 1) / 500) * 500)]);
  });

  test('a forgotten member is not sent; a room left empty is not sent at all', () => {
    board.record('AAAA', t('a1', 1));
    board.record('AAAA', t('a2', 2));
    board.record('BBBB', t('b1', 4));
    board.forget('AAAA', 'a1');
    board.forget('BBBB', 'b1');
    board.forget('CCCC', 'c1');
    run(200);
    expect(sent.map(([, c, e]) => [c, e])).toEqual([['AAAA', [t('a2', 2)]]]);
  });

  test('a report recorded while a batch is sent waits for the next interval', () => {
    const late = new TelemetryBoard(
      INTERVAL,
      (code, entries) => {
        sent.push([now, code, entries]);
        if (entries[0]?.offsetMs === 1) late.record('AAAA', t('a1', 9));
      },
      () => now,
    );
    board = late;
    late.record('AAAA', t('a1', 1));
    run(200);
    run(1600);
    expect(sent.map(([at, , e]) => [at - 100_000, e])).toEqual([[200, [t('a1', 1)]]]);
    run(400);
    expect(sent.map(([at, , e]) => [at - 100_000, e])).toEqual([
      [200, [t('a1', 1)]],
      [2200, [t('a1', 9)]],
    ]);
  });

  test('a room nobody watches keeps no reports; one that stops being watched before its batch is due gets none', () => {
    const watched = new Set(['AAAA', 'BBBB']);
    board = new TelemetryBoard(
      INTERVAL,
      (code, entries) => sent.push([now, code, entries]),
      () => now,
      (code) => watched.has(code),
    );
    board.record('CCCC', t('c1', 1));
    expect(board.size).toBe(0);
    board.record('AAAA', t('a1', 2));
    board.record('BBBB', t('b1', 3));
    watched.delete('BBBB');
    run(200);
    expect(sent.map(([, c, e]) => [c, e])).toEqual([['AAAA', [t('a1', 2)]]]);
    expect(board.size).toBe(0);
    // Watched again: its next report goes at once (a dropped batch does not delay it).
    watched.add('BBBB');
    board.record('BBBB', t('b1', 4));
    run(200);
    expect(sent.map(([, c, e]) => [c, e])).toEqual([
      ['AAAA', [t('a1', 2)]],
      ['BBBB', [t('b1', 4)]],
    ]);
  });
});
