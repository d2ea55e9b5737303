/**
 * The background's relay connection against a real relay (socket.io on port 0): nothing is queued
 * while disconnected, a relay that closes the connection on purpose is reconnected to, and every
 * failure names the relay URL. Against a relay that answers nonsense: nothing it sends is passed on.
 */
import { RelayConnection, SERVER_DISCONNECT_RETRY_MS } from '../../../extension/background/relay-connection';
import { LocalError } from '../../../extension/messages';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { joinedRoomSchema, memberSchema } from '../../../relay/contract/answer-schemas';
import { PROTOCOL_VERSION } from '../../../relay/contract/protocol';
import { startRelay, type TestRelay } from '../../support/relay';

let relay: TestRelay;
let conn: RelayConnection | null = null;
const events: string[] = [];

beforeAll(async () => {
  relay = await startRelay();
  relay.io.on('connection', (socket) => socket.onAny((event: string) => events.push(event)));
});

afterEach(() => {
  conn?.close();
  conn = null;
  events.length = 0;
});

afterAll(() => relay.close());

function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  return new Promise((done, fail) => {
    const deadline = Date.now() + timeoutMs;
    const tick = (): void => {
      if (check()) return done();
      if (Date.now() > deadline) return fail(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

test('connects, answers a request and a clock ping', async () => {
  conn = new RelayConnection(relay.url, () => undefined);
  expect(await conn.whenConnected()).toEqual({ ok: true, data: null });
  expect(conn.view().status).toBe('connected');
  const created = await conn.request(
    (s) => s.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Ana' } }),
    joinedRoomSchema,
  );
  expect(created.ok).toBe(true);
  expect(typeof (await conn.ping())).toBe('number');
});

test('a relay that is down: a "cannot reach" failure naming the URL', async () => {
  conn = new RelayConnection('http://127.0.0.1:9', () => undefined);
  const r = await conn.whenConnected();
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.error).toBe(LocalError.RelayUnreachable);
    expect(r.message).toContain('http://127.0.0.1:9');
  }
  expect(conn.view().status).toBe('unreachable');
});

test('while disconnected nothing is queued: requests fail at once, pings answer null', async () => {
  conn = new RelayConnection(relay.url, () => undefined);
  await conn.whenConnected();
  conn.socket.disconnect(); // as after a network loss, before socket.io reconnects
  const started = Date.now();
  const r = await conn.request((s) => s.emitWithAck('member:status', { status: 'playing', offsetMs: 0 }), memberSchema);
  expect(r.ok).toBe(false);
  expect(await conn.ping()).toBeNull();
  expect(Date.now() - started).toBeLessThan(500);
  conn.socket.connect();
  await conn.whenConnected();
  expect(await conn.ping()).not.toBeNull();
  expect(events.filter((e) => e === 'member:status')).toHaveLength(0); // the backlog was never sent
});

test('the relay closes the connection on purpose: it comes back on its own', async () => {
  const statuses: string[] = [];
  conn = new RelayConnection(relay.url, () => statuses.push(conn!.view().status));
  await conn.whenConnected();
  relay.io.disconnectSockets(true);
  await until(() => statuses.includes('reconnecting'), 'reconnecting');
  await until(() => conn!.socket.connected, 'reconnected', SERVER_DISCONNECT_RETRY_MS + 3000);
  expect(conn.view().status).toBe('connected');
});

test('closing stops every reconnection', async () => {
  conn = new RelayConnection(relay.url, () => undefined);
  await conn.whenConnected();
  relay.io.disconnectSockets(true);
  await until(() => !conn!.socket.connected, 'disconnected');
  conn.close();
  await new Promise((done) => setTimeout(done, SERVER_DISCONNECT_RETRY_MS + 500));
  expect(conn.socket.connected).toBe(false);
});

test('a relay answering outside the protocol: refused as bad_answer, a clock answer that is no time is null', async () => {
  const http = createServer();
  const rogue = new Server(http, { transports: ['websocket'] });
  rogue.on('connection', (socket) => {
    socket.on('room:create', (_req: unknown, ack: (res: unknown) => void) =>
      ack({ ok: true, data: { room: { code: 'X', members: 'everyone' } } }),
    );
    socket.on('member:status', (_req: unknown, ack: (res: unknown) => void) => ack({ ok: false, error: 'no_such_code' }));
    socket.on('time:ping', (ack: (res: unknown) => void) => ack('soon'));
  });
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  try {
    conn = new RelayConnection(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, () => undefined);
    await conn.whenConnected();
    const created = await conn.request(
      (s) => s.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Ana' } }),
      joinedRoomSchema,
    );
    expect(created).toMatchObject({ ok: false, error: LocalError.BadAnswer, message: expect.stringContaining('does not understand') });
    expect(await conn.request((s) => s.emitWithAck('member:status', { status: 'playing' }), memberSchema)).toMatchObject({
      ok: false,
      error: LocalError.BadAnswer,
    });
    expect(await conn.ping()).toBeNull();
  } finally {
    conn?.close();
    conn = null;
    await new Promise<void>((done) => {
      void rogue.close(() => done());
    });
  }
});
