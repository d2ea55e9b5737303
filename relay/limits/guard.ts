/**
 * Every client event passes through here before a handler sees it: ack present, rate limit,
 * schema validation. Failures are answered with an error ack (when there is an ack), counted,
 * change nothing and keep the connection up; only a persistent flooder is disconnected.
 * Handler exceptions become `internal` (details only in the log), never an unhandled rejection, or
 * `unavailable` when the store is no longer ready.
 *
 * A connection's events run one after another (a per-connection queue): two joins in flight
 * from one socket must not both pass the "already in a room" check, and controls apply in the
 * order they were sent. `time:ping` skips the queue: its answer must be immediate. Events without
 * an ack (`member:telemetry`) go through the same checks; a refusal is counted, never answered.
 *
 * The budget is spent when an event arrives, before it is queued (relay/limits/rate-limits.ts
 * counts in memory, synchronously), so the queue holds only events within budget. Overload
 * (relay/limits/load-shedding.ts): while this relay is saturated, clock pings and telemetry, the
 * cheapest classes to lose, are dropped on arrival (not counted against the budget; counted in
 * `lockstep_shed_total`); everything else still goes through. A saturated relay never disconnects a
 * client for what piled up: its queue may grow past MAX_QUEUED. Budgets still apply, strikes and
 * all: a clump that arrives after a stall is within them (burst pools hold ~10 s of what the
 * extension sends of each class; pings and telemetry, the frequent ones, are shed, not counted),
 * and a flooder must not get to stay connected by keeping the relay saturated.
 *
 * Memory: a connection holds one listener (socket.onAny), one small ConnectionQueue and its
 * ConnectionBudget; the routes, the dispatch and the handlers are shared by all connections (at 10k
 * sockets, a few dozen closures and two child loggers per connection were kilobytes each).
 */
import type * as z from 'zod/mini';
import type { RelayContext, RelaySocket } from '../context';
import { clientAddress } from './client-address';
import type { ConnectionQueue } from './connection-queue';
import type { LoadMonitor } from './load-shedding';
import type { ConnectionBudget, GuessBudget } from './rate-limits';
import { ErrorCode, type ClientToServerEvents, type Result } from '../contract/protocol';

type Ack = (res: unknown) => void;

/**
 * Events waiting in one connection's queue before new ones are refused outright, while the relay
 * keeps up: a client whose events pile up then is sending faster than a healthy relay handles
 * them, and is treated as a flooder (refusals, then a disconnect).
 */
const MAX_QUEUED = 64;
/**
 * The bound while the relay is saturated: the pile-up is the relay's doing, so events are queued
 * well past MAX_QUEUED, and past this (memory) refused `unavailable` (try again), never with a strike.
 */
const MAX_QUEUED_SATURATED = 1024;

export type EventName = keyof ClientToServerEvents;

/** How one client event is handled: a payload schema (null: no payload) and a handler with a Result ack. */
export interface Route<T = unknown> {
  schema: z.ZodMiniType<T> | null;
  run(ctx: RelayContext, socket: RelaySocket, payload: T): Promise<Result<unknown>>;
}

/** An event acked with a bare value (time:ping), answered at once, outside the queue; over budget: no answer. */
export interface BareRoute {
  bare(ctx: RelayContext): unknown;
}

/** An event sent without an ack (telemetry): checked like the others, in the queue; nothing is answered. */
export interface FireRoute<T = unknown> {
  schema: z.ZodMiniType<T>;
  fire(ctx: RelayContext, socket: RelaySocket, payload: T): Promise<void>;
}

export type Routes = { [E in EventName]: Route<never> | BareRoute | FireRoute<never> };

/** Declares a route with its payload type tied to its schema. */
export function route<T>(
  schema: z.ZodMiniType<T> | null,
  run: (ctx: RelayContext, socket: RelaySocket, payload: T) => Promise<Result<unknown>>,
): Route<never> {
  return { schema, run } as Route<never>;
}

/** Declares an event without an ack, its payload type tied to its schema. */
export function fire<T>(
  schema: z.ZodMiniType<T>,
  run: (ctx: RelayContext, socket: RelaySocket, payload: T) => Promise<void>,
): FireRoute<never> {
  return { schema, fire: run } as unknown as FireRoute<never>;
}

function isAck(x: unknown): x is Ack {
  return typeof x === 'function';
}

function refuse(ctx: RelayContext, socket: RelaySocket, event: EventName, ack: Ack | null, error: ErrorCode): void {
  ctx.metrics.refusals.inc({ reason: error });
  ctx.logger.debug({ sid: socket.id, event, error }, 'refused');
  if (ack !== null) ack({ ok: false, error } satisfies Result<never>);
}

function flooded(ctx: RelayContext, socket: RelaySocket, event: EventName): void {
  if (!socket.connected) return;
  ctx.metrics.refusals.inc({ reason: 'flood_disconnect' });
  ctx.logger.warn({ sid: socket.id, event }, 'flooding: disconnected');
  socket.disconnect(true);
}

/**
 * Applies the rate limit on arrival; false when the event must not run. The refusal is answered in
 * the connection's order (after the events queued before it), as a flooder's disconnect is.
 */
function admitted(ctx: RelayContext, socket: RelaySocket, conn: Connection, event: EventName, ack: Ack | null): boolean {
  const verdict = conn.budget.check(event);
  if (verdict === 'allow') return true;
  const disconnect = verdict === 'disconnect';
  const answer = (): void => {
    refuse(ctx, socket, event, ack, ErrorCode.RateLimited);
    if (disconnect) flooded(ctx, socket, event);
  };
  if (conn.queue.queued === 0) answer();
  else conn.queue.serial(async () => answer());
  return false;
}

/** Events that name a room or seat the client may not know, and the answer that means it guessed wrong. */
const GUESSES: Partial<Record<EventName, ErrorCode>> = {
  'room:join': ErrorCode.RoomNotFound,
  'room:resume': ErrorCode.ResumeFailed,
};

async function handle(
  ctx: RelayContext,
  socket: RelaySocket,
  guesses: GuessBudget,
  event: EventName,
  r: Route,
  payloads: unknown[],
  ack: Ack | null,
): Promise<void> {
  if (ack === null) return refuse(ctx, socket, event, null, ErrorCode.BadRequest);
  if (payloads.length !== (r.schema === null ? 0 : 1)) return refuse(ctx, socket, event, ack, ErrorCode.BadRequest);
  const parsed = r.schema === null ? { success: true as const, data: undefined } : r.schema.safeParse(payloads[0]);
  if (!parsed.success) return refuse(ctx, socket, event, ack, ErrorCode.BadRequest);
  if (!ctx.store.ready()) return refuse(ctx, socket, event, ack, ErrorCode.Unavailable);
  const wrongGuess = GUESSES[event];
  const address =
    wrongGuess === undefined ? '' : clientAddress(socket.request.socket.remoteAddress, socket.request.headers, ctx.config.TRUST_PROXY);
  if (wrongGuess !== undefined && !guesses.mayGuess(address)) {
    ctx.metrics.refusals.inc({ reason: 'address_guesses' });
    return refuse(ctx, socket, event, ack, ErrorCode.RateLimited);
  }
  let result: Result<unknown>;
  try {
    result = await r.run(ctx, socket, parsed.data);
  } catch (err) {
    // The store went away under the handler (Redis dropped the connection mid-command): try again
    // later, as if it had been away before; anything else is a bug.
    if (!ctx.store.ready()) {
      ctx.logger.warn({ sid: socket.id, err, event }, 'store unavailable');
      return refuse(ctx, socket, event, ack, ErrorCode.Unavailable);
    }
    ctx.logger.error({ sid: socket.id, err, event }, 'handler failed');
    return refuse(ctx, socket, event, ack, ErrorCode.Internal);
  }
  if (!result.ok) ctx.metrics.refusals.inc({ reason: result.error });
  if (!result.ok && result.error === wrongGuess) await guesses.guessed(address);
  ack(result);
}

/** Answered at once, outside the queue; dropped unanswered while the relay is saturated. */
function answerBare(ctx: RelayContext, socket: RelaySocket, conn: Connection, event: EventName, r: BareRoute, args: unknown[]): void {
  if (conn.load.saturated()) return shed(ctx, event);
  const ack = args.length === 1 && isAck(args[0]) ? args[0] : null;
  if (!admitted(ctx, socket, conn, event, null) || ack === null) return;
  ack(r.bare(ctx));
}

function shed(ctx: RelayContext, event: EventName): void {
  ctx.metrics.shed.inc({ event });
}

/** An event without an ack: one sent with an ack anyway is answered `bad_request` (its sender waits for nothing). */
async function handleFire(
  ctx: RelayContext,
  socket: RelaySocket,
  event: EventName,
  r: FireRoute,
  payloads: unknown[],
  ack: Ack | null,
): Promise<void> {
  if (ack !== null || payloads.length !== 1) return refuse(ctx, socket, event, ack, ErrorCode.BadRequest);
  const parsed = r.schema.safeParse(payloads[0]);
  if (!parsed.success) return refuse(ctx, socket, event, null, ErrorCode.BadRequest);
  try {
    await r.fire(ctx, socket, parsed.data);
  } catch (err) {
    ctx.logger.error({ sid: socket.id, err, event }, 'handler failed');
    ctx.metrics.refusals.inc({ reason: ErrorCode.Internal });
  }
}

/** What the guard keeps per connection, and what it shares. */
export interface Connection {
  queue: ConnectionQueue;
  budget: ConnectionBudget;
  /** Shared by every connection. */
  guesses: GuessBudget;
  load: LoadMonitor;
}

/** Routes one incoming event of a connection (unknown event names are dropped unanswered). */
export function dispatch(ctx: RelayContext, socket: RelaySocket, conn: Connection, routes: Routes, name: unknown, args: unknown[]): void {
  if (typeof name !== 'string' || !Object.hasOwn(routes, name)) return;
  const event = name as EventName;
  const r = routes[event];
  ctx.metrics.eventsIn.count(event);
  if ('bare' in r) return answerBare(ctx, socket, conn, event, r, args);
  const last = args[args.length - 1];
  const ack = isAck(last) ? last : null;
  if ('fire' in r && conn.load.saturated()) {
    // Telemetry has no ack and the next report supersedes this one.
    if (ack === null) return shed(ctx, event);
  }
  if (!admitted(ctx, socket, conn, event, ack)) return;
  const payloads = ack === null ? args : args.slice(0, -1);
  const { queue } = conn;
  if (queue.queued >= MAX_QUEUED && !conn.load.saturated()) {
    refuse(ctx, socket, event, ack, ErrorCode.RateLimited);
    if (++queue.overflows > MAX_QUEUED) flooded(ctx, socket, event);
    return;
  }
  if (queue.queued >= MAX_QUEUED_SATURATED) return refuse(ctx, socket, event, ack, ErrorCode.Unavailable);
  if ('fire' in r) queue.serial(() => handleFire(ctx, socket, event, r as FireRoute, payloads, ack));
  else queue.serial(() => handle(ctx, socket, conn.guesses, event, r as Route, payloads, ack));
}
