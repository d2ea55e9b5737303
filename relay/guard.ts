/**
 * Every client event passes through here before a handler sees it: ack present, rate limit,
 * schema validation. Failures are answered with an error ack (when there is an ack), counted,
 * change nothing and keep the connection up; only a persistent flooder is disconnected.
 * Handler exceptions become `internal` (details only in the log), never an unhandled rejection.
 *
 * A connection's events run one after another (a per-connection queue): two joins in flight
 * from one socket must not both pass the "already in a room" check, and controls apply in the
 * order they were sent. `time:ping` skips the queue: its answer must be immediate.
 */
import type { z } from 'zod';
import type { RelayContext, RelaySocket } from './context';
import type { ConnectionLimits } from './limits';
import { ErrorCode, type ClientToServerEvents, type Result } from './protocol';

type Ack = (res: unknown) => void;

/**
 * Events waiting in one connection's queue before new ones are refused outright: the async rate
 * limiter runs inside the queue, so a client must not be able to pile up unbounded work first.
 */
const MAX_QUEUED = 64;
type Untyped = { on(event: string, listener: (...args: unknown[]) => void): unknown };

function isAck(x: unknown): x is Ack {
  return typeof x === 'function';
}

export type EventName = keyof ClientToServerEvents;

export interface Guard {
  /** An event with a payload (or none, when `schema` is null) and a Result ack. */
  on<T, R>(event: EventName, schema: z.ZodType<T> | null, run: (payload: T) => Promise<Result<R>>): void;
  /** An event whose ack is a bare value (time:ping). Over budget: no answer. */
  onBare(event: EventName, answer: () => unknown): void;
  /** Runs a task in this connection's queue (e.g. the disconnect bookkeeping, after pending events). */
  serial(task: () => Promise<void>): void;
}

export function createGuard(ctx: RelayContext, socket: RelaySocket, limits: ConnectionLimits, track: (p: Promise<void>) => void): Guard {
  // Payloads are untrusted until validated, so listeners take unknown arguments here.
  const raw = socket as unknown as Untyped;
  const log = ctx.logger.child({ sid: socket.id });
  let queue: Promise<void> = Promise.resolve();
  let queued = 0;
  let overflows = 0;
  const serial = (task: () => Promise<void>): void => {
    queued++;
    const run = queue.then(task).finally(() => queued--);
    queue = run.catch(() => undefined); // failures are logged by `track`
    track(run);
  };

  function refuse(event: EventName, ack: Ack | null, error: ErrorCode): void {
    ctx.metrics.refusals.inc({ reason: error });
    log.debug({ event, error }, 'refused');
    if (ack !== null) ack({ ok: false, error } satisfies Result<never>);
  }

  function flooded(event: EventName): void {
    if (!socket.connected) return;
    ctx.metrics.refusals.inc({ reason: 'flood_disconnect' });
    log.warn({ event }, 'flooding: disconnected');
    socket.disconnect(true);
  }

  /** Applies the rate limit; false when the event must not run. */
  async function admitted(event: EventName, ack: Ack | null): Promise<boolean> {
    const verdict = await limits.check(event, socket.id);
    if (verdict === 'allow') return true;
    refuse(event, ack, ErrorCode.RateLimited);
    if (verdict === 'disconnect') flooded(event);
    return false;
  }

  return {
    on(event, schema, run) {
      raw.on(event, (...args: unknown[]) => {
        ctx.metrics.eventsIn.inc({ event });
        const last = args[args.length - 1];
        const ack = isAck(last) ? last : null;
        const payloads = ack === null ? args : args.slice(0, -1);
        if (queued >= MAX_QUEUED) {
          refuse(event, ack, ErrorCode.RateLimited);
          if (++overflows > MAX_QUEUED) flooded(event);
          return;
        }
        const work = async (): Promise<void> => {
          if (!(await admitted(event, ack))) return;
          if (ack === null) return refuse(event, null, ErrorCode.BadRequest);
          if (payloads.length !== (schema === null ? 0 : 1)) return refuse(event, ack, ErrorCode.BadRequest);
          const parsed = schema === null ? { success: true as const, data: undefined as never } : schema.safeParse(payloads[0]);
          if (!parsed.success) return refuse(event, ack, ErrorCode.BadRequest);
          if (!ctx.store.ready()) return refuse(event, ack, ErrorCode.Unavailable);
          let result: Result<unknown>;
          try {
            result = await run(parsed.data);
          } catch (err) {
            log.error({ err, event }, 'handler failed');
            return refuse(event, ack, ErrorCode.Internal);
          }
          if (!result.ok) ctx.metrics.refusals.inc({ reason: result.error });
          ack(result);
        };
        serial(work);
      });
    },
    onBare(event, answer) {
      raw.on(event, (...args: unknown[]) => {
        ctx.metrics.eventsIn.inc({ event });
        const ack = args.length === 1 && isAck(args[0]) ? args[0] : null;
        const work = async (): Promise<void> => {
          if (!(await admitted(event, null)) || ack === null) return;
          ack(answer());
        };
        track(work());
      });
    },
    serial,
  };
}
