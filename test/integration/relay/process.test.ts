/** The relay as `npm start` runs it (dist/relay.js): bad config exits 1 with a clear message; SIGTERM exits 0. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { relayBundle } from '../redis/processes';

const root = resolve(__dirname, '../../..');
let bundle = '';
beforeAll(async () => {
  bundle = await relayBundle();
});

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--enable-source-maps', bundle], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, exited, output: () => out };
}

test('a bad configuration is refused with the offending variables and exit code 1', async () => {
  const p = run({ PORT: 'eighty', MAX_MEMBERS: '1', ALLOWED_ORIGINS: 'not-an-origin' });
  expect(await p.exited).toBe(1);
  expect(p.output()).toContain('Invalid relay configuration');
  for (const name of ['PORT', 'MAX_MEMBERS', 'ALLOWED_ORIGINS']) expect(p.output()).toContain(name);
}, 20_000);

test('the relay prints where it listens and how to load the extension, serves, and stops on SIGTERM', async () => {
  const p = run({ PORT: '0', HOST: '127.0.0.1' });
  const url = await new Promise<string>((done, fail) => {
    const check = (): void => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(p.output());
      if (m !== null) done(m[1]!);
    };
    p.child.stdout.on('data', check);
    void p.exited.then((code) => fail(new Error(`exited ${code}: ${p.output()}`)));
  });
  expect(p.output()).toMatch(/dist[/\\]chrome/);
  expect(p.output()).toMatch(/dist[/\\]firefox/);
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  p.child.kill('SIGTERM');
  expect(await p.exited).toBe(0);
}, 20_000);
