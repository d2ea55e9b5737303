/**
 * A connection's events run one after another: two joins in flight from one socket must not both
 * pass the "already in a room" check, and controls apply in the order they were sent
 * (relay/limits/guard.ts puts every event but `time:ping` in the queue).
 */

/** One connection's queue; everything else the guard needs is shared. */
export class ConnectionQueue {
  private tail: Promise<void> = Promise.resolve();
  queued = 0;
  overflows = 0;

  constructor(private readonly track: (p: Promise<void>) => void) {}

  /** Runs a task after the ones before it (e.g. the disconnect bookkeeping, after pending events). */
  serial(task: () => Promise<void>): void {
    this.queued++;
    const run = this.tail.then(task).finally(() => this.queued--);
    this.tail = run.catch(() => undefined); // failures are logged by `track`
    this.track(run);
  }
}
