import { formatInvite, formatRoomCode, normalizeRelayUrl, normalizeRoomCode, parseInvite, stripInvite } from '../../../extension/invite';

const CODE = '7K3QX9M2C4TDHA';
const RELAY = 'https://relay.example';

describe('room codes', () => {
  test.each([
    [CODE, CODE],
    ['7k3q-x9m2-c4td-ha', CODE],
    [' 7K3Q X9M2 C4TD HA ', CODE],
    ['7K3QX9M2C4TDH', null], // too short
    ['7K3QX9M2C4TDHAA', null], // too long
    ['7K3QX9M2C4TDHI', null], // I is not in the alphabet
    ['', null],
  ])('normalizeRoomCode(%j) = %j', (input, expected) => {
    expect(normalizeRoomCode(input)).toBe(expected);
  });

  test('formatRoomCode groups by four', () => {
    expect(formatRoomCode(CODE)).toBe('7K3Q-X9M2-C4TD-HA');
    expect(normalizeRoomCode(formatRoomCode(CODE))).toBe(CODE);
  });
});

describe('relay URLs', () => {
  test.each([
    ['http://localhost:3000', 'http://localhost:3000'],
    ['https://relay.example/', 'https://relay.example'],
    ['wss://relay.example/sub/', 'wss://relay.example/sub'],
    ['ftp://relay.example', null],
    ['https://user:pw@relay.example', null],
    ['https://relay.example/?x=1', null],
    ['not a url', null],
    // A host, written with //, and nothing in the authority that hides another host or credentials.
    ['ws://[::1]:3000/x', 'ws://[::1]:3000/x'],
    ['https://@relay.example', null],
    ['https://:@relay.example', null],
    ['https://relay.example@evil.example', null],
    ['http:relay.example', null],
    ['http:///relay.example', null],
    ['https://relay\\.example', null],
    ['javascript://relay.example', null],
    ['file:///etc/passwd', null],
    ['data:text/plain,relay', null],
    [`https://relay.example/${'a'.repeat(2100)}`, null],
  ])('normalizeRelayUrl(%j) = %j', (input, expected) => {
    expect(normalizeRelayUrl(input)).toBe(expected);
  });
});

describe('invite links', () => {
  test.each(['https://www.youtube.com/watch?v=abc', 'https://example.com/video#t=30', 'http://127.0.0.1:8080/fixtures/plain.html?x=1&y=2'])(
    'round trip through %s',
    (page) => {
      const link = formatInvite(page, CODE, RELAY);
      const parsed = parseInvite(link);
      expect(parsed).toEqual({ ok: true, invite: { code: CODE, relayUrl: RELAY, pageUrl: page, key: null } });
      expect(stripInvite(link)).toBe(page);
    },
  );

  test('the room travels in the fragment only', () => {
    const url = new URL(formatInvite('https://example.com/watch?v=1', CODE, RELAY));
    expect(url.search).toBe('?v=1');
    expect(url.hash).toContain(CODE);
  });

  test('re-inviting from a page that carries an invite replaces it', () => {
    const first = formatInvite('https://example.com/v#t=5', CODE, RELAY);
    const second = formatInvite(first, 'ABCDEFGHJKMNPQ', 'http://localhost:3000');
    expect(parseInvite(second)).toEqual({
      ok: true,
      invite: { code: 'ABCDEFGHJKMNPQ', relayUrl: 'http://localhost:3000', pageUrl: 'https://example.com/v#t=5', key: null },
    });
  });

  test("a private room's key rides in the fragment beside the code, and comes back out", () => {
    const key = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdE';
    const link = formatInvite('https://example.com/v?x=1', CODE, RELAY, key);
    expect(new URL(link).hash).toContain(`key=${key}`);
    expect(parseInvite(link)).toEqual({ ok: true, invite: { code: CODE, relayUrl: RELAY, pageUrl: 'https://example.com/v?x=1', key } });
    expect(stripInvite(link)).toBe('https://example.com/v?x=1');
  });

  test.each(['short', 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdF', 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/abcdE', ''])(
    'a damaged key (%j) is "This invite link is damaged"',
    (key) => {
      const parsed = parseInvite(`https://example.com/#lockstep=${CODE}&relay=${encodeURIComponent(RELAY)}&key=${encodeURIComponent(key)}`);
      expect(parsed).toEqual({ ok: false, message: expect.stringMatching(/This invite link is damaged/) });
    },
  );

  test('a bare code has no relay or page', () => {
    expect(parseInvite('7k3q-x9m2-c4td-ha')).toEqual({ ok: true, invite: { code: CODE, relayUrl: null, pageUrl: null, key: null } });
  });

  test.each([
    ['', /Paste/],
    ['hello', /neither/],
    ['https://example.com/watch?v=1', /no Lockstep room/],
    ['https://example.com/#lockstep=SHORT&relay=https%3A%2F%2Fr.example', /damaged/],
    ['https://example.com/#lockstep=7K3QX9M2C4TDHA&relay=javascript%3Aalert(1)', /relay address/],
    ['javascript:alert(1)#lockstep=7K3QX9M2C4TDHA', /http/],
    ['https://www.youtube.com@evil.example/#lockstep=7K3QX9M2C4TDHA', /hides its real address/],
    ['https://example.com/#lockstep=7K3QX9M2C4TDHA&relay=https%3A%2F%2Fu%3Ap%40relay.example', /relay address/],
    ['https://example.com/#lockstep=7K3QX9M2C4TDHA&relay=ws%3A%2F%2F', /relay address/],
    ['https://example.com/#lockstep=7K3QX9M2C4TDHA&relay=ftp%3A%2F%2Frelay.example', /relay address/],
    ['https://example.com/#lockstep=7K3QX9M2C4TDH%00&relay=https%3A%2F%2Frelay.example', /damaged/],
    ['x'.repeat(5000), /too long/],
  ])('refuses case %# with a clear message', (input, message) => {
    const parsed = parseInvite(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  test('stripInvite leaves URLs without an invite alone', () => {
    expect(stripInvite('https://example.com/#t=3')).toBeNull();
    expect(stripInvite('not a url')).toBeNull();
  });
});
