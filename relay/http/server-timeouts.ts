/**
 * Node's HTTP timeouts, tightened for a relay that serves only WebSocket upgrades and two small GETs.
 * Node's defaults (headers 60 s, request 300 s, checked every 30 s) held each of 500 half-open
 * upgrades (headers never finished) for about 80 s. Here an unfinished request is dropped after
 * `handshakeMs` (checked every second); an upgraded WebSocket is no longer an HTTP request (ws
 * clears the socket's timeout), so long-lived connections are untouched: socket.io's pings watch them.
 */
import type { Server as HttpServer } from 'node:http';

/** Call before `listen`: Node reads `connectionsCheckingInterval` when the server starts listening. */
export function tightenTimeouts(server: HttpServer, handshakeMs: number): void {
  server.headersTimeout = handshakeMs;
  server.requestTimeout = handshakeMs;
  // A keep-alive connection between requests (a health checker): not held for long either.
  server.keepAliveTimeout = Math.min(server.keepAliveTimeout, handshakeMs);
  // An idle socket that never sends a byte: the header timer starts only with the first one.
  server.timeout = 2 * handshakeMs;
  // Not in @types/node as a property, but read from the instance when listening starts.
  Object.assign(server, { connectionsCheckingInterval: Math.min(1000, handshakeMs) });
}
