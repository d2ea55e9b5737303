export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles; all NaN for an empty list. */
export function percentiles(values: readonly number[]): Percentiles {
  const s = Float64Array.from(values).sort();
  const at = (q: number): number => (s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number));
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.length === 0 ? NaN : (s[s.length - 1] as number) };
}
