/** Prometheus metrics (prom-client) on a registry per relay, served at GET /metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A counter per event name, counted in plain numbers and handed to prom-client when /metrics is read. */
export interface EventCounter {
  count(event: string): void;
}

export interface RelayMetrics {
  registry: Registry;
  eventsIn: EventCounter;
  eventsOut: EventCounter;
  refusals: Counter<'reason'>;
  /** Events dropped on arrival while the relay is saturated (relay/limits/load-shedding.ts). */
  shed: Counter<'event'>;
  offsets: Histogram;
}

/**
 * Every event in and every broadcast out is counted: through prom-client's `inc(labels)` that was a
 * labels object, its validation and a hash string each time (profiled under bench:relay); here it
 * is one Map lookup, and the deltas reach prom-client when /metrics is read.
 */
function eventCounter(registry: Registry, name: string, help: string): EventCounter {
  const counts = new Map<string, number>();
  const reported = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames: ['event'],
    registers: [registry],
    collect() {
      for (const [event, n] of counts) {
        const delta = n - (reported.get(event) ?? 0);
        if (delta > 0) this.inc({ event }, delta);
        reported.set(event, n);
      }
    },
  });
  return {
    count(event) {
      counts.set(event, (counts.get(event) ?? 0) + 1);
    },
  };
}

export function createMetrics(sources: { sockets: () => number; rooms: () => Promise<number> }): RelayMetrics {
  const registry = new Registry();
  // Includes nodejs_eventloop_lag_seconds and the event-loop delay percentiles.
  collectDefaultMetrics({ register: registry, prefix: 'lockstep_' });
  new Gauge({
    name: 'lockstep_sockets',
    help: 'Connected sockets on this relay',
    registers: [registry],
    collect() {
      this.set(sources.sockets());
    },
  });
  new Gauge({
    name: 'lockstep_rooms',
    help: 'Rooms held by the store (shared stores: all relays)',
    registers: [registry],
    async collect() {
      this.set(await sources.rooms());
    },
  });
  return {
    registry,
    eventsIn: eventCounter(registry, 'lockstep_events_in_total', 'Client events received'),
    eventsOut: eventCounter(registry, 'lockstep_events_out_total', 'Events broadcast to rooms'),
    refusals: new Counter({
      name: 'lockstep_refusals_total',
      help: 'Events refused, by error code',
      labelNames: ['reason'],
      registers: [registry],
    }),
    shed: new Counter({
      name: 'lockstep_shed_total',
      help: 'Events dropped on arrival while the relay was saturated (clock pings, telemetry)',
      labelNames: ['event'],
      registers: [registry],
    }),
    offsets: new Histogram({
      name: 'lockstep_member_offset_ms',
      help: 'Absolute member offsets from the room timeline, as members report them',
      buckets: [5, 10, 20, 40, 80, 160, 320, 1000, 5000],
      registers: [registry],
    }),
  };
}
