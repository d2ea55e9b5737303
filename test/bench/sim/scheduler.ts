/** Discrete-event virtual time: callbacks run in time order (ties in insertion order). */
interface Job {
  at: number;
  order: number;
  run: () => void;
}

export class Scheduler {
  now = 0;
  private queue: Job[] = [];
  private order = 0;

  at(time: number, run: () => void): void {
    const job = { at: Math.max(time, this.now), order: this.order++, run };
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.queue[mid] as Job;
      if (m.at < job.at || (m.at === job.at && m.order < job.order)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, job);
  }

  after(delayMs: number, run: () => void): void {
    this.at(this.now + delayMs, run);
  }

  /** Runs every job due up to `end`, then leaves `now` at `end`. */
  runUntil(end: number): void {
    while (this.queue.length > 0 && (this.queue[0] as Job).at <= end) {
      const job = this.queue.shift() as Job;
      this.now = job.at;
      job.run();
    }
    this.now = end;
  }
}
