/** The latency proxy, over real sockets: the delay it adds per direction, and byte order under jitter. */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { startLatencyProxy, symmetric, type LatencyProfile, type LatencyProxy } from '../../support/latency-proxy';

let echo: Server;
let echoPort: number;
const open: Socket[] = [];
const proxies: LatencyProxy[] = [];

beforeAll(async () => {
  echo = createServer((socket) => {
    open.push(socket);
    socket.pipe(socket);
  });
  await new Promise<void>((done) => echo.listen(0, '127.0.0.1', () => done()));
  const address = echo.address();
  if (address === null || typeof address === 'string') throw new Error('no echo address');
  echoPort = address.port;
});

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

afterAll(async () => {
  for (const socket of open) socket.destroy();
  await new Promise<void>((done) => echo.close(() => done()));
});

async function through(profile: LatencyProfile, random?: () => number): Promise<Socket> {
  const proxy = await startLatencyProxy(echoPort, profile, random);
  proxies.push(proxy);
  const socket = connect({ host: '127.0.0.1', port: proxy.port });
  socket.setNoDelay(true);
  await new Promise<void>((done) => socket.once('connect', () => done()));
  return socket;
}

/** Round trips of one byte each, in ms. */
async function roundTrips(socket: Socket, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = performance.now();
    const back = new Promise<void>((done) => socket.once('data', () => done()));
    socket.write('x');
    await back;
    times.push(performance.now() - start);
  }
  return times;
}

test.each([
  ['up only', { up: { delayMs: 60 }, down: { delayMs: 0 } }, 60],
  ['down only', { up: { delayMs: 0 }, down: { delayMs: 40 } }, 40],
  ['both ways', symmetric(30), 60],
])('adds its delay %s', async (_name, profile, expected) => {
  const socket = await through(profile);
  const times = await roundTrips(socket, 5);
  socket.destroy();
  for (const time of times) expect(time).toBeGreaterThanOrEqual(expected - 1);
  // Above, the quickest round trip: load on a shared 2-core box only ever adds (timers and socket
  // reads seen 85 ms late under a parallel e2e run), while a proxy adding too much adds it to every one.
  expect(Math.min(...times)).toBeLessThan(expected + 30);
});

test('jitter spreads the delay within its bounds', async () => {
  const socket = await through({ up: { delayMs: 50, jitterMs: 25 }, down: { delayMs: 0 } });
  const times = await roundTrips(socket, 30);
  socket.destroy();
  expect(Math.min(...times)).toBeGreaterThanOrEqual(24);
  expect(Math.max(...times)).toBeLessThan(75 + 60);
  // 30 uniform draws over ±25 ms: a spread under 15 ms would mean the jitter is not applied.
  expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(15);
});

test('jitter never reorders the byte stream', async () => {
  const socket = await through(symmetric(40, 40));
  const lines = 300;
  let received = '';
  const all = new Promise<void>((done) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (received.split('\n').length > lines) done();
    });
  });
  for (let i = 0; i < lines; i += 1) {
    socket.write(`${i}\n`);
    if (i % 10 === 0) await new Promise((done) => setTimeout(done, 1));
  }
  await all;
  socket.destroy();
  const numbers = received.trim().split('\n').map(Number);
  expect(numbers).toEqual(Array.from({ length: lines }, (_, i) => i));
});

test('dropConnections cuts open connections and new ones still work', async () => {
  const proxy = await startLatencyProxy(echoPort, symmetric(5));
  proxies.push(proxy);
  const socket = connect({ host: '127.0.0.1', port: proxy.port });
  await new Promise<void>((done) => socket.once('connect', () => done()));
  const closed = new Promise<void>((done) => socket.once('close', () => done()));
  proxy.dropConnections();
  await closed;
  const again = connect({ host: '127.0.0.1', port: proxy.port });
  await new Promise<void>((done) => again.once('connect', () => done()));
  expect(await roundTrips(again, 1)).toHaveLength(1);
  again.destroy();
});
