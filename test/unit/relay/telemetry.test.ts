import type { MemberTelemetry } from '../../../relay/protocol';
import { TelemetryBoard } from '../../../relay/telemetry';

describe('TelemetryBoard', () => {
  const sent: Array<[string, MemberTelemetry[]]> = [];
  const board = new TelemetryBoard((code, entries) => sent.push([code, entries]));
  beforeEach(() => {
    sent.length = 0;
    board.flush();
    sent.length = 0;
  });
  const t = (memberId: string, offsetMs: number): MemberTelemetry => ({ memberId, offsetMs, rttMs: 20 });

  test('one batch per room per flush, with the latest report of each member', () => {
    board.record('AAAA', t('a1', 1));
    board.record('AAAA', t('a2', 2));
    board.record('AAAA', t('a1', 3));
    board.record('BBBB', t('b1', 4));
    expect(board.size).toBe(2);
    board.flush();
    expect(sent).toEqual([
      ['AAAA', [t('a1', 3), t('a2', 2)]],
      ['BBBB', [t('b1', 4)]],
    ]);
    sent.length = 0;
    board.flush();
    expect(sent).toEqual([]);
  });

  test('a forgotten member is not sent; a room left empty is not sent at all', () => {
    board.record('AAAA', t('a1', 1));
    board.record('AAAA', t('a2', 2));
    board.record('BBBB', t('b1', 4));
    board.forget('AAAA', 'a1');
    board.forget('BBBB', 'b1');
    board.forget('CCCC', 'c1');
    board.flush();
    expect(sent).toEqual([['AAAA', [t('a2', 2)]]]);
  });

  test('a report recorded while a flush sends goes out in the next one', () => {
    const late = new TelemetryBoard((code, entries) => {
      sent.push([code, entries]);
      if (code === 'AAAA') late.record('AAAA', t('a1', 9));
    });
    late.record('AAAA', t('a1', 1));
    late.flush();
    late.flush();
    expect(sent).toEqual([
      ['AAAA', [t('a1', 1)]],
      ['AAAA', [t('a1', 9)]],
    ]);
  });
});
