/** Random events and payloads for the relay fuzz test: valid ones, near misses and garbage. */
import { PROTOCOL_VERSION } from '../../../relay/contract/protocol';
import type { Rng } from '../../bench/sim/rng';

export const FUZZ_EVENTS = [
  'room:create',
  'room:join',
  'room:resume',
  'room:leave',
  'room:settings',
  'room:transfer-host',
  'member:profile',
  'member:status',
  'member:telemetry',
  'playback:control',
  'chat:send',
  'time:ping',
  'no:such-event',
] as const;

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;

function randomString(rng: Rng): string {
  const n = pick(rng, [0, 1, 5, 40, 600, 3000]);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rng.uniform(0, rng.chance(0.9) ? 128 : 0xd7ff)));
  return s;
}

export function randomValue(rng: Rng, depth = 0): unknown {
  const kind = Math.floor(rng.next() * (depth > 2 ? 5 : 8));
  switch (kind) {
    case 0:
      return pick(rng, [0, -1, 1.5, 1e308, -1e308, 2 ** 53, rng.uniform(-1e6, 1e6)]);
    case 1:
      return randomString(rng);
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    case 4:
      return Buffer.alloc(Math.floor(rng.uniform(0, 2048)), 7);
    case 5:
      return Array.from({ length: Math.floor(rng.uniform(0, 5)) }, () => randomValue(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const keys = [
        'action',
        'position',
        'rate',
        'text',
        'name',
        'status',
        'protocol',
        'code',
        '__proto__',
        'constructor',
        randomString(rng).slice(0, 8),
      ];
      // defineProperty: an own "__proto__" key (as JSON.parse makes), not a prototype change.
      for (let i = 0; i < rng.uniform(0, 5); i++) {
        Object.defineProperty(o, pick(rng, keys), {
          value: randomValue(rng, depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      return o;
    }
  }
}

/** A valid payload for `event` in the fuzz room, so handlers past validation run too. */
function validPayload(rng: Rng, event: string, code: string, memberIds: readonly string[]): unknown {
  const profile = { name: `fuzz${Math.floor(rng.uniform(0, 99))}` };
  switch (event) {
    case 'room:create':
      return { protocol: PROTOCOL_VERSION, profile };
    case 'room:join':
      return { protocol: PROTOCOL_VERSION, code, profile };
    case 'room:resume':
      return { protocol: PROTOCOL_VERSION, resumeToken: `${code}.${randomString(rng).slice(0, 43)}` };
    case 'room:settings':
      return { controlMode: pick(rng, ['everyone', 'host']), waitPolicy: pick(rng, ['wait', 'continue']) };
    case 'room:transfer-host':
      return { memberId: pick(rng, [...memberIds, 'nobody']) };
    case 'member:profile':
      return profile;
    case 'member:status':
      return {
        status: pick(rng, ['playing', 'paused', 'buffering', 'ad', 'no_video']),
        offsetMs: rng.uniform(-500, 500),
        rttMs: rng.uniform(0, 400),
      };
    case 'member:telemetry':
      return { offsetMs: pick(rng, [null, rng.uniform(-500, 500)]), rttMs: pick(rng, [null, rng.uniform(0, 400)]) };
    case 'playback:control':
      return pick(rng, [
        { action: 'play' },
        { action: 'pause', position: rng.uniform(0, 100) },
        { action: 'seek', position: rng.uniform(0, 1000), baseSeq: Math.floor(rng.uniform(0, 50)) },
        { action: 'rate', rate: rng.uniform(0.25, 2) },
        { action: 'media', media: { url: 'https://fuzz.example/v', title: 't', duration: null } },
      ]);
    case 'chat:send':
      return { text: randomString(rng).slice(0, 100) || 'x' };
    default:
      return undefined;
  }
}

/** Arguments (before the ack) for one fuzz emission. */
export function fuzzArgs(rng: Rng, event: string, code: string, memberIds: readonly string[]): unknown[] {
  const r = rng.next();
  if (r < 0.35) {
    const p = validPayload(rng, event, code, memberIds);
    return p === undefined ? [] : [p];
  }
  if (r < 0.7) {
    // A near miss: a valid payload with one key added, dropped or replaced.
    const p = validPayload(rng, event, code, memberIds);
    if (typeof p !== 'object' || p === null) return [randomValue(rng)];
    const o = { ...(p as Record<string, unknown>) };
    const keys = Object.keys(o);
    const key = keys.length > 0 && rng.chance(0.7) ? pick(rng, keys) : 'extra';
    if (rng.chance(0.3)) delete o[key];
    else o[key] = randomValue(rng);
    return [o];
  }
  return Array.from({ length: Math.floor(rng.uniform(0, 3)) }, () => randomValue(rng));
}
