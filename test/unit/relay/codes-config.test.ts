/** Room codes, origins and configuration parsing. */
import { canonicalRoomCode, hashResumeToken, newRoomCode, newResumeToken, redactCode } from '../../../relay/rooms/codes';
import { loadConfig, printableConfig } from '../../../relay/config';
import { isAllowedOrigin } from '../../../relay/http/origins';
import { LIMITS, ROOM_CODE_ALPHABET } from '../../../relay/contract/protocol';

describe('room codes', () => {
  test('14 symbols of the 32-symbol alphabet (70 bits), well spread', () => {
    const counts = new Map<string, number>();
    const codes = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = newRoomCode();
      expect(code).toHaveLength(LIMITS.roomCodeLength);
      codes.add(code);
      for (const ch of code) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(codes.size).toBe(2000);
    expect([...counts.keys()].sort().join('')).toBe([...ROOM_CODE_ALPHABET].sort().join(''));
    // 28,000 symbols over 32: each ~875; a biased draw would stand out.
    for (const n of counts.values()) expect(Math.abs(n - 875)).toBeLessThan(200);
    expect(Math.log2(ROOM_CODE_ALPHABET.length) * LIMITS.roomCodeLength).toBeGreaterThanOrEqual(64);
  });

  test.each([
    ['abcd-efgh-jkmn-pq', 'ABCDEFGHJKMNPQ'],
    [' ABCD EFGH JKMN PQ ', 'ABCDEFGHJKMNPQ'],
    ['ABCDEFGHIJKLMN', null], // I and L are not in the alphabet
    ['ABC', null],
    ['ABCDEFGHJKMNPQR', null],
  ])('canonicalRoomCode(%j) = %j', (input, expected) => {
    expect(canonicalRoomCode(input)).toBe(expected);
  });

  test('resume tokens carry the room and 32 random bytes; only hashes are compared', () => {
    const t = newResumeToken('ABCDEFGHJKMNPQ');
    expect(t).toMatch(/^ABCDEFGHJKMNPQ\.[A-Za-z0-9_-]{43}$/);
    expect(newResumeToken('ABCDEFGHJKMNPQ')).not.toBe(t);
    expect(hashResumeToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(redactCode('ABCDEFGHJKMNPQ')).toBe('ABCD…');
  });
});

test.each([
  [undefined, true],
  ['chrome-extension://abcdefghijklmnopabcdefghijklmnop', true],
  ['moz-extension://0a1b2c3d-1111-2222-3333-444455556666', true],
  ['https://watch.example', true],
  ['https://watch.example.evil', false],
  ['chrome-extension://abc/../x', false],
  ['null', false],
])('origin %j allowed: %j', (origin, allowed) => {
  expect(isAllowedOrigin(origin, ['https://watch.example'])).toBe(allowed);
});

describe('config', () => {
  test('defaults', () => {
    const r = loadConfig({});
    expect(r).toMatchObject({
      ok: true,
      config: {
        PORT: 3000,
        HOST: '0.0.0.0',
        ROOM_GRACE_MS: 600_000,
        MAX_MEMBERS: 50,
        HOLD_TIMEOUT_MS: 10_000,
        ALLOWED_ORIGINS: [],
        LOG_LEVEL: 'info',
        TRUST_PROXY: false,
        HEARTBEAT_INTERVAL_MS: 5000,
        HEARTBEAT_TIMEOUT_MS: 15_000,
      },
    });
  });

  test('values are parsed; the Redis password is masked in the printed config', () => {
    const r = loadConfig({
      PORT: '8080',
      ALLOWED_ORIGINS: 'https://a.example/, http://b.example:8000',
      REDIS_URL: 'redis://:hunter2@127.0.0.1:6379',
      TRUST_PROXY: '1',
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.config).toMatchObject({ PORT: 8080, ALLOWED_ORIGINS: ['https://a.example', 'http://b.example:8000'], TRUST_PROXY: true });
    expect(JSON.stringify(printableConfig(r.config))).not.toContain('hunter2');
  });

  test.each([
    { PORT: '70000' },
    { PORT: 'x' },
    { ROOM_GRACE_MS: '-1' },
    { MAX_MEMBERS: '0' },
    { LOG_LEVEL: 'loud' },
    { ALLOWED_ORIGINS: 'evil' },
    { REDIS_URL: 'http://x' },
    { HEARTBEAT_INTERVAL_MS: '10' },
    { HEARTBEAT_TIMEOUT_MS: '9000' },
    { HEARTBEAT_TIMEOUT_MS: '300', HEARTBEAT_INTERVAL_MS: '200' },
  ])('refuses %j with the variable named', (env) => {
    const r = loadConfig(env);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(Object.keys(env)[0]);
  });

  test('heartbeat settings for tests: short ones are accepted when the timeout is twice the interval', () => {
    const r = loadConfig({ HEARTBEAT_INTERVAL_MS: '200', HEARTBEAT_TIMEOUT_MS: '400' });
    expect(r).toMatchObject({ ok: true, config: { HEARTBEAT_INTERVAL_MS: 200, HEARTBEAT_TIMEOUT_MS: 400 } });
  });
});
