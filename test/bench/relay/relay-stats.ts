/** Reads a relay's own figures from its /metrics (prom-client default metrics) and summarises latencies. */
import { median } from '../../../extension/core/clock-sync';

export interface RelaySample {
  rss: number;
  heap: number;
  cpuSeconds: number;
  /** Events the relay shed while saturated (lockstep_shed_total, all events; 0 for the bare relay). */
  shed: number;
  /** Connections the relay closed as flooders (lockstep_refusals_total{reason="flood_disconnect"}). */
  floodDisconnects: number;
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
    floodDisconnects: Number(/^lockstep_refusals_total\{reason="flood_disconnect"\} ([0-9.e+-]+)$/m.exec(text)?.[1] ?? 0),
    shed: [...text.matchAll(/^lockstep_shed_total\{[^}]*\} ([0-9.e+-]+)$/gm)].reduce((n, m) => n + Number(m[1]), 0),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Run by run: the k-th of `runs` against the k-th of `against` (the same round of a repeated
 * `--scenarios` list, so minutes apart at most), and their median. On a shared machine a
 * neighbour's burst lands on one run; the median of the rounds is what it does not move.
 */
export function roundRatios(runs: number[], against: number[]): { ratios: number[]; median: number } {
  const ratios = runs.slice(0, against.length).map((x, k) => x / against[k]!);
  return { ratios, median: median(ratios) };
}

/** Connected sockets, from /healthz (the bare relay answers it too); -1 when it does not answer. */
export async function socketsHeld(url: string): Promise<number> {
  const res = await fetch(`${url}/healthz`);
  if (!res.ok) return -1;
  return ((await res.json()) as { sockets: number }).sockets;
}
