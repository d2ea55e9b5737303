/**
 * The relay's own memory figures, read through its inspector (the relay runs with
 * `--inspect=127.0.0.1:PORT` under test:chaos): process.memoryUsage() after a full GC, so heap
 * "used" counts what the relay retains, and "external"/"arrayBuffers" what Buffers hold outside it.
 * RSS also counts what malloc keeps as its high-water mark after those are freed.
 */
import { createWriteStream } from 'node:fs';
import { openInspector } from '../bench/relay/inspector';

export interface RelayMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export async function relayMemory(inspectPort: number): Promise<RelayMemory> {
  const session = await openInspector(inspectPort);
  try {
    const reply = (await session.call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result?: { value?: string } };
    const value = reply.result?.value;
    if (value === undefined) throw new Error('no value');
    const mb = (n: number): number => n / 1024 / 1024;
    const m = JSON.parse(value) as Record<keyof RelayMemory, number>;
    return {
      rss: mb(m.rss),
      heapUsed: mb(m.heapUsed),
      heapTotal: mb(m.heapTotal),
      external: mb(m.external),
      arrayBuffers: mb(m.arrayBuffers),
    };
  } finally {
    session.close();
  }
}

/** Writes a heap snapshot of the relay (DevTools' .heapsnapshot format) to `file`. */
export async function heapSnapshot(inspectPort: number, file: string): Promise<void> {
  const session = await openInspector(inspectPort, { maxPayload: 1 << 30 });
  const out = createWriteStream(file);
  try {
    session.onEvent((method, params) => {
      if (method === 'HeapProfiler.addHeapSnapshotChunk') out.write((params as { chunk: string }).chunk);
    });
    await session.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    session.close();
    await new Promise((done) => out.end(done));
  }
}
