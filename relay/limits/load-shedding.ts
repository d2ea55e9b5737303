/**
 * Is this relay saturated? A relay that cannot keep up runs late: a timer due every TICK_MS fires
 * later and later, and events wait in the kernel's socket buffers before the relay reads them.
 * While it is late by more than LATE_MS *and* was busy itself for at least BUSY of that time (and
 * for HOLD_MS after), relay/limits/guard.ts sheds the cheapest classes on arrival: clock pings (an
 * answer that waited in a backlog would be a false clock sample anyway: its round trip measures the
 * queue, not the network) and telemetry (the next report supersedes it). Controls, status
 * reports, joins and chat still go through.
 *
 * "Busy itself" tells saturation from a process the machine merely did not schedule for a moment
 * (a shared machine, a VM): that one is late too, but was not working, and has no backlog of its
 * own making to shed.
 *
 * `saturated()` costs one clock read (it runs for every ping and telemetry report): it also counts a tick that is overdue right now, so a long
 * stretch of work (the backlog after a stall, read in one go) sheds before the timer gets to run.
 */

/** The monitor's period. */
const TICK_MS = 50;
/** Late by this much: perhaps saturated. A relay within its targets is late by a few ms (bench:relay). */
export const LATE_MS = 150;
/** The share of the late stretch the relay spent on CPU itself, for it to count as saturated. */
const BUSY = 0.5;
/** Stays saturated this long after the last late tick, so shedding does not flap at each tick. */
const HOLD_MS = 1000;
/** While overdue and not busy, the CPU is read again at most this often (a read is a system call, ~1 µs here). */
const RECHECK_MS = 50;

export interface LoadMonitor {
  saturated(): boolean;
  stop(): void;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** `now` is Date.now by default: on this VM performance.now() costs 0.5 µs a call, Date.now() 0.2 µs. */
export function monitorLoad(now: () => number = Date.now): LoadMonitor {
  let last = now();
  let lastCpu = cpuMs();
  let until = -Infinity;
  let checkedAt = -Infinity;
  /** Marks the relay saturated when the stretch since the last tick was late and busy. */
  const check = (t: number): void => {
    if (t < until || t - last - TICK_MS <= LATE_MS || t - checkedAt < RECHECK_MS) return;
    checkedAt = t;
    if ((cpuMs() - lastCpu) / (t - last) >= BUSY) until = t + HOLD_MS;
  };
  const timer = setInterval(() => {
    const t = now();
    check(t);
    last = t;
    lastCpu = cpuMs();
  }, TICK_MS);
  timer.unref();
  return {
    saturated() {
      const t = now();
      check(t);
      return t < until;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
