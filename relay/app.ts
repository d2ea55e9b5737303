/**
 * createRelay: the socket.io relay on a given HTTP server, everything but listening.
 * Rooms live in the RoomStore only (several relays may serve one room through Redis);
 * a connection holds just {code, memberId}; broadcasts go to the socket.io room `room:CODE`.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type ServerOptions } from 'socket.io';
import { relayNow } from './clock';
import type { RelayConfig } from './config';
import { roomChannel, watchChannel, type RelayContext, type RelayServer } from './context';
import { createHealth } from './http/health';
import { createHttpHandler } from './http/http-routes';
import { createMetrics } from './http/metrics';
import { isAllowedOrigin } from './http/origins';
import { tightenTimeouts } from './http/server-timeouts';
import { guardAccepts } from './limits/accept-guard';
import { createAddressLimits } from './limits/address-limits';
import { createHandshakePacer } from './limits/handshake-pacer';
import { clientAddress } from './limits/client-address';
import { ConnectionQueue } from './limits/connection-queue';
import { dispatch, type Connection } from './limits/guard';
import { monitorLoad, type LoadMonitor } from './limits/load-shedding';
import { textOnlyParser } from './limits/text-only-parser';
import type { LimitBudgets } from './limits/rate-budgets';
import { createLimits, memoryLimiterFactory, type LimiterFactory } from './limits/rate-limits';
import { declaredFeatures, type Timeline } from './contract/protocol';
import { ROUTES } from './rooms/event-routes';
import { expireHoldAt } from './rooms/member-actions';
import { disconnected, recovered } from './rooms/room-handlers';
import { createSeatHandlers, noSeatRegistry, type SeatRegistry } from './rooms/seats';
import { StatusBoard } from './rooms/status-board';
import { TelemetryBoard } from './rooms/telemetry-board';
import { WatchedRooms, watchedCode, watchedCodes, watchList, watchLists, watchTtlMs } from './rooms/watched-rooms';
import { MemoryRecoveryAdapter } from './store/memory-recovery';
import { followingStore } from './rooms/followers';
import { statusEntry } from './rooms/room-view';
import type { RoomStore } from './store/room-store';

export interface RelayOptions {
  config: RelayConfig;
  logger: Logger;
  store: RoomStore;
  /** Which store backs the rooms (reported by /healthz). */
  storeKind?: 'memory' | 'redis';
  /** A socket.io adapter (constructor or factory), e.g. Redis streams for several relays. */
  adapter?: ServerOptions['adapter'];
  /** Backs what relays share: wrong room codes per address (per-connection budgets count in memory). */
  limiterFactory?: LimiterFactory;
  /** Overrides of the per-connection budgets (tests, load benchmarks). */
  budgets?: LimitBudgets;
  /** Extra readiness check (e.g. the adapter's connection); /healthz answers 503 when false. */
  ready?: () => boolean;
  /** Relay clock (ms); the monotonic high-resolution clock unless a test passes another. */
  now?: () => number;
  /** Where this relay records its seats, for other relays should it die (none for one relay alone). */
  seats?: SeatRegistry;
  /** Whether the relay is saturated (relay/limits/load-shedding.ts); a test may pass its own. */
  load?: LoadMonitor;
}

export interface Relay {
  io: RelayServer;
  /** Stops accepting, disconnects every client (members are marked away), waits for pending work. */
  close(): Promise<void>;
}

/** socket.io pings every 20 s: under the 30 s after which Chrome stops an idle extension worker. */
const PING_INTERVAL_MS = 20_000;
const RECOVERY_MS = 120_000;

export function createRelay(httpServer: HttpServer, options: RelayOptions): Relay {
  const { config, logger } = options;
  // Members follow each new timeline; those whose client does not do so itself hear the statuses it
  // implied, in the room's next status batch (and a member:updated each, for clients older than batches).
  const store = followingStore(options.store, (code, members, audience, seq) => {
    if (audience.batches) for (const m of members) statuses.record(code, statusEntry(m, seq), false);
    if (!audience.legacy) return;
    statuses.flush(code);
    for (const m of members) {
      metrics.eventsOut.count('member:updated');
      io.to(roomChannel(code)).emit('member:updated', m);
    }
  });
  const seats = options.seats ?? noSeatRegistry;
  const now = options.now ?? relayNow;
  const started = now();
  const pending = new Set<Promise<void>>();
  const holdTimers = new Set<NodeJS.Timeout>();
  let closing = false;

  const track = (p: Promise<void>): void => {
    const tracked = p.catch((err: unknown) => logger.error({ err }, 'relay task failed')).finally(() => pending.delete(tracked));
    pending.add(tracked);
  };

  tightenTimeouts(httpServer, config.HANDSHAKE_TIMEOUT_MS);
  const limiterFactory = options.limiterFactory ?? memoryLimiterFactory;
  const addresses = createAddressLimits(config, limiterFactory, (err) => logger.error({ err }, 'rate limiter failed'));
  // Handshakes go on a few per turn of the event loop, so a burst of them cannot stall open rooms.
  const pacer = createHandshakePacer();
  const addressOf = (req: IncomingMessage): string => clientAddress(req.socket.remoteAddress, req.headers, config.TRUST_PROXY);
  // Behind a proxy every connection has the proxy's address: only the handshake-level cap applies.
  if (!config.TRUST_PROXY)
    guardAccepts(httpServer, config.MAX_SOCKETS_PER_ADDRESS, () => metrics.refusals.inc({ reason: 'address_accept' }));

  const io: RelayServer = new Server(httpServer, {
    transports: ['websocket'],
    parser: textOnlyParser,
    // An upgraded connection that never joins the namespace is closed after this (socket.io: 45 s).
    connectTimeout: config.HANDSHAKE_TIMEOUT_MS,
    pingInterval: PING_INTERVAL_MS,
    pingTimeout: 20_000,
    maxHttpBufferSize: 16 * 1024,
    serveClient: false,
    // Recovery replays the broadcasts a client missed, so the relay keeps every broadcast for this long:
    // 2 min (socket.io's default) bounds that memory; a longer absence resumes with the resume token,
    // whose answer carries the whole room anyway.
    connectionStateRecovery: { maxDisconnectionDuration: Math.min(config.ROOM_GRACE_MS, RECOVERY_MS), skipMiddlewares: true },
    allowRequest: (req, cb) => {
      const origin = req.headers.origin;
      if (closing || !isAllowedOrigin(origin, config.ALLOWED_ORIGINS)) {
        metrics.refusals.inc({ reason: 'origin' });
        logger.info({ origin }, 'handshake refused');
        return cb('origin not allowed', false);
      }
      const address = addressOf(req);
      const admitted = pacer.enqueue(address, (ahead) =>
        addresses.admit(address, ahead).then(
          (refusal) => {
            if (refusal !== null) {
              metrics.refusals.inc({ reason: refusal });
              logger.debug({ reason: refusal }, 'handshake refused');
            }
            cb(refusal, refusal === null);
          },
          (err: unknown) => {
            logger.error({ err }, 'address limits failed');
            cb(null, true);
          },
        ),
      );
      if (!admitted) {
        metrics.refusals.inc({ reason: 'busy' });
        cb('busy', false);
      }
    },
    // One relay alone keeps its recovery broadcasts in memory, compactly (relay/store/memory-recovery.ts).
    adapter: options.adapter ?? MemoryRecoveryAdapter,
  });

  // Counted per engine.io connection (open until its transport closes), whether or not it joins.
  io.engine.on('connection', (raw: { request: IncomingMessage; once(event: 'close', cb: () => void): void }) => {
    const address = addressOf(raw.request);
    addresses.opened(address);
    raw.once('close', () => addresses.closed(address));
  });

  const metrics = createMetrics({ sockets: () => io.of('/').sockets.size, rooms: () => store.count() });
  const health = createHealth({
    store,
    storeKind: options.storeKind ?? 'memory',
    ready: options.ready,
    closing: () => closing,
    sockets: () => io.of('/').sockets.size,
    uptime: () => (now() - started) / 1000,
    logger,
  });
  // Registered after socket.io attached: socket.io answers its own path and passes others on.
  httpServer.on('request', createHttpHandler({ registry: metrics.registry, logger, health }));

  // Status reports go to the room in batches, each relay its own connections'.
  const statuses = new StatusBoard(config.STATUS_BATCH_MS, (code, entries, volatile) => {
    metrics.eventsOut.count('members:status');
    const room = io.to(roomChannel(code));
    (volatile ? room.volatile : room).emit('members:status', entries);
  });
  // With several relays (a cluster adapter), the others hear of this one's watchers and replay theirs; one relay alone has no one to ask.
  const clustered = options.adapter !== undefined;
  const watchedTtlMs = watchTtlMs(config.WATCH_REFRESH_MS);
  const watched = new WatchedRooms((code) => (io.of('/').adapter.rooms.get(watchChannel(code))?.size ?? 0) > 0, watchedTtlMs);
  // Telemetry goes only to the members that watch it (a popup open), from every relay in the room;
  // a room nobody watches gets none (watched-rooms.ts).
  const telemetry = new TelemetryBoard(
    config.TELEMETRY_FLUSH_MS,
    (code, entries) => {
      // A waiting status batch carries older offsets: it goes first.
      statuses.flush(code);
      metrics.eventsOut.count('members:telemetry');
      io.to(watchChannel(code)).volatile.emit('members:telemetry', entries);
    },
    Date.now,
    (code) => watched.watched(code),
  );
  /** This relay's connections in the room put their latest report on the board again. */
  const replayLocal = (code: string): void => {
    const sids = io.of('/').adapter.rooms.get(roomChannel(code));
    if (sids === undefined) return;
    for (const sid of sids) {
      const latest = io.of('/').sockets.get(sid)?.data.telemetry;
      if (latest !== undefined) telemetry.record(code, latest);
    }
  };
  // Other relays' messages are checked like any input: a bad one changes nothing.
  io.on('telemetry:replay', (msg: unknown) => {
    const code = watchedCode(msg);
    if (code === null) return logger.debug('telemetry:replay from another relay: malformed, ignored');
    watched.heard([code]);
    replayLocal(code);
  });
  io.on('telemetry:watched', (msg: unknown) => {
    const list = watchList(msg, watchedTtlMs);
    if (list === null) return logger.debug('telemetry:watched from another relay: malformed, ignored');
    for (const code of watched.heard(list.codes, list.ttlMs)) replayLocal(code);
  });
  const watchTimer = setInterval(() => {
    watched.prune();
    if (!clustered) return;
    const codes = watchedCodes(io.of('/').adapter.rooms, watchChannel(''));
    for (const list of watchLists(codes, watchedTtlMs)) io.serverSideEmit('telemetry:watched', list);
  }, config.WATCH_REFRESH_MS);
  watchTimer.unref();
  const telemetryTimer = setInterval(() => telemetry.tick(), telemetry.tickMs);

  const ctx: RelayContext = {
    io,
    store,
    config,
    logger,
    metrics,
    rules: { maxMembers: config.MAX_MEMBERS, graceMs: config.ROOM_GRACE_MS },
    seats,
    statuses,
    telemetry,
    replayTelemetry(code) {
      replayLocal(code);
      if (clustered) io.serverSideEmit('telemetry:replay', code);
    },
    now,
    broadcast(code, event, ...args) {
      // This relay's events reach the room in the order they happened: the waiting status reports first.
      statuses.flush(code);
      metrics.eventsOut.count(event);
      io.to(roomChannel(code)).emit(event, ...args);
    },
    announce(code, announcement, announced) {
      if (announced === undefined) return ctx.broadcast(code, announcement.event, ...announcement.args);
      statuses.flush(code);
      metrics.eventsOut.count(announcement.event);
      // As the adapter does for its own broadcasts: the entry's id last, for connection state recovery.
      const args: unknown[] = [...announcement.args, announced];
      (io.local.to(roomChannel(code)).emit as (event: string, ...args: unknown[]) => boolean)(announcement.event, ...args);
    },
    scheduleHold(code: string, timeline: Timeline) {
      if (timeline.holdUntil === null || closing) return;
      const timer = setTimeout(
        () => {
          holdTimers.delete(timer);
          const expire = async (): Promise<void> => {
            const r = await store.update(code, expireHoldAt(now()));
            if (r.ok) return ctx.broadcast(code, 'playback:state', r.value);
            // Node timers may fire a little early against the high-resolution clock: arm again.
            const room = r.error === 'not_due' ? await store.get(code) : null;
            if (room !== null) ctx.scheduleHold(code, room.timeline);
          };
          track(expire());
        },
        Math.max(0, timeline.holdUntil - now()) + 2,
      );
      holdTimers.add(timer);
    },
  };

  seats.start(createSeatHandlers(ctx));
  const limits = createLimits(options.budgets, addresses);
  const load = options.load ?? monitorLoad();

  io.on('connection', (socket) => {
    if (!socket.recovered) socket.data = { code: null, memberId: null };
    // What this connection's client declares it understands (a recovered one may be a newer extension).
    const features = declaredFeatures(socket.handshake.auth);
    socket.data.batches = features.has('members:status');
    socket.data.follows = features.has('status:follows');
    logger.debug({ sid: socket.id, ip: addressOf(socket.request), recovered: socket.recovered }, 'connected');
    // A protocol violation (binary, a malformed packet): socket.io closes the connection and reports it here.
    socket.on('error', (err) => {
      metrics.refusals.inc({ reason: 'protocol' });
      logger.info({ sid: socket.id, err: err.message }, 'protocol violation: disconnected');
    });
    const queue = new ConnectionQueue(track);
    const conn: Connection = { queue, budget: limits.forConnection(), guesses: limits.guesses, load };
    socket.onAny((event: unknown, ...args: unknown[]) => dispatch(ctx, socket, conn, ROUTES, event, args));
    socket.on('disconnect', (reason) => queue.serial(() => disconnected(ctx, socket, reason)));
    if (socket.recovered) queue.serial(() => recovered(ctx, socket));
  });

  return {
    io,
    async close() {
      closing = true;
      clearInterval(telemetryTimer);
      clearInterval(watchTimer);
      statuses.dispose();
      load.stop();
      for (const t of holdTimers) clearTimeout(t);
      holdTimers.clear();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
      while (pending.size > 0) await Promise.allSettled([...pending]);
      // Every member here is marked away by now: the heartbeat and the seats can go.
      await seats.stop();
    },
  };
}
