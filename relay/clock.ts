/**
 * The relay clock: high resolution and monotonic (performance.now() never goes back), on a
 * wall-clock-like base (performance.timeOrigin) so relays started at different times roughly agree.
 */
export function relayNow(): number {
  return performance.timeOrigin + performance.now();
}
