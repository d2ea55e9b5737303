/**
 * The relay's side of private rooms (#15), against both stores: a private room takes only sealed
 * values and an open room only plain ones; a plain name for a private room (a bare code) is told
 * `private_room`; a version 1 client is served in open rooms and told `upgrade_required` in private
 * ones; the media key stands in for the URL. Sealing is the extension's own module.
 */
import { ErrorCode, PROTOCOL_VERSION, sealedMaxLength, type Result } from '../../../relay/contract/protocol';
import { sealedCodec } from '../../../extension/background/room-codec';
import { newRoomKey, roomSeal, type RoomSeal } from '../../../extension/crypto/seal';
import { nextEvent, type TestClient } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap, useRelay } from './support';

const MEDIA = { url: 'https://example.com/watch?v=1', title: 'One', duration: 100 };

function refused<T>(res: Result<T>): string {
  return res.ok ? 'ok' : res.error;
}

describe.each(storeFactories)('private rooms ($name store)', (storeFactory) => {
  const h = useRelay({ storeFactory });

  async function privateRoom(): Promise<{ socket: TestClient; code: string; seal: RoomSeal }> {
    const seal = await roomSeal(newRoomKey());
    const socket = await h.client();
    const created = unwrap(
      await socket.emitWithAck('room:create', {
        protocol: PROTOCOL_VERSION,
        private: { keyCheck: seal.keyCheck },
        profile: { name: await seal.seal('name', '', 'Ann') },
      }),
    );
    expect(created.room).toMatchObject({ private: true, keyCheck: seal.keyCheck });
    return { socket, code: created.room.code, seal };
  }

  test('an open room says so, and takes no key check', async () => {
    const { joined } = await h.createRoom();
    expect(joined.room).toMatchObject({ private: false, keyCheck: null });
  });

  test('creating: a private room with a plain name or plain media, an open room with a sealed name, are refused', async () => {
    const seal = await roomSeal(newRoomKey());
    const c = await h.client();
    const privately = { protocol: PROTOCOL_VERSION, private: { keyCheck: seal.keyCheck } };
    expect(refused(await c.emitWithAck('room:create', { ...privately, profile: { name: 'Ann' } }))).toBe(ErrorCode.BadRequest);
    const sealedName = await seal.seal('name', '', 'Ann');
    expect(refused(await c.emitWithAck('room:create', { ...privately, profile: { name: sealedName }, media: MEDIA }))).toBe(
      ErrorCode.BadRequest,
    );
    expect(refused(await c.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: sealedName } }))).toBe(
      ErrorCode.BadRequest,
    );
    expect(
      refused(await c.emitWithAck('room:create', { protocol: 1, ...{ private: privately.private }, profile: { name: sealedName } })),
    ).toBe(ErrorCode.BadRequest);
    expect(
      refused(await c.emitWithAck('room:create', { ...privately, private: { keyCheck: 'short' }, profile: { name: sealedName } })),
    ).toBe(ErrorCode.BadRequest);
  });

  test('joining by bare code (a plain name) is private_room; a version 1 client is upgrade_required; with the key it works', async () => {
    const { code, seal } = await privateRoom();
    const c = await h.client();
    expect(refused(await c.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name: 'Bob' } }))).toBe(
      ErrorCode.PrivateRoom,
    );
    const sealed = await sealedCodec(seal, code).profileOut({ name: 'Bob' });
    expect(refused(await c.emitWithAck('room:join', { protocol: 1, code, profile: sealed }))).toBe(ErrorCode.UpgradeRequired);
    expect(refused(await c.emitWithAck('room:join', { protocol: 1, code, profile: { name: 'Bob' } }))).toBe(ErrorCode.UpgradeRequired);
    expect(refused(await c.emitWithAck('room:join', { protocol: 3, code, profile: sealed }))).toBe(ErrorCode.VersionMismatch);
    const joined = unwrap(await c.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: sealed }));
    expect(joined.room.members).toHaveLength(2);
  });

  test('a version 1 client creates and joins open rooms as before, and cannot resume a seat in a private one', async () => {
    const old = await h.client();
    const created = unwrap(await old.emitWithAck('room:create', { protocol: 1, profile: { name: 'Old' } }));
    const other = await h.client();
    unwrap(await other.emitWithAck('room:join', { protocol: 1, code: created.room.code, profile: { name: 'Older' } }));

    const seal = await roomSeal(newRoomKey());
    const owner = await h.client();
    const mine = unwrap(
      await owner.emitWithAck('room:create', {
        protocol: PROTOCOL_VERSION,
        private: { keyCheck: seal.keyCheck },
        profile: { name: await seal.seal('name', '', 'Ann') },
      }),
    );
    owner.disconnect();
    const back = await h.client();
    expect(refused(await back.emitWithAck('room:resume', { protocol: 1, resumeToken: mine.resumeToken }))).toBe(ErrorCode.UpgradeRequired);
    unwrap(await back.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: mine.resumeToken }));
  });

  test('in a private room: plain chat, reactions, names and media are refused; sealed ones go through, and the same media key keeps the timeline', async () => {
    const { socket, code, seal } = await privateRoom();
    const codec = sealedCodec(seal, code);
    expect(refused(await socket.emitWithAck('chat:send', { text: 'hello' }))).toBe(ErrorCode.BadRequest);
    expect(refused(await socket.emitWithAck('reaction:send', { emoji: '👍' }))).toBe(ErrorCode.BadRequest);
    expect(refused(await socket.emitWithAck('member:profile', { name: 'Ann' }))).toBe(ErrorCode.BadRequest);
    expect(refused(await socket.emitWithAck('playback:control', { action: 'media', media: MEDIA }))).toBe(ErrorCode.BadRequest);
    const sealedMedia = await codec.mediaOut(MEDIA);
    const { key: _key, ...withoutKey } = sealedMedia;
    expect(refused(await socket.emitWithAck('playback:control', { action: 'media', media: withoutKey }))).toBe(ErrorCode.BadRequest);
    // A sealed value longer than its kind allows.
    const long = 's1.' + 'A'.repeat(sealedMaxLength('chat'));
    expect(refused(await socket.emitWithAck('chat:send', { text: long }))).toBe(ErrorCode.BadRequest);

    const echoed = nextEvent(socket, 'chat:message');
    unwrap(await socket.emitWithAck('chat:send', { text: await codec.chatOut('hi') }));
    expect((await codec.chat((await echoed)[0])).text).toBe('hi');
    unwrap(await socket.emitWithAck('reaction:send', { emoji: await codec.reactionOut('👍') }));
    unwrap(await socket.emitWithAck('member:profile', await codec.profileOut({ name: 'Ann' })));

    const t1 = unwrap(await socket.emitWithAck('playback:control', { action: 'media', media: sealedMedia }));
    unwrap(await socket.emitWithAck('playback:control', { action: 'seek', position: 42 }));
    const same = unwrap(await socket.emitWithAck('playback:control', { action: 'media', media: await codec.mediaOut(MEDIA) }));
    expect(same.position).toBe(42); // the same video (same key): the timeline is kept
    const next = unwrap(
      await socket.emitWithAck('playback:control', { action: 'media', media: await codec.mediaOut({ ...MEDIA, url: MEDIA.url + '2' }) }),
    );
    expect(next.position).toBe(0); // another video: from the start
    expect(next.seq).toBeGreaterThan(t1.seq);
  });

  test('in an open room: sealed names and media are refused, plain values work as before', async () => {
    const { socket } = await h.createRoom();
    const seal = await roomSeal(newRoomKey());
    const codec = sealedCodec(seal, 'ABCDEFGHJKMNPQ');
    expect(refused(await socket.emitWithAck('member:profile', await codec.profileOut({ name: 'Ann' })))).toBe(ErrorCode.BadRequest);
    expect(refused(await socket.emitWithAck('playback:control', { action: 'media', media: await codec.mediaOut(MEDIA) }))).toBe(
      ErrorCode.BadRequest,
    );
    expect(refused(await socket.emitWithAck('reaction:send', { emoji: await codec.reactionOut('👍') }))).toBe(ErrorCode.BadRequest);
    unwrap(await socket.emitWithAck('playback:control', { action: 'media', media: MEDIA }));
    unwrap(await socket.emitWithAck('chat:send', { text: 'plain words' }));
  });
});
