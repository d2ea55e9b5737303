/**
 * At most HANDSHAKES_PER_TURN WebSocket handshakes go on per turn of the event loop; the rest wait
 * for the next turns, in arrival order, so the connections already open get their messages read in
 * between.
 *
 * Why (measured with `npm run test:chaos`): a thousand handshakes from many addresses arrive within
 * a few milliseconds (slow-loris, malformed frames, parked binary, fuzzers reconnecting). Each
 * upgrade, once admitted, costs an engine.io and a socket.io connection; done all together they
 * filled one turn for 70 ms or more, twice in a row, and a quiet room's control waited behind them
 * (p99 up to 224 ms against 12 ms quiet). Paced, a turn holds at most a few milliseconds of them.
 *
 * A handshake waits one turn (setImmediate) when the relay is quiet, which nobody notices. Past
 * MAX_WAITING queued handshakes, new ones are refused at once ('busy': the client's socket.io
 * retries with back-off) rather than held while their clients time out.
 */

/** Handshakes let through per turn: ~0.3 ms each on this machine, so a few ms a turn. */
export const HANDSHAKES_PER_TURN = 16;
/** Handshakes kept waiting at most (~60 turns' worth). */
export const MAX_WAITING = 1_000;

export interface HandshakePacer {
  /**
   * Runs `go` in a later turn, in order, or returns false (refused: too many waiting). `go` learns
   * how many handshakes with the same key (the client's address) went on before it in its turn:
   * those are admitted but not yet counted as open connections.
   */
  enqueue(key: string, go: (aheadInTurn: number) => void): boolean;
  /** Handshakes waiting now (tests, metrics). */
  readonly waiting: () => number;
}

export function createHandshakePacer(perTurn = HANDSHAKES_PER_TURN, maxWaiting = MAX_WAITING): HandshakePacer {
  let queue: Array<{ key: string; go: (aheadInTurn: number) => void }> = [];
  const turn = new Map<string, number>();
  let head = 0;
  let scheduled = false;

  const drain = (): void => {
    scheduled = false;
    turn.clear();
    const end = Math.min(queue.length, head + perTurn);
    while (head < end) {
      const { key, go } = queue[head]!;
      queue[head++] = DONE;
      const ahead = turn.get(key) ?? 0;
      turn.set(key, ahead + 1);
      go(ahead);
    }
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  };

  return {
    enqueue(key, go) {
      if (queue.length - head >= maxWaiting) return false;
      queue.push({ key, go });
      schedule();
      return true;
    },
    waiting: () => queue.length - head,
  };
}

const DONE = { key: '', go: (): void => {} };
