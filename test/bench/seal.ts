/**
 * `npm run bench:seal [-- --rounds 2000]`: what sealing costs per message in a private room (#15),
 * in µs, through the same code the extension's background runs (extension/background/room-codec.ts
 * over extension/crypto/seal.ts, WebCrypto): sealing what a member sends, opening what it receives.
 * The baseline, measured in the same run, is the open room's codec (values passed through, and the
 * name, URL and reaction checked as in an open room). Also the one-off cost of deriving a room's keys.
 * Prints figures; asserts nothing.
 */
import { parseArgs } from 'node:util';
import { OPEN_CODEC, sealedCodec, type RoomCodec } from '../../extension/background/room-codec';
import { newRoomKey, roomSeal } from '../../extension/crypto/seal';
import type { Member } from '../../relay/contract/protocol';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2000' } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 10) throw new Error('--rounds must be an integer of at least 10');

const CODE = '7K3QX9M2C4TDHA';
const chatLine = 'Did you see that? The twist at the end of the second act, I did not expect it at all 😮';
const name = 'Aurelia Q.';
const media = {
  url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PL0123456789abcdef&index=7',
  title: 'Episode 7: The Long Night',
  duration: 2710,
};
const member = (n: string): Member => ({
  id: 'aZ-_09xyAB8',
  name: n,
  color: '#3cb44b',
  role: 'member',
  status: 'playing',
  offsetMs: 3,
  rttMs: 40,
  joinedAt: 1,
  connected: true,
});
const timeline = { media: null, paused: false, position: 12, rate: 1, setAt: 0, seq: 4, waitingFor: [], holdUntil: null, by: null };

interface Case {
  what: string;
  out(c: RoomCodec): Promise<unknown>;
  /** What the relay would send back, as made by `c` (sealed or not). */
  prepare(c: RoomCodec): Promise<() => Promise<unknown>>;
}

const cases: Case[] = [
  {
    what: `chat line (${new TextEncoder().encode(chatLine).length} B)`,
    out: (c) => c.chatOut(chatLine),
    prepare: async (c) => {
      const text = await c.chatOut(chatLine);
      return () => c.chat({ id: 'x', from: 'aZ-_09xyAB8', text, at: 1 });
    },
  },
  {
    what: `name (${name.length} chars)`,
    out: (c) => c.profileOut({ name }),
    prepare: async (c) => {
      const sealed = (await c.profileOut({ name })).name;
      return () => c.member(member(sealed));
    },
  },
  {
    what: 'media (URL + title + media key)',
    out: (c) => c.mediaOut(media),
    prepare: async (c) => {
      const m = await c.mediaOut(media);
      return () => c.timeline({ ...timeline, media: m });
    },
  },
  {
    what: 'reaction',
    out: (c) => c.reactionOut('🎉'),
    prepare: async (c) => {
      const emoji = await c.reactionOut('🎉');
      return () => c.reaction({ from: 'aZ-_09xyAB8', emoji, at: 1 });
    },
  },
];

/**
 * µs per call over 7 batches of `rounds` sequential calls (after a warm-up batch): the fastest batch
 * (the least disturbed by other work on a shared machine) and the median.
 */
async function perCall(fn: () => Promise<unknown>): Promise<string> {
  const batches: number[] = [];
  for (let b = 0; b < 8; b++) {
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) await fn();
    if (b > 0) batches.push(((performance.now() - t0) * 1000) / rounds);
  }
  batches.sort((x, y) => x - y);
  return `${batches[0]!.toFixed(1)} (${batches[3]!.toFixed(1)})`;
}

async function main(): Promise<void> {
  const key = newRoomKey();
  const t0 = performance.now();
  const derivations = 50;
  for (let i = 0; i < derivations; i++) await roomSeal(key);
  const deriveUs = ((performance.now() - t0) * 1000) / derivations;
  const sealed = sealedCodec(await roomSeal(key), CODE);

  console.log(
    `lockstep bench:seal: ${rounds} calls a batch, fastest (median) of 7 batches; Node ${process.version}, WebCrypto (crypto.subtle)`,
  );
  console.log(`room keys derived from the room key (HKDF x7, once per room and worker start): ${deriveUs.toFixed(0)} µs`);
  console.log('');
  console.log(
    `${'per message, µs'.padEnd(34)}${'seal (send)'.padEnd(16)}${'open (receive)'.padEnd(16)}open room, the baseline (send / receive)`,
  );
  for (const c of cases) {
    const sealUs = await perCall(() => c.out(sealed));
    const openUs = await perCall(await c.prepare(sealed));
    const plainOut = await perCall(() => c.out(OPEN_CODEC));
    const plainIn = await perCall(await c.prepare(OPEN_CODEC));
    console.log(`${c.what.padEnd(34)}${sealUs.padEnd(16)}${openUs.padEnd(16)}${plainOut} / ${plainIn}`);
  }
}

void main();
