/**
 * A TCP proxy on 127.0.0.1 that adds one-way delay and jitter to every chunk, per direction,
 * for putting a browser "far" from the relay (e.g. 20 ms, 75 ± 25 ms, 150 ± 50 ms).
 *
 * Jitter must not reorder a TCP stream, so a chunk is released at
 *   max(previous release in that direction, arrival + delay + uniform(-jitter, +jitter)),
 * which is what a real path does too: a late packet holds back the ones behind it.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface OneWay {
  /** Mean added delay in ms. */
  delayMs: number;
  /** Half-width of the uniform jitter in ms (0 by default). */
  jitterMs?: number;
}

export interface LatencyProfile {
  /** Browser → relay. */
  up: OneWay;
  /** Relay → browser. */
  down: OneWay;
}

export interface LatencyProxy {
  port: number;
  /** `http://127.0.0.1:<port>`, to hand to a client in place of the relay URL. */
  url: string;
  /** Points new connections at another port (e.g. a restarted relay). */
  retarget(port: number): void;
  /** Cuts every open connection, as a network drop would. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** The same delay and jitter both ways. */
export function symmetric(delayMs: number, jitterMs = 0): LatencyProfile {
  return { up: { delayMs, jitterMs }, down: { delayMs, jitterMs } };
}

/**
 * Forwards `from` to `to`, each chunk held back per `oneWay`. Chunks wait in one FIFO drained by a
 * single timer: separate timers per chunk can fire out of order (Node starts a timer from the
 * loop's cached clock), which reordered the stream in the unit test.
 */
function delayedPipe(from: Socket, to: Socket, oneWay: OneWay, random: () => number): void {
  const queue: { releaseAt: number; chunk: Buffer }[] = [];
  let lastRelease = 0;
  let timer: NodeJS.Timeout | null = null;
  let ended = false;
  const jitter = oneWay.jitterMs ?? 0;
  const drain = (): void => {
    timer = null;
    const now = performance.now();
    while (queue.length > 0 && (queue[0]?.releaseAt ?? Infinity) <= now + 0.5) {
      const head = queue.shift();
      if (head && !to.destroyed) to.write(head.chunk);
    }
    const next = queue[0];
    if (next) timer = setTimeout(drain, Math.max(0, next.releaseAt - now));
    else if (ended && !to.destroyed) to.end();
  };
  from.on('data', (chunk: Buffer) => {
    const wanted = performance.now() + Math.max(0, oneWay.delayMs + (random() * 2 - 1) * jitter);
    lastRelease = Math.max(lastRelease, wanted);
    queue.push({ releaseAt: lastRelease, chunk });
    if (timer === null) timer = setTimeout(drain, Math.max(0, lastRelease - performance.now()));
  });
  from.on('end', () => {
    ended = true;
    if (queue.length === 0 && !to.destroyed) to.end();
  });
}

export async function startLatencyProxy(
  targetPort: number,
  profile: LatencyProfile,
  random: () => number = Math.random,
): Promise<LatencyProxy> {
  let target = targetPort;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: target });
    track(client);
    track(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    delayedPipe(client, upstream, profile.up, random);
    delayedPipe(upstream, client, profile.down, random);
    // A reset on either side ends the pair; the error itself is the other side's business.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('latency proxy has no TCP address');
  const dropConnections = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    retarget: (port) => {
      target = port;
    },
    dropConnections,
    close: async () => {
      dropConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
