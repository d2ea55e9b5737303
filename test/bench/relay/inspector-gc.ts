/**
 * Forces a full garbage collection in a relay started with `--inspect=127.0.0.1:PORT`, through
 * the DevTools protocol (HeapProfiler.collectGarbage), so the benchmark can read what the relay
 * really retains per socket: heap "used" under load also counts garbage not yet collected.
 * Nothing in the relay changes for this; only the benchmark starts relays with the inspector.
 */
import WebSocket from 'ws';

interface Target {
  webSocketDebuggerUrl: string;
}

export async function collectGarbage(inspectPort: number): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Target[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (url === undefined) throw new Error(`no inspector target on port ${inspectPort}`);
  const ws = new WebSocket(url);
  try {
    await new Promise<void>((done, fail) => {
      ws.once('open', () => done());
      ws.once('error', fail);
    });
    // Twice: objects with finalizers (and weak references) are freed only by a second pass.
    for (const id of [1, 2]) {
      await new Promise<void>((done, fail) => {
        const onMessage = (data: WebSocket.RawData): void => {
          const msg = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
          if (msg.id !== id) return;
          ws.off('message', onMessage);
          if (msg.error !== undefined) fail(new Error(msg.error.message));
          else done();
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
      });
    }
  } finally {
    ws.close();
  }
}
