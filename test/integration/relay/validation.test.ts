/**
 * Malformed payloads for every event: each gets `bad_request`, changes nothing, and the
 * connection stays up. Payloads are sent untyped on purpose.
 */
import { ErrorCode, LIMITS, PROTOCOL_VERSION } from '../../../relay/contract/protocol';
import type { TestClient } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap, useRelay } from './support';

type Raw = { emitWithAck(event: string, ...args: unknown[]): Promise<unknown>; emit(event: string, ...args: unknown[]): unknown };
const raw = (s: TestClient): Raw => s as unknown as Raw;

const long = (n: number): string => 'x'.repeat(n);
const profile = { name: 'Mallory' };
const media = { url: 'https://video.example/watch', title: 'A film', duration: 120 };
const common: Array<[string, unknown]> = [
  ['a number', 42],
  ['a string', 'hello'],
  ['null', null],
  ['an array', [1, 2]],
  // Binary closes the connection instead (hardening.test.ts): the protocol has none.
];

const cases: Record<string, Array<[string, unknown]>> = {
  'room:create': [
    ...common,
    ['missing profile', { protocol: PROTOCOL_VERSION }],
    ['empty name', { protocol: PROTOCOL_VERSION, profile: { name: '  ' } }],
    ['oversize name', { protocol: PROTOCOL_VERSION, profile: { name: long(LIMITS.nameMaxLength + 1) } }],
    ['control characters in name', { protocol: PROTOCOL_VERSION, profile: { name: 'a\u0007b' } }],
    ['bad colour', { protocol: PROTOCOL_VERSION, profile: { name: 'M', color: 'red' } }],
    ['extra key', { protocol: PROTOCOL_VERSION, profile, admin: true }],
    ['extra key in profile', { protocol: PROTOCOL_VERSION, profile: { ...profile, role: 'host' } }],
    ['bad settings', { protocol: PROTOCOL_VERSION, profile, settings: { controlMode: 'anyone' } }],
    [
      'oversize media url',
      { protocol: PROTOCOL_VERSION, profile, media: { ...media, url: `https://x.example/${long(LIMITS.urlMaxLength)}` } },
    ],
    ['media url not a url', { protocol: PROTOCOL_VERSION, profile, media: { ...media, url: 'not a url' } }],
    ['javascript: media url', { protocol: PROTOCOL_VERSION, profile, media: { ...media, url: 'javascript:alert(1)' } }],
    ['protocol as string', { protocol: '1', profile }],
  ],
  'room:join': [
    ...common,
    ['code as number', { protocol: PROTOCOL_VERSION, code: 12345, profile }],
    ['missing code', { protocol: PROTOCOL_VERSION, profile }],
    ['oversize code', { protocol: PROTOCOL_VERSION, code: long(500), profile }],
    ['extra key', { protocol: PROTOCOL_VERSION, code: 'ABCD', profile, host: true }],
  ],
  'room:resume': [
    ...common,
    ['missing token', { protocol: PROTOCOL_VERSION }],
    ['oversize token', { protocol: PROTOCOL_VERSION, resumeToken: long(5000) }],
  ],
  'room:settings': [...common, ['unknown mode', { controlMode: 'dictator' }], ['extra key', { controlMode: 'host', owner: 'me' }]],
  'room:transfer-host': [...common, ['missing id', {}], ['id as number', { memberId: 7 }]],
  'member:profile': [...common, ['oversize name', { name: long(1000) }], ['extra key', { name: 'M', id: 'x' }]],
  'member:status': [
    ...common,
    ['unknown status', { status: 'dancing' }],
    ['offset beyond a day (JSON has no Infinity)', { status: 'playing', offsetMs: 1e12 }],
    ['rtt as string', { status: 'playing', rttMs: '40' }],
    ['negative rtt', { status: 'playing', rttMs: -5 }],
  ],
  'playback:control': [
    ...common,
    ['unknown action', { action: 'rewind' }],
    ['seek without position', { action: 'seek' }],
    ['negative position', { action: 'seek', position: -1 }],
    ['position as string', { action: 'seek', position: '10' }],
    ['rate too high', { action: 'rate', rate: 16 }],
    ['rate too low', { action: 'rate', rate: 0.1 }],
    ['extra key', { action: 'play', force: true }],
    ['fractional baseSeq', { action: 'pause', baseSeq: 1.5 }],
    ['media missing title', { action: 'media', media: { url: media.url, duration: null } }],
  ],
  'chat:send': [
    ...common,
    ['empty text', { text: '' }],
    ['oversize text', { text: long(LIMITS.chatMaxLength + 1) }],
    ['text as object', { text: { a: 1 } }],
  ],
};

describe.each(storeFactories)('malformed payloads ($name store)', (storeFactory) => {
  // Generous budgets: this suite sends many bad events from one connection on purpose.
  const h = useRelay({
    storeFactory,
    extra: {
      budgets: {
        other: { points: 1000, duration: 1 },
        join: { points: 1000, duration: 1 },
        control: { points: 1000, duration: 1 },
        status: { points: 1000, duration: 1 },
        chat: { points: 1000, duration: 1 },
      },
    },
  });

  test.each(Object.entries(cases))('%s: every bad payload gets bad_request and changes nothing', async (event, payloads) => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const before = await h.relay().store.get(a.room.code);
    for (const [what, payload] of payloads) {
      const res = await raw(alice).emitWithAck(event, payload);
      expect([what, res]).toEqual([what, { ok: false, error: ErrorCode.BadRequest }]);
    }
    // Two payloads where one is expected, and none where one is expected.
    expect(await raw(alice).emitWithAck(event, {}, {})).toEqual({ ok: false, error: ErrorCode.BadRequest });
    expect(await raw(alice).emitWithAck(event)).toEqual({ ok: false, error: ErrorCode.BadRequest });
    const after = await h.relay().store.get(a.room.code);
    expect(after).toEqual(before);
    expect(alice.connected).toBe(true);
    expect(typeof (await alice.emitWithAck('time:ping'))).toBe('number');
  });

  test('no ack: nothing happens and the connection stays up', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    raw(alice).emit('playback:control', { action: 'seek', position: 5 });
    raw(alice).emit('room:leave', 'not a function');
    raw(alice).emit('time:ping', 'not a function');
    raw(alice).emit('no:such-event', { a: 1 }, () => undefined);
    expect(typeof (await alice.emitWithAck('time:ping'))).toBe('number');
    expect((await h.relay().store.get(a.room.code))?.timeline.seq).toBe(0);
    expect(await raw(alice).emitWithAck('room:leave', 'extra')).toEqual({ ok: false, error: ErrorCode.BadRequest });
  });

  test('a message over the 16 KiB payload cap closes only that connection', async () => {
    const { socket: alice, joined: a } = await h.createRoom();
    const { socket: bob } = await h.joinRoom(a.room.code);
    const closed = new Promise<string>((done) => bob.once('disconnect', (reason) => done(reason)));
    raw(bob).emit('chat:send', { text: long(20 * 1024) }, () => undefined);
    expect(await closed).toBe('transport close');
    expect(unwrap(await alice.emitWithAck('chat:send', { text: 'still here' }))).toBeNull();
  });
});
