/**
 * The address a connection is counted and logged under. Behind a reverse proxy (TRUST_PROXY) it is
 * the last X-Forwarded-For entry: the one the trusted proxy appended, i.e. the first hop it did not
 * make up itself. The entries before it come from the client and can be anything (taking the first
 * one would let a client pick a fresh address per connection and escape every per-address budget).
 */
import type { IncomingHttpHeaders } from 'node:http';

export function clientAddress(remote: string | undefined, headers: IncomingHttpHeaders, trustProxy: boolean): string {
  const direct = remote ?? 'unknown';
  if (!trustProxy) return direct;
  const forwarded = headers['x-forwarded-for'];
  // Several headers are joined in order (RFC 7230 §3.2.2): the proxy's own entry is still last.
  const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',');
  const last = list[list.length - 1]?.trim();
  return last !== undefined && last !== '' ? last : direct;
}
