/** Raw engine.io / socket.io over `ws` and plain TCP: what a hostile peer sends, not what socket.io-client would. */
import { execFile } from 'node:child_process';
import { connect, type Socket as TcpSocket } from 'node:net';
import WebSocket from 'ws';

export function engineUrl(relayUrl: string): string {
  return `${relayUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
}

/** Resolves once `ws` closes (true) or after `ms` (false). */
export function closesWithin(ws: WebSocket | TcpSocket, ms: number): Promise<boolean> {
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    ws.once('close', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/** An engine.io WebSocket that has received the open packet; with `join`, also in socket.io's `/` namespace. */
export async function rawSocket(relayUrl: string, opts: { join?: boolean; headers?: Record<string, string> } = {}): Promise<WebSocket> {
  const ws = new WebSocket(engineUrl(relayUrl), { headers: opts.headers });
  await new Promise<void>((done, fail) => {
    ws.once('error', fail);
    ws.once('message', (data) => (String(data).startsWith('0') ? done() : fail(new Error(`no open packet: ${String(data)}`))));
  });
  if (opts.join !== false) {
    ws.send('40');
    await new Promise<void>((done, fail) => {
      ws.once('message', (data) => (String(data).startsWith('40') ? done() : fail(new Error(`not joined: ${String(data)}`))));
    });
  }
  ws.on('message', (data) => {
    if (String(data) === '2') ws.send('3'); // answer engine.io pings, like a live client
  });
  ws.on('error', () => undefined); // a refused or dropped peer is what these tests expect
  return ws;
}

/** A TCP connection that sends the start of a WebSocket upgrade and never finishes its headers. */
export function halfOpenUpgrade(port: number, partial = true): Promise<TcpSocket> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1', () => {
      if (partial) socket.write('GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
      done(socket);
    });
    socket.once('error', fail);
    socket.on('error', () => undefined);
    socket.resume(); // read what the relay answers (a 408): its closing end is seen only when read
  });
}

/**
 * `count` WebSocket upgrades that reach the relay at once: a child process opens every TCP
 * connection first, then writes every request in one go. Resolves with each answer's status line
 * ('closed' when the relay closed without one).
 */
export function upgradeBurst(port: number, count: number): Promise<string[]> {
  const script = `
    const net = require('node:net');
    const request = (key) => ['GET /socket.io/?EIO=4&transport=websocket HTTP/1.1', 'Host: 127.0.0.1', 'Upgrade: websocket',
      'Connection: Upgrade', 'Sec-WebSocket-Key: ' + key, 'Sec-WebSocket-Version: 13', '', ''].join('\\r\\n');
    const sockets = Array.from({ length: ${count} }, () => net.connect(${port}, '127.0.0.1'));
    const answers = sockets.map((s) => new Promise((done) => {
      s.on('error', () => undefined);
      s.once('data', (d) => done(d.toString().split('\\r\\n')[0]));
      s.once('close', () => done('closed'));
    }));
    Promise.all(sockets.map((s) => new Promise((done) => s.once('connect', done)))).then(() => {
      sockets.forEach((s, i) => s.write(request(Buffer.alloc(16, i).toString('base64'))));
      return Promise.all(answers);
    }).then((lines) => {
      process.stdout.write(JSON.stringify(lines));
      sockets.forEach((s) => s.destroy());
    });`;
  return new Promise((done, fail) => {
    execFile(process.execPath, ['-e', script], { timeout: 10_000 }, (err, stdout) => {
      if (err !== null) fail(err);
      else done(JSON.parse(stdout) as string[]);
    });
  });
}
