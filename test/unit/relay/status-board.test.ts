import type { MemberStatusEntry } from '../../../relay/contract/protocol';
import { StatusBoard } from '../../../relay/rooms/status-board';

describe('StatusBoard', () => {
  const DELAY = 100;
  let sent: Array<[number, string, MemberStatusEntry[], boolean]> = [];
  let board: StatusBoard;
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    sent = [];
    board = new StatusBoard(DELAY, (code, entries, volatile) => sent.push([Date.now(), code, entries, volatile]));
  });
  afterEach(() => {
    board.dispose();
    jest.useRealTimers();
  });
  const e = (memberId: string, status: MemberStatusEntry['status'], offsetMs: number | null = null): MemberStatusEntry => ({
    memberId,
    status,
    offsetMs,
    rttMs: 20,
  });

  test("a room's reports go in one batch, DELAY after its first, with the latest of each member; rooms apart", () => {
    board.record('AAAA', e('a1', 'paused'), false);
    jest.advanceTimersByTime(40);
    board.record('BBBB', e('b1', 'playing'), false);
    board.record('AAAA', e('a2', 'paused'), false);
    board.record('AAAA', e('a1', 'playing', 5), false);
    expect(board.size).toBe(2);
    jest.advanceTimersByTime(59);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([[100, 'AAAA', [e('a1', 'playing', 5), e('a2', 'paused')], false]]);
    jest.advanceTimersByTime(40);
    expect(sent[1]).toEqual([140, 'BBBB', [e('b1', 'playing')], false]);
    expect(board.size).toBe(0);
    // A report after a batch starts the next one.
    board.record('AAAA', e('a2', 'buffering'), false);
    jest.advanceTimersByTime(DELAY);
    expect(sent[2]).toEqual([240, 'AAAA', [e('a2', 'buffering')], false]);
    expect(sent).toHaveLength(3);
  });

  test('flush sends the waiting batch at once and its timer does not send it again; a room with nothing waiting sends nothing', () => {
    board.flush('AAAA');
    board.record('AAAA', e('a1', 'paused'), false);
    jest.advanceTimersByTime(10);
    board.flush('AAAA');
    expect(sent).toEqual([[10, 'AAAA', [e('a1', 'paused')], false]]);
    jest.advanceTimersByTime(1000);
    expect(sent).toHaveLength(1);
  });

  test('volatile only when every report in it moved an offset or RTT: a status change keeps the batch reliable', () => {
    board.record('AAAA', e('a1', 'playing', 1), true);
    board.record('AAAA', e('a2', 'playing', 2), true);
    board.flush('AAAA');
    board.record('BBBB', e('b1', 'paused'), false);
    // The same member's later telemetry-only report replaces the entry, not the need to deliver it.
    board.record('BBBB', e('b1', 'paused', 9), true);
    board.flush('BBBB');
    expect(sent.map(([, code, , volatile]) => [code, volatile])).toEqual([
      ['AAAA', true],
      ['BBBB', false],
    ]);
    expect(sent[1]![2]).toEqual([e('b1', 'paused', 9)]);
  });

  test('dispose drops what waits', () => {
    board.record('AAAA', e('a1', 'paused'), false);
    board.dispose();
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
    expect(board.size).toBe(0);
  });
});
