/** What GET /healthz reports: whether this relay can serve now (503 when not), and why not. */
import type { Logger } from 'pino';
import type { RoomStore } from '../store/room-store';

export interface Health {
  status: 'ok' | 'unavailable';
  uptime: number;
  rooms: number | null;
  sockets: number;
  store: 'memory' | 'redis';
  ready: boolean;
  /** Why the relay is not ready (null when ready). */
  reason: string | null;
}

export interface HealthSources {
  store: RoomStore;
  storeKind: 'memory' | 'redis';
  /** Extra readiness check (e.g. the adapter's connection). */
  ready?: () => boolean;
  closing(): boolean;
  sockets(): number;
  /** Seconds since the relay started. */
  uptime(): number;
  logger: Logger;
}

export function createHealth(s: HealthSources): () => Promise<Health> {
  /** Null when ready, else why not. */
  const unready = (): string | null => {
    if (s.closing()) return 'shutting_down';
    if (!s.store.ready()) return `${s.storeKind}_store_unavailable`;
    // With Redis, the other backend is the socket.io adapter's connection (broadcasts between relays).
    if (!(s.ready?.() ?? true)) return s.storeKind === 'redis' ? 'redis_adapter_unavailable' : 'backend_unavailable';
    return null;
  };
  return async () => {
    const reason = unready();
    const ready = reason === null;
    const rooms = await s.store.count().catch((err: unknown) => {
      s.logger.warn({ err }, 'store count failed');
      return null;
    });
    return { status: ready ? 'ok' : 'unavailable', uptime: s.uptime(), rooms, sockets: s.sockets(), store: s.storeKind, ready, reason };
  };
}
