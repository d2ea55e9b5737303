/**
 * A DevTools-protocol session with a relay started with `--inspect=127.0.0.1:PORT` (only the
 * benchmarks and the chaos suite start relays so). `call` sends one command and resolves with its
 * result; `onEvent` hears the protocol's events (a heap snapshot's chunks).
 */
import WebSocket from 'ws';

interface Message {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
}

export interface InspectorSession {
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  onEvent(listener: (method: string, params: unknown) => void): void;
  close(): void;
}

export async function openInspector(inspectPort: number, options: WebSocket.ClientOptions = {}): Promise<InspectorSession> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const url = targets[0]?.webSocketDebuggerUrl;
  if (url === undefined) throw new Error(`no inspector target on port ${inspectPort}`);
  const ws = new WebSocket(url, options);
  await new Promise<void>((done, fail) => {
    ws.once('open', () => done());
    ws.once('error', fail);
  });
  const pending = new Map<number, { done: (result: unknown) => void; fail: (err: Error) => void }>();
  const listeners: Array<(method: string, params: unknown) => void> = [];
  let nextId = 1;
  ws.on('message', (data: WebSocket.RawData) => {
    const msg = JSON.parse(data.toString()) as Message;
    if (msg.id === undefined) {
      if (msg.method !== undefined) for (const l of listeners) l(msg.method, msg.params);
      return;
    }
    const waiter = pending.get(msg.id);
    if (waiter === undefined) return;
    pending.delete(msg.id);
    if (msg.error !== undefined) waiter.fail(new Error(msg.error.message));
    else waiter.done(msg.result);
  });
  return {
    call: (method, params = {}) =>
      new Promise((done, fail) => {
        const id = nextId++;
        pending.set(id, { done, fail });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    onEvent: (listener) => void listeners.push(listener),
    close: () => ws.close(),
  };
}
