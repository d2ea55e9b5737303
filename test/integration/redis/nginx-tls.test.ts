/**
 * The load-balancer sample, run: Debian's nginx with deploy/nginx-lockstep.conf (this repository's
 * file, given free ports on 127.0.0.1 and a self-signed certificate made here with openssl),
 * terminating TLS in front of two relay processes that share Redis. Real socket.io clients connect
 * over wss:// through it, checking the certificate; one relay is killed under its members, who come
 * back through nginx (on the other relay) with their resume tokens, as the extension does, and the
 * room goes on. nginx runs in the foreground from a temporary prefix, never as a system service.
 *
 * .ci/run installs nginx; elsewhere, without it, the test is skipped with a message.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROTOCOL_VERSION, type JoinedRoom, type Timeline } from '../../../relay/contract/protocol';
import { connectClient, nextEvent, type TestClient } from '../../support/relay';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../../support/stores';
import { unwrap } from '../relay/support';
import { freePort, startRelayProcess, type RelayProcess } from './processes';

jest.setTimeout(90_000);

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) ?? null;
const SAMPLE = resolve(__dirname, '../../../deploy/nginx-lockstep.conf');
if (NGINX === null) {
  if (process.env.CI !== undefined) throw new Error('nginx is not installed (.ci/run installs it): the nginx test must run on CI');
  process.stderr.write('nginx-tls.test.ts: skipped, nginx is not installed (apt-get install -y nginx; .ci/run does it)\n');
}
const maybe = NGINX === null ? describe.skip : describe;

/** Resolves once something accepts TCP connections on 127.0.0.1:port (or rejects when `exited`). */
async function listening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}):\n${log()}`);
    const ok = await new Promise<boolean>((done) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        done(true);
      });
      s.once('error', () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Connections a relay holds, asked directly (not through nginx). */
async function socketsOn(relay: RelayProcess): Promise<number> {
  return ((await (await fetch(`${relay.url}/healthz`)).json()) as { sockets: number }).sockets;
}

maybe('nginx terminating TLS in front of two relays sharing Redis', () => {
  const prefix = uniquePrefix('nginx');
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-nginx-'));
  let relays: RelayProcess[] = [];
  let nginx: ChildProcess | null = null;
  let url = '';
  let ca = '';
  const clients: TestClient[] = [];
  const errorLog = (): string => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');

  /** A client through nginx over wss://, trusting only the test's certificate. */
  async function client(): Promise<TestClient> {
    const c = await connectClient(url, { ca, rejectUnauthorized: true });
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    relays = await Promise.all(
      [0, 1].map(() => startRelayProcess({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix, env: { TRUST_PROXY: 'true' } })),
    );
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'relay.key'), '-out', join(dir, 'relay.pem'),
    ], { stdio: 'pipe' }); // prettier-ignore
    ca = readFileSync(join(dir, 'relay.pem'), 'utf8');
    const port = await freePort();
    const sample = readFileSync(SAMPLE, 'utf8');
    const site = sample
      .replace('server 127.0.0.1:3001 ', `server 127.0.0.1:${relays[0]!.port} `)
      .replace('server 127.0.0.1:3002 ', `server 127.0.0.1:${relays[1]!.port} `)
      .replace('listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`)
      .replace('/etc/ssl/certs/relay.example.org.pem', join(dir, 'relay.pem'))
      .replace('/etc/ssl/private/relay.example.org.key', join(dir, 'relay.key'));
    // The substitutions must all have applied: the test runs the sample, not a config of its own.
    expect(site).not.toMatch(/:3001 |:3002 |listen 443|relay\.example\.org\.(pem|key)/);
    writeFileSync(join(dir, 'lockstep.conf'), site);
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(dir, t)};`).join('\n  ');
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        // As root, workers would switch to nobody, who cannot read the temporary prefix.
        process.getuid?.() === 0 ? 'user root;' : '',
        'worker_processes 1;',
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'error.log')} warn;`,
        'events { worker_connections 512; }',
        `http {\n  access_log off;\n  ${temp}\n  include ${join(dir, 'lockstep.conf')};\n}`,
        '',
      ].join('\n'),
    );
    nginx = spawn(NGINX!, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    nginx.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    nginx.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    await listening(port, nginx, () => out + errorLog());
    url = `https://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    if (nginx !== null && nginx.exitCode === null) {
      const n = nginx;
      await new Promise<void>((done) => {
        n.once('exit', () => done());
        n.kill('SIGQUIT');
      });
    }
    await Promise.all(relays.map((r) => r.stop()));
    await deleteKeys(TEST_REDIS_URL, prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a room over wss:// through nginx goes on when one relay is killed', async () => {
    // /healthz through nginx, over TLS: the relays answer behind it.
    const health = await new Promise<string>((done, fail) => {
      get(`${url}/healthz`, { ca }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => done(body));
      }).on('error', fail); // prettier-ignore
    });
    expect(JSON.parse(health)).toMatchObject({ status: 'ok', store: 'redis', ready: true });
    // A client that does not trust the certificate gets nowhere.
    await expect(connectClient(url, { rejectUnauthorized: true })).rejects.toThrow();

    const members: Array<{ socket: TestClient; joined: JoinedRoom }> = [];
    const host = await client();
    members.push({
      socket: host,
      joined: unwrap(await host.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Host' } })),
    });
    const code = members[0]!.joined.room.code;
    for (const name of ['Bob', 'Carol', 'Dan']) {
      const s = await client();
      members.push({
        socket: s,
        joined: unwrap(await s.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name } })),
      });
    }
    // least_conn spread the four connections over both relays.
    const counts = await Promise.all(relays.map(socketsOn));
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4);

    const states = members.map((m) => nextEvent(m.socket, 'playback:state'));
    const playing = unwrap(await host.emitWithAck('playback:control', { action: 'play', position: 10 }));
    for (const s of states) expect((await s)[0]).toEqual(playing);

    // Kill (SIGKILL) one relay: the members on it lose their connection.
    const lost = members.map((m) => new Promise<boolean>((done) => {
      m.socket.once('disconnect', () => done(true));
      setTimeout(() => done(false), 3_000).unref();
    })); // prettier-ignore
    const victim = relays[0]!;
    const victimSockets = counts[0]!;
    await victim.kill();
    const gone = await Promise.all(lost);
    expect(gone.filter(Boolean)).toHaveLength(victimSockets);

    // They come back through nginx, which sends them to the relay still alive, and resume their seats.
    for (const [i, m] of members.entries()) {
      if (!gone[i]) continue;
      const s = await client();
      const resumed = unwrap(await s.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: m.joined.resumeToken }));
      expect(resumed.memberId).toBe(m.joined.memberId);
      expect(resumed.room.timeline).toEqual(playing);
      members[i] = { socket: s, joined: resumed };
    }
    const survivor = relays.find((r) => r !== victim)!;
    expect(await socketsOn(survivor)).toBe(4);

    // The room goes on: every member follows a pause, whoever sends it.
    const after = members.map((m) => nextEvent(m.socket, 'playback:state'));
    const paused: Timeline = unwrap(await members[3]!.socket.emitWithAck('playback:control', { action: 'pause', position: 30 }));
    expect(paused.seq).toBeGreaterThan(playing.seq);
    for (const s of after) expect((await s)[0]).toEqual(paused);
    const chat = members.map((m) => nextEvent(m.socket, 'chat:message'));
    unwrap(await members[0]!.socket.emitWithAck('chat:send', { text: 'still here' }));
    for (const c of chat) expect((await c)[0]).toMatchObject({ text: 'still here', from: members[0]!.joined.memberId });
  });
});
