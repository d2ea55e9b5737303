/**
 * The openings measured from outside: binary attachments parked in the parser, no cap on sockets
 * per address, half-open handshakes held for a minute; and the per-address budgets.
 */
import { connect, type Socket } from 'node:net';
import { PROTOCOL_VERSION, ErrorCode } from '../../../relay/contract/protocol';
import { connectClient, type TestClient } from '../../support/relay';
import { ACCEPT_MARGIN } from '../../../relay/limits/accept-guard';
import { closesWithin, halfOpenUpgrade, rawSocket, upgradeBurst } from './raw-engine';
import { unwrap, useRelay } from './support';

const join = (socket: TestClient, code: string) =>
  socket.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name: 'Guess' } });

describe('binary', () => {
  const h = useRelay();

  test('a binary event header closes the connection at once: no attachment is kept waiting', async () => {
    const ws = await rawSocket(h.relay().url);
    // A ten-attachment event (socket.io's cap), then nine 16 KiB attachments: socket.io's decoder used to keep them.
    const placeholders = Array.from({ length: 10 }, (_, num) => ({ _placeholder: true, num }));
    ws.send(`4510-["chat:send",${JSON.stringify(placeholders)}]`);
    for (let i = 0; i < 9 && ws.readyState === ws.OPEN; i++) ws.send(Buffer.alloc(16 * 1024));
    expect(await closesWithin(ws, 2000)).toBe(true);
  });

  test('a bare binary frame, or a binary ack, closes the connection; the room goes on', async () => {
    const { socket: alice } = await h.createRoom();
    const [frame, ack] = await Promise.all([rawSocket(h.relay().url), rawSocket(h.relay().url)]);
    const closed = Promise.all([closesWithin(frame, 2000), closesWithin(ack, 2000)]);
    frame.send(Buffer.from([4, 1, 2, 3]));
    ack.send('461-0[{"_placeholder":true,"num":0}]');
    expect(await closed).toEqual([true, true]);
    const client = await h.client();
    const dropped = new Promise<string>((done) => client.once('disconnect', done));
    (client as unknown as { emit(e: string, ...a: unknown[]): void }).emit('chat:send', { text: Buffer.from('hi') }, () => undefined);
    expect(await dropped).toBe('transport close');
    expect(unwrap(await alice.emitWithAck('chat:send', { text: 'still here' }))).toBeNull();
  });
});

describe('sockets per address', () => {
  const h = useRelay({ config: { MAX_SOCKETS_PER_ADDRESS: 5, TRUST_PROXY: true } });

  test('an address holds at most MAX_SOCKETS_PER_ADDRESS connections; one closing frees a place', async () => {
    const five = await Promise.all(Array.from({ length: 5 }, () => h.client()));
    await expect(connectClient(h.relay().url)).rejects.toThrow();
    five[0]!.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    (await connectClient(h.relay().url)).disconnect();
  });

  test('a burst of handshakes from one address at once still gets exactly MAX_SOCKETS_PER_ADDRESS through', async () => {
    // The handshakes are paced a few per turn (relay/limits/handshake-pacer.ts): those let through
    // in one turn are not open yet when the next one is checked, and must count anyway. So that
    // they reach the relay together, another process opens 30 TCP connections, then sends all 30 upgrades.
    const statuses = await upgradeBurst(Number(new URL(h.relay().url).port), 30);
    expect(statuses.filter((line) => line.startsWith('HTTP/1.1 101'))).toHaveLength(5);
    expect(statuses).toHaveLength(30);
  });

  test('behind a trusted proxy, the address is the one the proxy appended, not the one the client wrote', async () => {
    const via = (forwarded: string) => connectClient(h.relay().url, { extraHeaders: { 'x-forwarded-for': forwarded } });
    const spoofed = await Promise.all(Array.from({ length: 5 }, (_, i) => via(`10.9.9.${i}, 203.0.113.7`)));
    await expect(via('10.9.9.99, 203.0.113.7')).rejects.toThrow();
    const other = await via('203.0.113.8');
    for (const s of [...spoofed, other]) s.disconnect();
  });
});

describe('connections per address, at accept', () => {
  const h = useRelay({ config: { MAX_SOCKETS_PER_ADDRESS: 2 } });

  test('past the cap and its margin, a connection from that address is closed before the relay reads a byte of it', async () => {
    const port = Number(new URL(h.relay().url).port);
    const two = await Promise.all([h.client(), h.client()]);
    // Plain TCP connections, one after another, until the relay closes one on its own.
    const sockets: Array<{ socket: Socket; closed: boolean; bytes: number }> = [];
    for (let i = 0; i < ACCEPT_MARGIN + 5 && !sockets.some((s) => s.closed); i++) {
      const entry = { socket: connect(port, '127.0.0.1'), closed: false, bytes: 0 };
      entry.socket.on('data', (d: Buffer) => (entry.bytes += d.length));
      entry.socket.on('error', () => undefined); // the relay resets it
      entry.socket.on('close', () => (entry.closed = true));
      sockets.push(entry);
      await new Promise((done) => setTimeout(done, 30));
    }
    // The first ACCEPT_MARGIN past the two sockets are kept (the handshake timeout deals with them); the next is closed unread.
    expect(sockets.map((s) => s.closed)).toEqual([...Array<boolean>(ACCEPT_MARGIN).fill(false), true]);
    expect(sockets[ACCEPT_MARGIN]!.bytes).toBe(0);
    for (const s of sockets) s.socket.destroy();
    await new Promise((done) => setTimeout(done, 100));
    const metrics = await (await fetch(`${h.relay().url}/metrics`)).text();
    expect(metrics).toMatch(/lockstep_refusals_total\{reason="address_accept"\} 1/);
    two[0]!.disconnect();
    await new Promise((done) => setTimeout(done, 100));
    (await connectClient(h.relay().url)).disconnect();
  });
});

describe('connection rate per address', () => {
  const h = useRelay({ config: { CONNECTS_PER_ADDRESS_PER_MINUTE: 4 } });

  test('past CONNECTS_PER_ADDRESS_PER_MINUTE handshakes, the next is refused even with none open', async () => {
    for (let i = 0; i < 4; i++) (await connectClient(h.relay().url)).disconnect();
    await expect(connectClient(h.relay().url)).rejects.toThrow();
    const metrics = await (await fetch(`${h.relay().url}/metrics`)).text();
    expect(metrics).toMatch(/lockstep_refusals_total\{reason="address_rate"\} 1/);
  });
});

describe('guessed room codes per address', () => {
  const h = useRelay({ config: { JOIN_GUESSES_PER_ADDRESS_PER_HOUR: 3, TRUST_PROXY: true } });

  test('after JOIN_GUESSES_PER_ADDRESS_PER_HOUR wrong codes, joins and resumes from that address are refused, right code or not', async () => {
    const { joined: a } = await h.createRoom();
    const guesser = await h.client();
    for (const code of ['AAAAAAAAAAAAAA', 'BBBBBBBBBBBBBB'])
      expect(await join(guesser, code)).toEqual({ ok: false, error: ErrorCode.RoomNotFound });
    // A wrong resume token counts too, and a new connection starts with nothing new.
    const resumed = await guesser.emitWithAck('room:resume', {
      protocol: PROTOCOL_VERSION,
      resumeToken: `${a.room.code}.${'A'.repeat(43)}`,
    });
    expect(resumed).toEqual({ ok: false, error: ErrorCode.ResumeFailed });
    const again = await h.client();
    expect(await join(again, a.room.code)).toEqual({ ok: false, error: ErrorCode.RateLimited });
    // Another address is not affected.
    const elsewhere = await connectClient(h.relay().url, { extraHeaders: { 'x-forwarded-for': '198.51.100.4' } });
    expect(unwrap(await join(elsewhere, a.room.code)).room.code).toBe(a.room.code);
    elsewhere.disconnect();
  });
});

describe('slow handshakes', () => {
  const h = useRelay({ config: { HANDSHAKE_TIMEOUT_MS: 1000 } });

  test('an upgrade whose headers never finish, a silent TCP connection and a WebSocket that never joins are dropped', async () => {
    const port = h.relay().port;
    const [partial, silent, unjoined] = await Promise.all([
      halfOpenUpgrade(port),
      halfOpenUpgrade(port, false),
      rawSocket(h.relay().url, { join: false }),
    ]);
    const live = await h.client();
    expect(await Promise.all([closesWithin(partial, 3000), closesWithin(unjoined, 3000), closesWithin(silent, 3000)])).toEqual([
      true,
      true,
      true,
    ]);
    // A joined connection is long-lived: untouched by the handshake timeouts.
    expect(live.connected).toBe(true);
    expect(typeof (await live.emitWithAck('time:ping'))).toBe('number');
  }, 15_000);
});
