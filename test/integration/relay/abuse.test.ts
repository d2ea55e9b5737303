/** Floods, foreign origins, and the HTTP endpoints of a real relay. */
import { EVENT_CLASS } from '../../../relay/limits/rate-budgets';
import { ErrorCode } from '../../../relay/contract/protocol';
import { connectClient } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap, useRelay } from './support';

describe.each(storeFactories)('abuse and health ($name store)', (storeFactory) => {
  const h = useRelay({ storeFactory, config: { ALLOWED_ORIGINS: ['https://watch.example'] } });

  test('a chat flood is refused with rate_limited, then the flooder is disconnected; the room goes on', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: flooder } = await h.joinRoom(a.room.code, 'Flooder');
    const closed = new Promise<string>((done) => flooder.once('disconnect', (reason) => done(reason)));
    const results: string[] = [];
    for (let i = 0; i < 60; i++) {
      flooder.emit('chat:send', { text: `spam ${i}` }, (res) => results.push(res.ok ? 'ok' : res.error));
    }
    expect(await closed).toBe('io server disconnect');
    expect(results.filter((r) => r === 'ok')).toHaveLength(10);
    expect(results.slice(10).every((r) => r === ErrorCode.RateLimited)).toBe(true);
    expect(results.length).toBeGreaterThan(10);
    expect(unwrap(await alice.emitWithAck('chat:send', { text: 'calm' }))).toBeNull();
  });

  test.each([
    { origin: 'https://evil.example', allowed: false },
    { origin: 'http://localhost:3000', allowed: false },
    { origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop', allowed: true },
    { origin: 'moz-extension://0a1b2c3d-1111-2222-3333-444455556666', allowed: true },
    { origin: 'https://watch.example', allowed: true },
  ])('handshake from origin $origin: allowed=$allowed', async ({ origin, allowed }) => {
    const attempt = connectClient(h.relay().url, { extraHeaders: { origin } });
    if (allowed) (await attempt).disconnect();
    else await expect(attempt).rejects.toThrow();
  });

  test('every client event is routed: each gets an answer, an unknown event none', async () => {
    const c = await h.client();
    type Raw = { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> } };
    const raw = c as unknown as Raw;
    for (const event of Object.keys(EVENT_CLASS).filter((e) => e !== 'time:ping')) {
      const answer = await raw.timeout(2_000).emitWithAck(event, { not: 'a valid payload' });
      expect(answer).toMatchObject({ ok: false, error: expect.stringMatching(/^(bad_request|not_in_room)$/) });
    }
    // A clock ping with a payload where none belongs gets no clock answer; a proper one does.
    await expect(raw.timeout(300).emitWithAck('time:ping', { not: 'a valid payload' })).rejects.toThrow();
    expect(typeof (await raw.timeout(2_000).emitWithAck('time:ping'))).toBe('number');
    await expect(raw.timeout(300).emitWithAck('room:explode', {})).rejects.toThrow();
  });

  test('GET /healthz answers JSON; GET /metrics answers Prometheus text with the relay series', async () => {
    const { socket: alice } = await h.createRoom();
    unwrap(await alice.emitWithAck('playback:control', { action: 'play' }));
    await alice.emitWithAck('playback:control', { action: 'rate', rate: 9 } as never);
    const health = await fetch(`${h.relay().url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      ready: true,
      store: storeFactory.name,
      sockets: 1,
      rooms: expect.any(Number),
      uptime: expect.any(Number),
    });
    const metrics = await (await fetch(`${h.relay().url}/metrics`)).text();
    expect(metrics).toMatch(/^lockstep_sockets 1$/m);
    expect(metrics).toMatch(/^lockstep_rooms \d+$/m);
    expect(metrics).toMatch(/^lockstep_events_in_total\{event="playback:control"\} [1-9]/m);
    expect(metrics).toMatch(/^lockstep_events_out_total\{event="playback:state"\} [1-9]/m);
    expect(metrics).toMatch(/^lockstep_refusals_total\{reason="bad_request"\} [1-9]/m);
    expect(metrics).toMatch(/^lockstep_refusals_total\{reason="origin"\} [1-9]/m);
    expect(metrics).toMatch(/^lockstep_nodejs_eventloop_lag_seconds /m);
    expect((await fetch(`${h.relay().url}/nope`)).status).toBe(404);
  });
});

describe('a burst faster than the relay can queue', () => {
  // The test relay keeps up (test/support/relay.ts): on a busy machine the burst itself could make a
  // real monitor count the relay as saturated, and then what piles up is its own doing, refused
  // without strikes (that case is overload.test.ts's).
  const h = useRelay({ extra: { budgets: { chat: { points: 100_000, duration: 1 } } } });

  test('is refused beyond the connection queue and then disconnected, without hurting others', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: flooder } = await h.joinRoom(a.room.code, 'Flooder');
    const closed = new Promise<string>((done) => flooder.once('disconnect', (reason) => done(reason)));
    const results: string[] = [];
    for (let i = 0; i < 2000; i++) flooder.emit('chat:send', { text: `spam ${i}` }, (res) => results.push(res.ok ? 'ok' : res.error));
    expect(await closed).toBe('io server disconnect');
    expect(results).toContain(ErrorCode.RateLimited);
    expect(unwrap(await alice.emitWithAck('chat:send', { text: 'calm' }))).toBeNull();
  });
});

describe('readiness', () => {
  let ready = true;
  const h = useRelay({ extra: { ready: () => ready } });

  test('/healthz answers 503 while a backend is not ready', async () => {
    expect((await fetch(`${h.relay().url}/healthz`)).status).toBe(200);
    ready = false;
    const res = await fetch(`${h.relay().url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', ready: false });
    ready = true;
  });
});
