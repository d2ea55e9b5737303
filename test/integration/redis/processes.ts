/**
 * Real processes for the multi-relay tests and the relay benchmark: relays as the bundle
 * `npm start` runs (dist/relay.js, built once per test process) (REDIS_URL, PORT, HOST=127.0.0.1, a key prefix), and a private redis-server (no disk)
 * that a test may stop and start without touching the shared Redis on 6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { buildRelay } from '../../../relay/build';

const root = resolve(__dirname, '../../..');
let bundle: Promise<string> | null = null;
/** The relay as it ships: built from the current sources once per process, then run by node itself. */
export function relayBundle(): Promise<string> {
  bundle ??= buildRelay();
  return bundle;
}

/** A port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Waits until `pattern` appears in the child's output (or it exits first). */
function waitForOutput(child: ChildProcess, pattern: RegExp, what: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => finish(new Error(`${what}: no ${pattern} within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (pattern.test(out)) finish(null);
    };
    const onExit = (code: number | null): void => finish(new Error(`${what} exited (${code}) before ready:\n${out}`));
    function finish(err: Error | null): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (err === null) done();
      else fail(err);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

export interface RelayProcess {
  url: string;
  port: number;
  pid: number;
  /** SIGKILL: the node dies without telling anyone. */
  kill(): Promise<void>;
  /** SIGTERM: a clean shutdown. */
  stop(): Promise<void>;
  /** SIGSTOP: the node stalls (timers, heartbeat and all) with its connections left open. */
  freeze(): void;
  /** SIGCONT: the stalled node goes on. */
  thaw(): void;
}

export interface RelayProcessOptions {
  redisUrl?: string;
  keyPrefix?: string;
  port?: number;
  env?: Record<string, string>;
  /** Extra node flags (e.g. --max-old-space-size=512). */
  nodeFlags?: string[];
  /** Receives everything the relay writes to stdout and stderr (its log lines), as it comes. */
  onOutput?: (text: string) => void;
  /** What node runs after the flags instead of the relay bundle (bench:relay's bare relay). */
  entry?: string[];
}

export async function startRelayProcess(opts: RelayProcessOptions = {}): Promise<RelayProcess> {
  const port = opts.port ?? (await freePort());
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  // No redisUrl: in memory, even when the caller's own environment names a Redis (bench:relay's does).
  if (opts.redisUrl !== undefined) env.REDIS_URL = opts.redisUrl;
  else delete env.REDIS_URL;
  if (opts.keyPrefix !== undefined) env.REDIS_KEY_PREFIX = opts.keyPrefix;
  const entry = opts.entry ?? ['--enable-source-maps', await relayBundle()];
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), ...entry], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onOutput = opts.onOutput;
  if (onOutput !== undefined) {
    child.stdout?.on('data', (d: Buffer) => onOutput(d.toString()));
    child.stderr?.on('data', (d: Buffer) => onOutput(d.toString()));
  }
  await waitForOutput(child, /listening on http/, `relay on ${port}`);
  // Keep draining the pipes so a chatty relay never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGCONT'); // a frozen node would never handle SIGTERM
      child.kill('SIGTERM');
      await exited(child);
    },
    freeze() {
      child.kill('SIGSTOP');
    },
    thaw() {
      child.kill('SIGCONT');
    },
  };
}

export interface RedisProcess {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A private redis-server on a free port, nothing on disk; `stop()`/`start()` restart it (empty). */
export async function redisProcess(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const r: RedisProcess = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      await waitForOutput(child, /Ready to accept connections/, `redis-server on ${port}`);
      child.stdout?.resume();
    },
    async stop() {
      if (child === null) return;
      const c = child;
      child = null;
      c.kill('SIGKILL');
      await exited(c);
    },
  };
  await r.start();
  return r;
}
