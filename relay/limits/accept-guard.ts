/**
 * Connections refused at accept, before any HTTP parsing: an address that already holds
 * MAX_SOCKETS_PER_ADDRESS + ACCEPT_MARGIN TCP connections has its new ones closed at once.
 *
 * Why (measured with `npm run test:chaos`): a burst of 3,000 handshakes from one address, refused
 * one by one by the per-address cap in allowRequest (relay/limits/address-limits.ts), still cost
 * each an HTTP parse, engine.io's verify and a written 400; landing together with the slow-loris
 * and parked-binary attacks, that work filled one turn of the event loop for up to ~1 s, and a
 * quiet room's control waited behind it. Closing the connection at accept costs a fraction of that.
 *
 * The handshake-level cap still answers in words (HTTP 400 `address_sockets`) for the first
 * ACCEPT_MARGIN connections past it; only a client that keeps opening more gets closed silently.
 * Off behind a reverse proxy (TRUST_PROXY: every connection comes from the proxy's address) and
 * when the cap is 0.
 */
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';

/** Connections past the handshake cap still parsed (and refused in words) before the silent close. */
export const ACCEPT_MARGIN = 20;

export interface AcceptGuard {
  /** Open TCP connections per address (tests). */
  readonly open: ReadonlyMap<string, number>;
  /** Connections closed at accept so far. */
  readonly refused: () => number;
}

export function guardAccepts(server: HttpServer, maxSocketsPerAddress: number, onRefused: () => void): AcceptGuard | null {
  if (maxSocketsPerAddress <= 0) return null;
  const limit = maxSocketsPerAddress + ACCEPT_MARGIN;
  const open = new Map<string, number>();
  let refused = 0;
  // Prepended: runs before the HTTP server's own listener, which then sees a destroyed socket and
  // sets nothing up for it.
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const n = open.get(address) ?? 0;
    if (n >= limit) {
      refused++;
      onRefused();
      socket.destroy();
      return;
    }
    open.set(address, n + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
  return { open, refused: () => refused };
}
