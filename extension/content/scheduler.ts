/**
 * The timers and clock a content-side object runs on. Passed in, so unit tests drive it with jest's
 * fake timers (or any scheduler) instead of sleeping.
 */
export interface Scheduler {
  /** Local ms in the sync engine's base (`performance.timeOrigin + performance.now()`). */
  now(): number;
  setTimeout(run: () => void, ms: number): ReturnType<typeof setTimeout>;
  clearTimeout(handle: ReturnType<typeof setTimeout>): void;
  setInterval(run: () => void, ms: number): ReturnType<typeof setInterval>;
  clearInterval(handle: ReturnType<typeof setInterval>): void;
}

/** The page's own timers; looked up at call time, so fake timers installed later are used too. */
export const pageScheduler: Scheduler = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle),
  setInterval: (run, ms) => setInterval(run, ms),
  clearInterval: (handle) => clearInterval(handle),
};
