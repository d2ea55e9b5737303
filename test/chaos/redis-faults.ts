/**
 * `npm run test:chaos:redis`: the times of the Redis faults (the behaviours are integration tests:
 * test/integration/redis/failover.test.ts, multi-node.test.ts, redis-restart.test.ts). Two relay
 * processes share a private redis-server, behind a small TCP balancer (the first relay that
 * accepts); members are socket.io clients with the extension's reconnection settings
 * (extension/background/relay-connection.ts) that resume their seat on every `connect`, as the
 * extension does. Prints:
 * - failover: a relay killed (SIGKILL) under a member, until that member's first control is
 *   answered again through the other relay (ROUNDS times, the killed relay restarted in between);
 * - Redis restarted empty: until /healthz says so, then from redis-server ready until /healthz is
 *   200 on both relays and until a member's control is answered again (the room put back).
 */
import { connect, createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { io as ioClient, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type ClientToServerEvents, type JoinedRoom, type ServerToClientEvents } from '../../relay/contract/protocol';
import { uniquePrefix } from '../support/stores';
import { freePort, redisProcess, startRelayProcess, type RelayProcess } from '../integration/redis/processes';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (what: string): boolean => process.stderr.write(`${what}\n`);
const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]!.toFixed(0)} ms, max ${s[s.length - 1]!.toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
};

/** A TCP balancer: each connection goes to the first backend that accepts it. */
function balancer(port: number, backends: () => number[]): Promise<Server> {
  const server = createServer((client) => {
    client.pause();
    const tryNext = (list: number[]): void => {
      const [next, ...rest] = list;
      if (next === undefined) return void client.destroy();
      const upstream: TcpSocket = connect(next, '127.0.0.1');
      upstream.once('error', () => tryNext(rest));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    };
    tryNext(backends());
  });
  return new Promise((done) => server.listen(port, '127.0.0.1', () => done(server)));
}

/** A member as the extension runs it: reconnects by itself (same settings) and resumes its seat on each reconnection. */
function member(url: string): Client {
  return ioClient(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.5,
  }) as Client;
}

async function connected(c: Client): Promise<void> {
  if (!c.connected) await new Promise<void>((done) => c.once('connect', () => done()));
}

/** Resumes on every reconnection; resolves `resumed()` when the seat is back. */
function resumer(c: Client, seat: () => JoinedRoom) {
  let waiting: Array<() => void> = [];
  c.io.on('reconnect', () => {
    void c.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: seat().resumeToken }).then((r) => {
      if (!r.ok) throw new Error(`resume failed: ${r.error}`);
      for (const w of waiting) w();
      waiting = [];
    });
  });
  return { resumed: () => new Promise<void>((done) => waiting.push(done)) };
}

/** Retries a control every 50 ms until one is answered ok; the time it took. */
async function untilControlServed(c: Client, since: number): Promise<number> {
  for (let position = 1; ; position++) {
    const r = await c
      .timeout(1000)
      .emitWithAck('playback:control', { action: 'seek', position })
      .catch(() => null);
    if (r?.ok === true) return performance.now() - since;
    await sleep(50);
  }
}

async function healthIs(url: string, code: number, since: number): Promise<number> {
  for (;;) {
    const res = await fetch(`${url}/healthz`).catch(() => null);
    if (res?.status === code) return performance.now() - since;
    await sleep(20);
  }
}

async function main(): Promise<void> {
  const redis = await redisProcess();
  const prefix = uniquePrefix('faults');
  const start = () => startRelayProcess({ redisUrl: redis.url, keyPrefix: prefix });
  const relays: [RelayProcess, RelayProcess] = [await start(), await start()];
  progress('relays up');
  const lbPort = await freePort();
  // relays[1] first: Bob starts there; each round kills the relay he is on, and he moves to the other.
  const lb = await balancer(lbPort, () => [relays[1].port, relays[0].port]);
  const alice = ioClient(relays[0].url, { transports: ['websocket'], forceNew: true }) as Client;
  await connected(alice);
  const created = await alice.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Alice' } });
  if (!created.ok) throw new Error(created.error);
  const bob = member(`http://127.0.0.1:${lbPort}`);
  await connected(bob);
  const joined = await bob.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: created.data.room.code, profile: { name: 'Bob' } });
  if (!joined.ok) throw new Error(joined.error);
  const seat = resumer(bob, () => joined.data);
  alice.disconnect(); // she only opened the room; Bob keeps it

  progress('room ready; failovers');
  const failover: number[] = [];
  const detect: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await untilControlServed(bob, performance.now());
    const t0 = performance.now();
    const gone = new Promise<number>((done) => bob.once('disconnect', () => done(performance.now() - t0)));
    const back = seat.resumed();
    const on = round % 2 === 0 ? 1 : 0;
    await relays[on].kill();
    detect.push(await gone);
    await back;
    failover.push(await untilControlServed(bob, t0));
    relays[on] = await start();
    await sleep(1000);
    progress(`failover ${round + 1}: ${failover[round]!.toFixed(0)} ms`);
  }

  // Redis restarted empty (no persistence): the relays notice, say so, put the room back.
  await untilControlServed(bob, performance.now());
  progress('redis restart');
  const k0 = performance.now();
  await redis.stop();
  const unhealthy = await Promise.all(relays.map((r) => healthIs(r.url, 503, k0)));
  await sleep(3000);
  await redis.start();
  const r0 = performance.now();
  const [healthy, served] = await Promise.all([Promise.all(relays.map((r) => healthIs(r.url, 200, r0))), untilControlServed(bob, r0)]);

  const lines = [
    `redis faults: two relays sharing one redis-server, ${ROUNDS} failovers`,
    `relay killed under a member: disconnect seen after ${fmt(detect)}`,
    `relay killed under a member: control answered again (reconnect through the other relay, resume, control) after ${fmt(failover)}`,
    `redis killed: /healthz 503 after ${unhealthy.map((x) => x.toFixed(0)).join(' / ')} ms (the two relays)`,
    `redis back (empty, after 3 s away): /healthz 200 after ${healthy.map((x) => x.toFixed(0)).join(' / ')} ms; the member's control answered after ${served.toFixed(0)} ms`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  bob.disconnect();
  lb.close();
  await Promise.all(relays.map((r) => r.stop()));
  await redis.stop();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`redis faults failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
