/**
 * The relay's own memory figures, read through its inspector (the relay runs with
 * `--inspect=127.0.0.1:PORT` under test:chaos): process.memoryUsage() after a full GC, so heap
 * "used" counts what the relay retains, and "external"/"arrayBuffers" what Buffers hold outside it.
 * RSS also counts what malloc keeps as its high-water mark after those are freed.
 */
import WebSocket from 'ws';

export interface RelayMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export async function relayMemory(inspectPort: number): Promise<RelayMemory> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const url = targets[0]?.webSocketDebuggerUrl;
  if (url === undefined) throw new Error(`no inspector target on port ${inspectPort}`);
  const ws = new WebSocket(url);
  try {
    await new Promise<void>((done, fail) => {
      ws.once('open', () => done());
      ws.once('error', fail);
    });
    const reply = await new Promise<string>((done, fail) => {
      ws.on('message', (data: WebSocket.RawData) => {
        const msg = JSON.parse(data.toString()) as { id?: number; result?: { result?: { value?: string } }; error?: { message: string } };
        if (msg.id !== 1) return;
        if (msg.error !== undefined || msg.result?.result?.value === undefined) fail(new Error(msg.error?.message ?? 'no value'));
        else done(msg.result.result.value);
      });
      ws.send(
        JSON.stringify({
          id: 1,
          method: 'Runtime.evaluate',
          params: { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true },
        }),
      );
    });
    const mb = (n: number): number => n / 1024 / 1024;
    const m = JSON.parse(reply) as Record<keyof RelayMemory, number>;
    return {
      rss: mb(m.rss),
      heapUsed: mb(m.heapUsed),
      heapTotal: mb(m.heapTotal),
      external: mb(m.external),
      arrayBuffers: mb(m.arrayBuffers),
    };
  } finally {
    ws.close();
  }
}

/** Writes a heap snapshot of the relay (DevTools' .heapsnapshot format) to `file`. */
export async function heapSnapshot(inspectPort: number, file: string): Promise<void> {
  const { createWriteStream } = await import('node:fs');
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl, { maxPayload: 1 << 30 });
  const out = createWriteStream(file);
  try {
    await new Promise<void>((done, fail) => {
      ws.once('open', () => done());
      ws.once('error', fail);
    });
    await new Promise<void>((done, fail) => {
      ws.on('message', (data: WebSocket.RawData) => {
        const msg = JSON.parse(data.toString()) as {
          id?: number;
          method?: string;
          params?: { chunk: string };
          error?: { message: string };
        };
        if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') out.write(msg.params!.chunk);
        else if (msg.id === 1) {
          if (msg.error !== undefined) fail(new Error(msg.error.message));
          else done();
        }
      });
      ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.takeHeapSnapshot', params: { reportProgress: false } }));
    });
  } finally {
    ws.close();
    await new Promise((done) => out.end(done));
  }
}
