/**
 * The proof of private rooms (#15): a whole session through two relay processes sharing Redis (the
 * members on different nodes, so every broadcast crosses the Redis streams adapter), logs at debug
 * level. Two real socket.io clients seal with the extension's own module (extension/crypto/seal.ts,
 * the codec tab-room.ts uses): names, a media change with a distinctive title and URL, chat lines
 * and a reaction. Then every Redis key and value under the relays' prefix, everything the relays
 * logged and both relays' /metrics are searched: none of the plaintext appears. The members, who hold
 * the key, read every value back.
 */
import { pino } from 'pino';
import { PROTOCOL_VERSION, type JoinedRoom } from '../../../relay/contract/protocol';
import { connectRedis } from '../../../relay/redis/connection';
import { sealedCodec, type RoomCodec } from '../../../extension/background/room-codec';
import { newRoomKey, roomSeal } from '../../../extension/crypto/seal';
import { connectClient, nextEvent, type TestClient } from '../../support/relay';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../../support/stores';
import { unwrap } from '../relay/support';
import { startRelayProcess, type RelayProcess } from './processes';

jest.setTimeout(60_000);

const prefix = uniquePrefix('proof');
const output: string[] = [];
const relays: RelayProcess[] = [];
const clients: TestClient[] = [];

/** Distinctive plaintexts: each must be found nowhere the relay operator can look. */
const SECRET = {
  alice: 'Aurelia Quistgaard',
  bob: 'Bartholomew Zyxwin',
  url: 'https://video.example/watch?v=ZephyrQuokka1729&list=secretPlaylist',
  urlPart: 'ZephyrQuokka1729',
  title: 'The Marmalade Conspiracy, Part Nine',
  chat1: 'meet me under the purple lighthouse',
  chat2: 'bring the xylophone-shaped biscuits',
  reaction: '🎉' as const,
};

beforeAll(async () => {
  const env = { LOG_LEVEL: 'debug', REDIS_ADAPTER: 'streams' };
  for (let i = 0; i < 2; i++)
    relays.push(await startRelayProcess({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix, env, onOutput: (t) => output.push(t) }));
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const r of relays) await r.stop();
  await deleteKeys(TEST_REDIS_URL, prefix);
});

/** Every key under the prefix with its value, whatever its type, as text. */
async function redisDump(): Promise<string> {
  const redis = await connectRedis(TEST_REDIS_URL, 'command', pino({ level: 'silent' }));
  const parts: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const value: unknown =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? await redis.hgetall(key)
              : type === 'list'
                ? await redis.lrange(key, '0', '-1')
                : type === 'set'
                  ? await redis.smembers(key)
                  : type === 'zset'
                    ? await redis.zrange(key, '0', '-1', 'WITHSCORES')
                    : type === 'stream'
                      ? await redis.xrange(key, '-', '+')
                      : `(${type})`;
        parts.push(`${key} ${type} ${JSON.stringify(value)}`);
        // Stream entries of the adapter are msgpack (binary): search their raw bytes too.
        if (type === 'stream') {
          const raw = (await redis.xrangeBuffer(key, '-', '+')) as Array<[Buffer, Buffer[]]>;
          for (const [, fields] of raw) for (const f of fields) parts.push(f.toString('utf8'));
        }
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return parts.join('\n');
}

test('a private session leaves no plaintext in Redis, the relay logs or /metrics; the members read everything', async () => {
  const roomKey = newRoomKey();
  const seal = await roomSeal(roomKey);

  // Alice creates the room on relay 0 (her name sealed before the code exists), then names herself for the code.
  const alice = await connectClient(relays[0]!.url);
  const bob = await connectClient(relays[1]!.url);
  clients.push(alice, bob);
  const created = unwrap(
    await alice.emitWithAck('room:create', {
      protocol: PROTOCOL_VERSION,
      private: { keyCheck: seal.keyCheck },
      profile: { name: await seal.seal('name', '', SECRET.alice) },
    }),
  );
  const code = created.room.code;
  expect(created.room).toMatchObject({ private: true, keyCheck: seal.keyCheck });
  const codec: RoomCodec = sealedCodec(seal, code);
  unwrap(await alice.emitWithAck('member:profile', await codec.profileOut({ name: SECRET.alice })));

  // Bob joins on relay 1 with the invite's key.
  const bobSeen = nextEvent(alice, 'member:joined', 15_000);
  const joined: JoinedRoom = unwrap(
    await bob.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: await codec.profileOut({ name: SECRET.bob }) }),
  );
  const opened = await codec.room(joined.room);
  expect(opened.members.map((m) => m.name).sort()).toEqual([SECRET.alice, SECRET.bob].sort());
  expect((await codec.member((await bobSeen)[0])).name).toBe(SECRET.bob);

  // A media change with a distinctive title and URL; the same URL again keeps the timeline (media key).
  const mediaAtBob = nextEvent(bob, 'playback:state', 15_000);
  const media = { url: SECRET.url, title: SECRET.title, duration: 5400 };
  const t1 = unwrap(await alice.emitWithAck('playback:control', { action: 'media', media: await codec.mediaOut(media) }));
  expect((await codec.timeline((await mediaAtBob)[0])).media).toEqual(media);
  const t2 = unwrap(await alice.emitWithAck('playback:control', { action: 'play' }));
  expect(t2.seq).toBe(t1.seq + 1);
  // The same video again (new IVs, so the relay takes its details as new) keeps the playing timeline.
  const t3 = unwrap(await alice.emitWithAck('playback:control', { action: 'media', media: await codec.mediaOut(media) }));
  expect(t3).toMatchObject({ paused: false, position: t2.position, setAt: t2.setAt });

  // Chat both ways and a reaction.
  // A chat line goes to its sender too, after the ack (the adapter delivers it once Redis has
  // stored it): Bob's own copy is awaited, or it could be the next message he hears.
  const chatAtAlice = nextEvent(alice, 'chat:message', 15_000);
  const ownAtBob = nextEvent(bob, 'chat:message', 15_000);
  unwrap(await bob.emitWithAck('chat:send', { text: await codec.chatOut(SECRET.chat1) }));
  expect((await codec.chat((await chatAtAlice)[0])).text).toBe(SECRET.chat1);
  expect((await codec.chat((await ownAtBob)[0])).text).toBe(SECRET.chat1);
  const chatAtBob = nextEvent(bob, 'chat:message', 15_000);
  unwrap(await alice.emitWithAck('chat:send', { text: await codec.chatOut(SECRET.chat2) }));
  expect((await codec.chat((await chatAtBob)[0])).text).toBe(SECRET.chat2);
  // Reactions are volatile (a busy connection may miss one): sent again until one arrives.
  const reactionAtAlice = nextEvent(alice, 'reaction', 15_000);
  const sending = setInterval(
    () => void codec.reactionOut(SECRET.reaction).then((emoji) => bob.emit('reaction:send', { emoji }, () => undefined)),
    1000,
  );
  unwrap(await bob.emitWithAck('reaction:send', { emoji: await codec.reactionOut(SECRET.reaction) }));
  try {
    expect((await codec.reaction((await reactionAtAlice)[0])).emoji).toBe(SECRET.reaction);
  } finally {
    clearInterval(sending);
  }

  // A late joiner's history opens too (the history lives in Redis).
  const carol = await connectClient(relays[0]!.url);
  clients.push(carol);
  const late = unwrap(
    await carol.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: await codec.profileOut({ name: 'C' }) }),
  );
  expect(await Promise.all((late.chat ?? []).map(async (m) => (await codec.chat(m)).text))).toEqual([SECRET.chat1, SECRET.chat2]);
  expect((await codec.room(late.room)).timeline.media).toEqual(media);

  // A control: an open room's plain name and chat line in the same Redis, which the scan must find
  // (so a scan that finds no secret is one that would have found it).
  const dave = await connectClient(relays[1]!.url);
  clients.push(dave);
  unwrap(await dave.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Control Dwightson' } }));
  unwrap(await dave.emitWithAck('chat:send', { text: 'control line in the clear' }));

  const stored = await redisDump();
  expect(stored).toContain('Control Dwightson');
  expect(stored).toContain('control line in the clear');
  const metrics = (await Promise.all(relays.map(async (r) => (await fetch(`${r.url}/metrics`)).text()))).join('\n');
  // Logs: let the relays write out what they logged about the last events.
  for (const c of clients) c.disconnect();
  await Promise.all(relays.map((r) => r.stop()));
  relays.length = 0;
  const logs = output.join('');

  // The scans looked at something real: the room, its history and the adapter's stream are in Redis, the logs are debug.
  expect(stored).toContain(`${prefix}room:${code}`);
  expect(stored).toContain(`${prefix}chat:${code}`);
  expect(stored).toContain(`${prefix}sio`);
  expect(stored).toContain(joined.room.keyCheck!);
  expect(logs).toContain('"level":20');
  expect(logs).toContain('room created');
  expect(metrics).toMatch(/lockstep_events_in_total\{event="chat:send"\} [1-9]/);

  const haystacks = { redis: stored, logs, metrics };
  const needles = [
    SECRET.alice,
    SECRET.bob,
    SECRET.url,
    SECRET.urlPart,
    SECRET.title,
    SECRET.chat1,
    SECRET.chat2,
    'purple lighthouse',
    'Marmalade',
  ];
  for (const [where, text] of Object.entries(haystacks))
    for (const needle of needles) expect({ where, found: text.includes(needle), needle }).toEqual({ where, found: false, needle });
  // The reaction is one of six: it must not appear in the clear either (as the emoji or its JSON escape).
  for (const [where, text] of Object.entries(haystacks))
    expect({ where, found: text.includes(SECRET.reaction) || text.toLowerCase().includes('\\ud83c\\udf89') }).toEqual({
      where,
      found: false,
    });
  // The room key never left the members.
  for (const text of Object.values(haystacks)) expect(text).not.toContain(roomKey);
});
