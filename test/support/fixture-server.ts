/**
 * Serves test/fixtures on 127.0.0.1 on two ports: `origin` for the pages and `crossOrigin`
 * (same files, another port, hence another origin) for cross-origin player iframes.
 * Answers HTTP Range requests (206): Chromium only lets a <video> seek when the server does.
 */
import { createReadStream, statSync, type Stats } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const fixturesDir = resolve(__dirname, '../fixtures');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webm': 'video/webm',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export interface FixtureServer {
  /** e.g. http://127.0.0.1:40123, serving test/fixtures/ at its root. */
  origin: string;
  /** The same files from another port: a different origin, for cross-origin iframes. */
  crossOrigin: string;
  close(): Promise<void>;
}

function fileFor(url: string | undefined): { path: string; stats: Stats } | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url ?? '/', 'http://fixture').pathname);
  } catch {
    return null; // malformed escape: answered as not found
  }
  const path = resolve(fixturesDir, `.${pathname.endsWith('/') ? `${pathname}index.html` : pathname}`);
  if (path !== fixturesDir && !path.startsWith(fixturesDir + sep)) return null;
  try {
    const stats = statSync(path);
    return stats.isFile() ? { path, stats } : null;
  } catch {
    return null; // no such file: answered as not found
  }
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const file = fileFor(req.url);
  if (file === null || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(file === null ? 404 : 405, { 'content-type': 'text/plain' }).end(file === null ? 'not found' : 'method not allowed');
    return;
  }
  const size = file.stats.size;
  const headers = {
    'content-type': MIME[extname(file.path)] ?? 'application/octet-stream',
    'accept-ranges': 'bytes',
    'cache-control': 'no-store',
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  let status = 200;
  if (range && (range[1] || range[2])) {
    start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
    end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start >= size || start > end) {
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    status = 206;
  }
  res.writeHead(status, {
    ...headers,
    'content-length': end - start + 1,
    ...(status === 206 ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  createReadStream(file.path, { start, end }).pipe(res);
}

async function listen(): Promise<{ server: Server; origin: string }> {
  const server = createServer(handle);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fixture server has no TCP address');
  return { server, origin: `http://127.0.0.1:${address.port}` };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });
}

/** Starts both ports; `close()` stops them and drops open connections. */
export async function startFixtureServer(): Promise<FixtureServer> {
  const main = await listen();
  const cross = await listen();
  return {
    origin: main.origin,
    crossOrigin: cross.origin,
    close: async () => {
      await Promise.all([closeServer(main.server), closeServer(cross.server)]);
    },
  };
}

/** Absolute path of a fixture file, for tests that read one directly. */
export function fixturePath(...parts: string[]): string {
  return join(fixturesDir, ...parts);
}
