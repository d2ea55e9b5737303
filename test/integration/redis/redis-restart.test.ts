/**
 * Redis restarted mid-session (a private redis-server, nothing on disk, so it comes back EMPTY):
 * the relays say so on /healthz, refuse room changes (and chat, which the store could not keep)
 * with `unavailable` but keep connections and clock pings, and when Redis returns they put the
 * rooms back and the session goes on (the chat history starts anew: no relay holds all of it).
 */
import { PROTOCOL_VERSION } from '../../../relay/contract/protocol';
import { connectClient, nextEvent, type TestClient } from '../../support/relay';
import { uniquePrefix } from '../../support/stores';
import { unwrap } from '../relay/support';
import { redisProcess, startRelayProcess, type RedisProcess, type RelayProcess } from './processes';

jest.setTimeout(60_000);

let redis: RedisProcess;
let nodes: RelayProcess[] = [];
const clients: TestClient[] = [];

async function health(url: string): Promise<{ code: number; body: { ready: boolean; reason: string | null } }> {
  const res = await fetch(`${url}/healthz`);
  return { code: res.status, body: (await res.json()) as { ready: boolean; reason: string | null } };
}

/** Polls /healthz until it answers `code` (readiness flips on a Redis connection event). */
async function healthBecomes(url: string, code: number): Promise<{ ready: boolean; reason: string | null }> {
  for (let i = 0; i < 200; i++) {
    const h = await health(url);
    if (h.code === code) return h.body;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`${url}/healthz never answered ${code}`);
}

beforeAll(async () => {
  redis = await redisProcess();
  const prefix = uniquePrefix('restart');
  nodes = await Promise.all([0, 1].map(() => startRelayProcess({ redisUrl: redis.url, keyPrefix: prefix })));
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.stop();
});

test('Redis restarted empty mid-session: 503 with a reason meanwhile, then rooms are back and the session goes on', async () => {
  const [a, b] = nodes as [RelayProcess, RelayProcess];
  const alice = await connectClient(a.url);
  const bob = await connectClient(b.url);
  clients.push(alice, bob);
  const room = unwrap(await alice.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Alice' } })).room;
  unwrap(await bob.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: room.code, profile: { name: 'Bob' } }));
  const before = unwrap(await alice.emitWithAck('playback:control', { action: 'play', position: 30 }));
  const chats: string[] = [];
  alice.on('chat:message', (m) => chats.push(m.text));
  unwrap(await alice.emitWithAck('chat:send', { text: 'before' }));
  expect((await health(a.url)).code).toBe(200);

  await redis.stop();
  // Whichever of the relay's two Redis connections notices first (the store's or the adapter's).
  expect(await healthBecomes(a.url, 503)).toMatchObject({
    ready: false,
    reason: expect.stringMatching(/^redis_(store|adapter)_unavailable$/),
  });
  expect(await healthBecomes(b.url, 503)).toMatchObject({ ready: false });
  // Connections stay up; room changes are refused, clock pings still answered.
  expect(await bob.emitWithAck('playback:control', { action: 'pause', position: 31 })).toEqual({ ok: false, error: 'unavailable' });
  expect(await bob.emitWithAck('chat:send', { text: 'into the void' })).toEqual({ ok: false, error: 'unavailable' });
  expect(typeof (await alice.timeout(2000).emitWithAck('time:ping'))).toBe('number');
  expect(alice.connected && bob.connected).toBe(true);

  await redis.start();
  await healthBecomes(a.url, 200);
  await healthBecomes(b.url, 200);

  // The room came back from the relays' last copy: Bob (node B) pauses, Alice (node A) follows.
  const aliceState = nextEvent(alice, 'playback:state');
  const paused = unwrap(await bob.emitWithAck('playback:control', { action: 'pause', position: 40 }));
  expect(paused.seq).toBe(before.seq + 1);
  expect((await aliceState)[0]).toEqual(paused);
  const members = unwrap(await alice.emitWithAck('member:profile', { name: 'Alice2' }));
  expect(members.name).toBe('Alice2');
  expect(chats).toEqual(['before']); // the refused message was never broadcast
  unwrap(await bob.emitWithAck('chat:send', { text: 'after' }));
  const dave = await connectClient(a.url);
  clients.push(dave);
  const late = unwrap(await dave.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: room.code, profile: { name: 'Dave' } }));
  expect(late.chat?.map((m) => m.text)).toEqual(['after']);

  // New rooms work too.
  const carol = await connectClient(b.url);
  clients.push(carol);
  unwrap(await carol.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Carol' } }));
});
