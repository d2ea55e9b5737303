/** Reads a relay's own figures from its /metrics (prom-client default metrics) and summarises latencies. */

export interface RelaySample {
  rss: number;
  heap: number;
  cpuSeconds: number;
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  if (m === null) throw new Error(`/metrics has no ${name}`);
  return Number(m[1]);
}

export async function sampleRelay(url: string): Promise<RelaySample> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    rss: metric(text, 'lockstep_process_resident_memory_bytes'),
    heap: metric(text, 'lockstep_nodejs_heap_size_used_bytes'),
    cpuSeconds: metric(text, 'lockstep_process_cpu_seconds_total'),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
