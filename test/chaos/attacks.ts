/**
 * The hostile side of `npm run test:chaos`, in its own process (so the well-behaved room's probe
 * in the parent measures the relay, not this event loop): fuzzed events from many sockets, raw
 * malformed frames, parked binary attachments, slow-loris handshakes and a connection burst.
 * Usage: tsx test/chaos/attacks.ts <relay url> <seconds>; prints one JSON line of figures.
 * Every source address is a different 127.0.0.x, so the per-address budgets act per attack.
 */
import { connect, type Socket as TcpSocket } from 'node:net';
import { io as ioClient, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { Rng } from '../bench/sim/rng';
import { FUZZ_EVENTS, fuzzArgs, randomValue } from '../integration/relay/fuzz-payloads';

const [url = '', secondsArg = '60'] = process.argv.slice(2);
const deadline = Date.now() + Number(secondsArg) * 1000;
const port = Number(new URL(url).port);
const wsUrl = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const figures = {
  fuzzEvents: 0,
  fuzzSockets: 0,
  fuzzReconnects: 0,
  fuzzRefusedHandshakes: 0,
  rawFrames: 0,
  rawClosedByRelay: 0,
  binaryParkers: 0,
  binaryClosed: 0,
  slowLoris: 0,
  slowLorisHeldMsMax: 0,
  slowLorisOpenAtEnd: 0,
  burstAttempts: 0,
  burstAccepted: 0,
  burstRefused: 0,
};

/** 50 fuzzing sockets from 25 addresses; each reconnects when the relay drops it, until the deadline. */
async function fuzzer(seed: number, localAddress: string, events: number): Promise<void> {
  const rng = new Rng(seed);
  const open = (): Promise<Socket | null> =>
    new Promise((done) => {
      const s = ioClient(url, { transports: ['websocket'], reconnection: false, forceNew: true, localAddress } as never);
      s.once('connect', () => done(s));
      s.once('connect_error', () => {
        s.disconnect();
        done(null);
      });
    });
  let socket: Socket | null = null;
  let code = 'AAAAAAAAAAAAAA';
  for (let sent = 0; sent < events && Date.now() < deadline;) {
    if (socket === null || !socket.connected) {
      socket?.disconnect();
      socket = await open();
      if (socket === null) {
        figures.fuzzRefusedHandshakes++;
        await sleep(500);
        continue;
      }
      figures.fuzzReconnects++;
      socket.on('chat:message', () => undefined);
    }
    const event = rng.chance(0.05) ? `__proto__` : FUZZ_EVENTS[Math.floor(rng.next() * FUZZ_EVENTS.length)]!;
    const args = fuzzArgs(rng, event, code, []);
    if (rng.chance(0.1)) args.push(JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}'));
    if (rng.chance(0.05)) args.push(randomValue(rng), randomValue(rng)); // extra arguments
    if (rng.chance(0.8))
      args.push((res: unknown) => {
        const data = (res as { ok?: boolean; data?: { room?: { code?: string } } }).data;
        if (data?.room?.code !== undefined) code = data.room.code;
      });
    socket.emit(event, ...args);
    sent++;
    figures.fuzzEvents++;
    if (sent % 20 === 0) await sleep(5);
  }
  socket?.disconnect();
}

/** Engine.io / socket.io frames no client library would send, one connection each. */
const MALFORMED: Array<string | Buffer> = [
  '',
  'x',
  '4',
  '4{',
  '42[',
  '42["chat:send"',
  '42{}',
  '42"x"',
  '49',
  '4abc',
  '7',
  '0',
  '1',
  '2probe',
  '5',
  '6',
  '40/admin,',
  '41',
  '43["a"]',
  '44{"message":"x"}',
  '421["chat:send"]',
  '42["__proto__",{}]',
  '42[{"__proto__":1}]',
  '42["room:create",{"protocol":1e999,"profile":{"name":"x"}}]',
  `42["chat:send",${'['.repeat(3000)}${']'.repeat(3000)}]`,
  `42["chat:send",{"text":"${'x'.repeat(20_000)}"}]`,
  '42-1["time:ping"]',
  '4999999999999999999999["time:ping"]',
  Buffer.from([0xff, 0xfe]),
  Buffer.alloc(17 * 1024),
];

function rawWs(localAddress: string): Promise<WebSocket | null> {
  return new Promise((done) => {
    const ws = new WebSocket(wsUrl, { localAddress });
    ws.on('error', () => done(null));
    ws.once('message', () => done(ws));
    ws.once('unexpected-response', () => done(null));
  });
}

const closed = (ws: WebSocket, ms: number) =>
  new Promise<boolean>((done) => {
    const t = setTimeout(() => done(false), ms);
    ws.once('close', () => {
      clearTimeout(t);
      done(true);
    });
  });

async function rawFrames(): Promise<void> {
  for (let round = 0; round < 10; round++) {
    await Promise.all(
      MALFORMED.map(async (frame, i) => {
        const ws = await rawWs(`127.0.2.${1 + ((round * MALFORMED.length + i) % 200)}`);
        if (ws === null) return;
        if (i % 2 === 0) ws.send('40');
        ws.send(frame);
        figures.rawFrames++;
        if (await closed(ws, 1500)) figures.rawClosedByRelay++;
        else ws.terminate();
      }),
    );
  }
}

/** 200 connections each sending a ten-attachment header and nine 16 KiB attachments (the parked-binary opening). */
async function binaryParkers(): Promise<void> {
  const placeholders = JSON.stringify(Array.from({ length: 10 }, (_, num) => ({ _placeholder: true, num })));
  await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      const ws = await rawWs(`127.0.3.${1 + (i % 100)}`);
      if (ws === null) return;
      figures.binaryParkers++;
      ws.send('40');
      ws.send(`4510-["chat:send",${placeholders}]`);
      for (let k = 0; k < 9 && ws.readyState === ws.OPEN; k++) ws.send(Buffer.alloc(16 * 1024, 1));
      if (await closed(ws, 3000)) figures.binaryClosed++;
      else ws.terminate();
    }),
  );
}

/** Half-open upgrades (headers never finished) and silent TCP connections; how long the relay holds each. */
async function slowLoris(count: number): Promise<void> {
  const started = Date.now();
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<TcpSocket | null>((done) => {
          const s = connect({ port, host: '127.0.0.1', localAddress: `127.0.4.${1 + (i % 50)}` }, () => {
            if (i % 3 !== 0) s.write(`GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n`);
            done(s);
          });
          s.on('error', () => done(null));
          s.resume();
        }),
    ),
  );
  const live = sockets.filter((s): s is TcpSocket => s !== null);
  figures.slowLoris += live.length;
  await Promise.all(
    live.map(
      (s) =>
        new Promise<void>((done) => {
          const t = setTimeout(() => {
            figures.slowLorisOpenAtEnd++;
            s.destroy();
            done();
          }, 30_000);
          s.once('close', () => {
            clearTimeout(t);
            figures.slowLorisHeldMsMax = Math.max(figures.slowLorisHeldMsMax, Date.now() - started);
            done();
          });
        }),
    ),
  );
}

/** Thousands of WebSocket handshakes from one address at once: the per-address cap takes the blow. */
async function burst(count: number): Promise<void> {
  figures.burstAttempts += count;
  const sockets = await Promise.all(Array.from({ length: count }, () => rawWs('127.0.5.1')));
  for (const ws of sockets) {
    if (ws === null) figures.burstRefused++;
    else figures.burstAccepted++;
  }
  await sleep(2000);
  for (const ws of sockets) ws?.terminate();
}

async function main(): Promise<void> {
  const fuzzers = Array.from({ length: 50 }, (_, i) => fuzzer(7000 + i, `127.0.1.${1 + (i % 25)}`, 2100));
  figures.fuzzSockets = 50;
  await sleep(2000);
  await Promise.all([slowLoris(500), rawFrames(), binaryParkers(), burst(3000)]);
  await Promise.all(fuzzers);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`attacks failed: ${String(err)}\n`);
  process.exit(2);
});
