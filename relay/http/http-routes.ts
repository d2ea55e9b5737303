/** Plain HTTP routes beside socket.io: GET /healthz (JSON, 503 when not ready) and GET /metrics. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Health } from './health';

export function createHttpHandler(deps: { health: () => Promise<Health>; registry: Registry; logger: Logger }) {
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      const h = await deps.health();
      res.writeHead(h.ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(h));
    } else if (req.method === 'GET' && path === '/metrics') {
      const body = await deps.registry.metrics();
      res.writeHead(200, { 'content-type': deps.registry.contentType });
      res.end(body);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not_found' }));
    }
  }
  return (req: IncomingMessage, res: ServerResponse): void => {
    // socket.io answers its own path (it wraps the server's request listeners).
    if ((req.url ?? '').startsWith('/socket.io/')) return;
    route(req, res).catch((err: unknown) => {
      deps.logger.error({ err, url: req.url }, 'http route failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal' }));
    });
  };
}
