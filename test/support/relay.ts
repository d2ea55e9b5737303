/**
 * A real relay on 127.0.0.1 (port 0 unless given) and typed socket.io clients, for integration
 * and browser tests:
 *
 *   const relay = await startRelay();            // { url, port, io, store, close() }
 *   const alice = await connectClient(relay.url); // typed Socket, connected
 *   const res = await alice.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Alice' } });
 *   ...
 *   alice.disconnect(); await relay.close();
 *
 * The relay shares its process with the test (its clients, a browser driver), so the load monitor
 * would count the test's CPU as the relay's and, on a busy machine, shed clock pings and telemetry
 * (relay/limits/load-shedding.ts) in a test that is not about load. So a test relay keeps up unless
 * the test passes a monitor of its own (`extra.load`), as overload.test.ts does.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { io as ioClient, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { createRelay, type RelayOptions } from '../../relay/app';
import { defaultConfig, type RelayConfig } from '../../relay/config';
import type { RelayServer } from '../../relay/context';
import type { ClientToServerEvents, ServerToClientEvents } from '../../relay/contract/protocol';
import type { LoadMonitor } from '../../relay/limits/load-shedding';
import type { RoomStore } from '../../relay/store/room-store';
import { memoryStoreFactory, type StoreFactory } from './stores';

export type TestClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface StartRelayOptions {
  /** Reuse a port (restart tests); 0 (any free port) by default. */
  port?: number;
  config?: Partial<RelayConfig>;
  /** An existing store (e.g. to survive a relay restart); otherwise one from `storeFactory`. */
  store?: RoomStore;
  storeFactory?: StoreFactory;
  logger?: Logger;
  extra?: Omit<RelayOptions, 'config' | 'logger' | 'store'>;
}

export interface TestRelay {
  url: string;
  port: number;
  io: RelayServer;
  store: RoomStore;
  /** Closes the relay and, when the helper created the store, the store too. */
  close(): Promise<void>;
}

/** A relay that is never saturated: nothing is shed. */
const keepsUp: LoadMonitor = { saturated: () => false, stop: () => undefined };

export async function startRelay(opts: StartRelayOptions = {}): Promise<TestRelay> {
  const config = defaultConfig({ HOST: '127.0.0.1', PORT: opts.port ?? 0, LOG_LEVEL: 'silent', ...opts.config });
  const logger = opts.logger ?? pino({ level: config.LOG_LEVEL });
  const owned = opts.store === undefined ? await (opts.storeFactory ?? memoryStoreFactory).create() : null;
  const store = opts.store ?? owned!.store;
  const http = createServer();
  const relay = createRelay(http, { config, logger, store, storeKind: opts.storeFactory?.name ?? 'memory', load: keepsUp, ...opts.extra });
  await new Promise<void>((done, fail) => {
    http.once('error', fail);
    http.listen(config.PORT, '127.0.0.1', () => done());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    io: relay.io,
    store,
    async close() {
      await relay.close();
      if (owned !== null) await owned.cleanup();
    },
  };
}

export type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/** A connected client (websocket transport, like the extension). Rejects on a refused handshake. */
export async function connectClient(url: string, opts: ClientOptions = {}): Promise<TestClient> {
  const socket: TestClient = ioClient(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
  await new Promise<void>((done, fail) => {
    socket.once('connect', () => done());
    socket.once('connect_error', (err) => {
      socket.disconnect();
      fail(err);
    });
  });
  return socket;
}

/** Resolves with the next `event` on `socket` (its arguments), or rejects after `timeoutMs`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestClient,
  event: E,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>> {
  return nextEventWhere(socket, event, () => true, timeoutMs);
}

/**
 * The next `event` on `socket` whose arguments satisfy `match`: for a wait that an earlier event of
 * the same name still on its way (a broadcast through Redis, which can come after its ack) must not end.
 */
export function nextEventWhere<E extends keyof ServerToClientEvents>(
  socket: TestClient,
  event: E,
  match: (...args: Parameters<ServerToClientEvents[E]>) => boolean,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      fail(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: Parameters<ServerToClientEvents[E]>): void => {
      if (!match(...args)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      done(args);
    };
    socket.on(event, listener as never);
  });
}
