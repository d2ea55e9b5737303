/** Prometheus metrics (prom-client) on a registry per relay, served at GET /metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface RelayMetrics {
  registry: Registry;
  eventsIn: Counter<'event'>;
  eventsOut: Counter<'event'>;
  refusals: Counter<'reason'>;
  /** Events dropped on arrival while the relay is saturated (relay/limits/load-shedding.ts). */
  shed: Counter<'event'>;
  offsets: Histogram;
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
    eventsIn: new Counter({
      name: 'lockstep_events_in_total',
      help: 'Client events received',
      labelNames: ['event'],
      registers: [registry],
    }),
    eventsOut: new Counter({
      name: 'lockstep_events_out_total',
      help: 'Events broadcast to rooms',
      labelNames: ['event'],
      registers: [registry],
    }),
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
